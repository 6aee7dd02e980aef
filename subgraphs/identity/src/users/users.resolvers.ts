import * as users from './users.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const usersResolvers: Resolvers = {
  Query: {
    me: (_p, _a, ctx) => users.userLoader(ctx).load(ctx.claims!.sub),
    user: (_p, args, ctx) => users.findVisibleUser(ctx, args.id),
    users: (_p, args, ctx) => users.listUsers(ctx, args),
  },
  Mutation: {
    createUser: (_p, args, ctx) => users.createUser(ctx, args.input),
    updateUser: (_p, args, ctx) => users.updateUser(ctx, args.id, args.input),
    deactivateUser: (_p, args, ctx) => users.setActive(ctx, args.id, false),
    reactivateUser: (_p, args, ctx) => users.setActive(ctx, args.id, true),
    setUserPassword: (_p, args, ctx) => users.setPassword(ctx, args.id, args.password),
  },
  User: {
    __resolveReference: (ref, ctx) => users.visibleById(ctx, ref.id),
    tenant: (u) => (u.tenantId ? { __typename: 'Tenant', id: u.tenantId } : null),
    activity: (u) => u,
  },
  UserActivity: {
    lastLoginAt: (u) => u.lastLoginAt,
    openSessions: (u, _a, ctx) => users.openSessions(ctx, u.id),
  },
  TenantStats: {
    __resolveReference: (ref, ctx) => {
      ctx.authorizeTenant('tenant:read', ref.tenantId);
      return ref;
    },
    staffAccounts: async (s, _a, ctx) => (await users.accountCounts(ctx, s.tenantId)).staffAccounts,
    studentAccounts: async (s, _a, ctx) => (await users.accountCounts(ctx, s.tenantId)).studentAccounts,
  },
};
