import type { Resolvers, SubgraphContext } from '@studyspot/runtime';
import type { TenantRow } from './tenants.repository.ts';
import * as tenants from './tenants.service.ts';

export const tenantsResolvers: Resolvers = {
  Query: {
    tenant: (_p, args: { id: string }, ctx) => tenants.visibleTenant(ctx, args.id),
    currentTenant: (_p, _a, ctx) => (ctx.tenantId ? tenants.visibleTenant(ctx, ctx.tenantId) : null),
    tenants: (_p, args: Parameters<typeof tenants.listTenants>[1], ctx) => tenants.listTenants(ctx, args),
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
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => tenants.visibleTenant(ctx, ref.id),
    database: (t: TenantRow, _a, ctx) => tenants.databaseOf(ctx, t),
    stats: (t: TenantRow) => ({ tenantId: t.id }),
  },
  TenantStats: {
    __resolveReference: (ref: { tenantId: string }, ctx: SubgraphContext) => {
      ctx.authorizeTenant('tenant:read', ref.tenantId);
      return ref;
    },
  },
};
