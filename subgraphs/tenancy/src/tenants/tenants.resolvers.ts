import * as tenants from './tenants.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const tenantsResolvers: Resolvers = {
  Query: {
    tenant: (_p, args, ctx) => tenants.visibleTenant(ctx, args.id),
    currentTenant: (_p, _a, ctx) => (ctx.tenantId ? tenants.visibleTenant(ctx, ctx.tenantId) : null),
    tenants: (_p, args, ctx) => tenants.listTenants(ctx, args),
  },
  Mutation: {
    createTenant: (_p, args, ctx) => tenants.createTenant(ctx, args.input),
    retryTenantProvisioning: (_p, args, ctx) => tenants.retryProvisioning(ctx, args.id),
    updateTenant: (_p, args, ctx) => tenants.updateTenant(ctx, args.id, args.input),
    suspendTenant: (_p, args, ctx) => tenants.suspendTenant(ctx, args.id, args.reason),
    reactivateTenant: (_p, args, ctx) => tenants.reactivateTenant(ctx, args.id),
    deleteTenant: (_p, args, ctx) => tenants.deleteTenant(ctx, args.id),
    restoreTenant: (_p, args, ctx) => tenants.restoreTenant(ctx, args.id),
    purgeTenant: (_p, args, ctx) => tenants.purgeTenant(ctx, args.id),
  },
  Tenant: {
    __resolveReference: (ref, ctx) => tenants.visibleTenant(ctx, ref.id),
    database: (t, _a, ctx) => tenants.databaseOf(ctx, t),
    stats: (t) => ({ tenantId: t.id }),
  },
  TenantStats: {
    __resolveReference: (ref, ctx) => {
      ctx.authorizeTenant('tenant:read', ref.tenantId);
      return ref;
    },
  },
};
