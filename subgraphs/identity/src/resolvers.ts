import {
  byIds,
  DateTimeScalar,
  isPlatformRole,
  isUuid,
  paginate,
  type ConnectionArgs,
  type Resolvers,
  type SubgraphContext,
} from '@studyspot/runtime';
import { GraphQLScalarType } from 'graphql';
import * as auth from './auth.service.ts';
import * as users from './user.service.ts';
import {
  countAccountsByTenant,
  countOpenSessions,
  findUsersByIds,
  listAuditLogs,
  listUsers,
  recentActions,
  type AuditListFilter,
  type AuditRow,
  type UserListFilter,
  type UserRow,
} from './user.repository.ts';

const JSONScalar = new GraphQLScalarType({ name: 'JSON', description: 'Arbitrary JSON.', serialize: (v) => v });

function userLoader(ctx: SubgraphContext) {
  return ctx.loader<string, UserRow | null>('user', async (ids) => byIds(ids, await findUsersByIds(ctx.core, ids)));
}

/** Platform roles see every account; others only their tenant's. */
async function visibleById(ctx: SubgraphContext, id: string) {
  if (!isUuid(id) || !ctx.claims) return null;
  const user = await userLoader(ctx).load(id);
  if (!user) return null;
  if (user.id === ctx.claims.sub || isPlatformRole(ctx.claims.role)) return user;
  return ctx.claims.role !== 'STUDENT' && user.tenantId === ctx.claims.tenantId ? user : null;
}

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Query: {
    me: (_p, _a, ctx) => userLoader(ctx).load(ctx.claims!.sub),
    verifyToken: (_p, _a, ctx) => ({ userId: ctx.claims!.sub, role: ctx.claims!.role, tenantId: ctx.claims!.tenantId, sessionId: ctx.claims!.sid ?? null }),
    user: (_p, args: { id: string }, ctx) => users.findVisibleUser(ctx, args.id),
    users: (_p, args: ConnectionArgs & { filter?: UserListFilter | null }, ctx) => {
      const scope = users.visibleTenant(ctx);
      const filter = { ...args.filter, ...(scope ? { tenantId: scope } : {}) };
      return paginate(args, (take, where) => listUsers(ctx.core, take, where, filter));
    },
    auditLogs: (_p, args: ConnectionArgs & { filter?: AuditListFilter | null }, ctx) => {
      const scope = users.visibleTenant(ctx);
      const filter = { ...args.filter, ...(scope ? { tenantId: scope } : {}) };
      return paginate(args, (take, where) => listAuditLogs(ctx.core, take, where, filter), 'desc');
    },
  },
  Mutation: {
    login: (_p, args: { input: { email: string; password: string } }, ctx) => auth.login(ctx, args.input),
    requestOtp: (_p, args: { input: { tenantSlug: string; phone: string } }, ctx) => auth.requestOtp(ctx, args.input),
    loginWithOtp: (_p, args: { input: { tenantSlug: string; phone: string; code: string } }, ctx) => auth.loginWithOtp(ctx, args.input),
    refreshSession: (_p, args: { refreshToken: string }, ctx) => auth.refreshSession(ctx, args.refreshToken),
    logout: (_p, _a, ctx) => auth.logout(ctx),
    changePassword: (_p, args: { input: { currentPassword: string; newPassword: string } }, ctx) => auth.changePassword(ctx, args.input),
    createUser: (_p, args: { input: users.CreateUserInput }, ctx) => users.createUser(ctx, args.input),
    updateUser: (_p, args: { id: string; input: Parameters<typeof users.updateUser>[2] }, ctx) => users.updateUser(ctx, args.id, args.input),
    deactivateUser: (_p, args: { id: string }, ctx) => users.setActive(ctx, args.id, false),
    reactivateUser: (_p, args: { id: string }, ctx) => users.setActive(ctx, args.id, true),
    setUserPassword: (_p, args: { id: string; password?: string | null }, ctx) => users.setPassword(ctx, args.id, args.password),
  },
  User: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => visibleById(ctx, ref.id),
    tenant: (u: UserRow) => (u.tenantId ? { __typename: 'Tenant', id: u.tenantId } : null),
    activity: (u: UserRow) => u,
  },
  UserActivity: {
    lastLoginAt: (u: UserRow) => u.lastLoginAt,
    openSessions: async (u: UserRow, _a, ctx) => {
      const counts = ctx.loader<string, number>('openSessions', async (ids) => {
        const m = await countOpenSessions(ctx.core, ids);
        return ids.map((id) => m.get(id) ?? 0);
      });
      return counts.load(u.id);
    },
    recentActions: (u: UserRow, args: { first?: number | null }, ctx) => recentActions(ctx.core, u.id, Math.min(Math.max(args.first ?? 10, 0), 50)),
  },
  AuditLogEntry: {
    at: (a: AuditRow) => a.createdAt,
    actor: (a: AuditRow, _args, ctx) => (a.actorId ? visibleById(ctx, a.actorId) : null),
    tenant: (a: AuditRow) => (a.tenantId ? { __typename: 'Tenant', id: a.tenantId } : null),
  },
  TenantStats: {
    __resolveReference: (ref: { tenantId: string }, ctx: SubgraphContext) => {
      ctx.authorizeTenant('tenant:read', ref.tenantId);
      return ref;
    },
    staffAccounts: async (s: { tenantId: string }, _a, ctx) => (await accountCounts(ctx).load(s.tenantId)).staffAccounts,
    studentAccounts: async (s: { tenantId: string }, _a, ctx) => (await accountCounts(ctx).load(s.tenantId)).studentAccounts,
  },
};

function accountCounts(ctx: SubgraphContext) {
  return ctx.loader<string, { staffAccounts: number; studentAccounts: number }>('accountCounts', async (ids) => {
    const m = await countAccountsByTenant(ctx.core, ids);
    return ids.map((id) => m.get(id)!);
  });
}
