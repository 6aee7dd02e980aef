import { tenantTarget } from '@studyspot/db';
import { byIds, DateTimeScalar, isPlatformRole, isUuid, paginate, type ConnectionArgs, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import * as tenants from './tenant.service.ts';
import { findTenantsByIds, listTenants, type TenantListFilter, type TenantRow } from './tenant.repository.ts';

function tenantLoader(ctx: SubgraphContext) {
  return ctx.loader<string, TenantRow | null>('tenant', async (ids) => byIds(ids, await findTenantsByIds(ctx.core, ids)));
}

/** A tenant the caller may see; another tenant's id looks exactly like a missing one. */
async function visibleTenant(ctx: SubgraphContext, id: string): Promise<TenantRow | null> {
  const claims = ctx.claims;
  if (!claims || !isUuid(id)) return null;
  const platform = isPlatformRole(claims.role);
  if (!platform && claims.tenantId !== id) return null;
  const t = await tenantLoader(ctx).load(id);
  return t && (platform || t.status !== 'DELETED') ? t : null;
}

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    tenant: (_p, args: { id: string }, ctx) => visibleTenant(ctx, args.id),
    currentTenant: (_p, _a, ctx) => (ctx.tenantId ? visibleTenant(ctx, ctx.tenantId) : null),
    tenants: (_p, args: ConnectionArgs & { filter?: TenantListFilter | null }, ctx) =>
      paginate(args, (take, where) => listTenants(ctx.core, take, where, args.filter ?? {})),
  },
  Mutation: {
    createTenant: (_p, args: { input: tenants.CreateTenantInput }, ctx) => tenants.createTenant(ctx, args.input),
    retryTenantProvisioning: (_p, args: { id: string }, ctx) => tenants.retryProvisioning(ctx, args.id),
    updateTenant: (_p, args: { id: string; input: tenants.ProfileInput }, ctx) => tenants.updateTenant(ctx, args.id, args.input),
    suspendTenant: (_p, args: { id: string; reason: string }, ctx) => tenants.suspendTenant(ctx, args.id, args.reason),
    reactivateTenant: (_p, args: { id: string }, ctx) => tenants.reactivateTenant(ctx, args.id),
    deleteTenant: (_p, args: { id: string }, ctx) => tenants.deleteTenant(ctx, args.id),
    restoreTenant: (_p, args: { id: string }, ctx) => tenants.restoreTenant(ctx, args.id),
    purgeTenant: (_p, args: { id: string }, ctx) => tenants.purgeTenant(ctx, args.id),
  },
  Tenant: {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => visibleTenant(ctx, ref.id),
    database: (t: TenantRow, _a, ctx) => {
      if (!ctx.isPlatform) return null;
      const target = tenantTarget(ctx.platform.config.database, t);
      return { name: t.dbName, host: target.kind === 'postgres' ? new URL(target.url).host : 'embedded', purgedAt: t.purgedAt };
    },
    stats: (t: TenantRow) => ({ tenantId: t.id }),
  },
  TenantStats: {
    __resolveReference: (ref: { tenantId: string }, ctx: SubgraphContext) => {
      ctx.authorizeTenant('tenant:read', ref.tenantId);
      return ref;
    },
  },
};
