import type { Resolvers, SubgraphContext } from '@studyspot/runtime';
import type { UserRow } from './users.repository.ts';
import * as users from './users.service.ts';

export const usersResolvers: Resolvers = {
  Query: {
    me: (_p, _a, ctx) => users.userLoader(ctx).load(ctx.claims!.sub),
    user: (_p, args: { id: string }, ctx) => users.findVisibleUser(ctx, args.id),
    users: (_p, args: Parameters<typeof users.listUsers>[1], ctx) => users.listUsers(ctx, args),
  },
  Mutation: {
    createUser: (_p, args: { input: users.CreateUserInput }, ctx) => users.createUser(ctx, args.input),
    updateUser: (_p, args: { id: string; input: Parameters<typeof users.updateUser>[2] }, ctx) => users.updateUser(ctx, args.id, args.input),
    deactivateUser: (_p, args: { id: string }, ctx) => users.setActive(ctx, args.id, false),
    reactivateUser: (_p, args: { id: string }, ctx) => users.setActive(ctx, args.id, true),
    setUserPassword: (_p, args: { id: string; password?: string | null }, ctx) => users.setPassword(ctx, args.id, args.password),
  },
  User: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => users.visibleById(ctx, ref.id),
    tenant: (u: UserRow) => (u.tenantId ? { __typename: 'Tenant', id: u.tenantId } : null),
    activity: (u: UserRow) => u,
  },
  UserActivity: {
    lastLoginAt: (u: UserRow) => u.lastLoginAt,
    openSessions: (u: UserRow, _a, ctx) => users.openSessions(ctx, u.id),
  },
  TenantStats: {
    __resolveReference: (ref: { tenantId: string }, ctx: SubgraphContext) => {
      ctx.authorizeTenant('tenant:read', ref.tenantId);
      return ref;
    },
    staffAccounts: async (s: { tenantId: string }, _a, ctx) => (await users.accountCounts(ctx, s.tenantId)).staffAccounts,
    studentAccounts: async (s: { tenantId: string }, _a, ctx) => (await users.accountCounts(ctx, s.tenantId)).studentAccounts,
  },
};
