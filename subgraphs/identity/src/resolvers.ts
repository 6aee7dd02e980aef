import { byIds, isUuid, DateTimeScalar, isPlatformRole, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { findUsersByIds, type UserRow } from './user.repository.ts';


function userLoader(ctx: SubgraphContext) {
  return ctx.loader<string, UserRow | null>('user', async (ids) => byIds(ids, await findUsersByIds(ctx.core, ids)));
}

/** A user the caller may see: platform roles see all, others only their own tenant's accounts. */
async function visibleUser(ctx: SubgraphContext, id: string): Promise<UserRow | null> {
  const claims = ctx.authorize('self:read');
  if (!isUuid(id)) return null;
  const user = await userLoader(ctx).load(id);
  if (!user) return null;
  if (user.id === claims.sub || isPlatformRole(claims.role)) return user;
  if (claims.role !== 'STUDENT' && claims.tenantId && user.tenantId === claims.tenantId) return user;
  return null;
}

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    me: async (_p, _a, ctx) => (ctx.claims ? userLoader(ctx).load(ctx.claims.sub) : null),
    user: (_p, args: { id: string }, ctx) => visibleUser(ctx, args.id),
  },
  User: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => visibleUser(ctx, ref.id),
    tenant: (u: UserRow) => (u.tenantId ? { __typename: 'Tenant', id: u.tenantId } : null),
  },
};
