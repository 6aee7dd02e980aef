import {
  byIds,
  isUuid,
  DateTimeScalar,
  isPlatformRole,
  paginate,
  type ConnectionArgs,
  type Resolvers,
  type SubgraphContext,
} from '@studyspot/runtime';
import { findTenantsByIds, listTenants, type TenantRow } from './tenant.repository.ts';


function tenantLoader(ctx: SubgraphContext) {
  return ctx.loader<string, TenantRow | null>('tenant', async (ids) => byIds(ids, await findTenantsByIds(ctx.core, ids)));
}

/** A tenant the caller may see; another tenant's id looks exactly like a missing one. */
async function visibleTenant(ctx: SubgraphContext, id: string): Promise<TenantRow | null> {
  const claims = ctx.authorize('tenant:read');
  if (!isUuid(id)) return null;
  if (!isPlatformRole(claims.role) && claims.tenantId !== id) return null;
  return tenantLoader(ctx).load(id);
}

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    tenant: (_p, args: { id: string }, ctx) => visibleTenant(ctx, args.id),
    currentTenant: async (_p, _a, ctx) => {
      ctx.authorize('tenant:read');
      return ctx.tenantId ? visibleTenant(ctx, ctx.tenantId) : null;
    },
    tenants: (_p, args: ConnectionArgs & { status?: TenantRow['status'] | null }, ctx) => {
      ctx.authorize('platform:tenants:read');
      return paginate(args, (take, where) => listTenants(ctx.core, take, where, args.status));
    },
  },
  Tenant: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => visibleTenant(ctx, ref.id),
  },
};
