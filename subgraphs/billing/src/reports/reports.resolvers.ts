// Collections: the tenant's report, and each library's (Library.collections); the money figures of
// Tenant.stats.
import { can, forbidden, isUuid, type SubgraphContext } from '@studyspot/runtime';
import { scoped } from '../shared/loaders.ts';
import { collections } from './collections.ts';
import { tenantCounts } from './reports.repository.ts';
import type { Resolvers } from '../generated/resolvers.ts';

const countsFor = (ctx: SubgraphContext, tenantId: string) => ctx.perTenant('billingCounts', tenantId, tenantCounts);

export const reportsResolvers: Resolvers = {
  Query: {
    collectionsReport: async (_p, a, ctx) => {
      const { s } = await scoped(ctx);
      const only = a.libraryId ? (isUuid(a.libraryId) ? [a.libraryId] : []) : null;
      const libraryIds = s.libraryIds && only ? only.filter((id) => s.libraryIds!.includes(id)) : (only ?? s.libraryIds);
      return collections(s.db, a, { libraryIds });
    },
  },
  Library: {
    __resolveReference: (ref) => ({ id: ref.id }),
    collections: async (lib, a, ctx) => {
      if (!ctx.claims || !can(ctx.claims.role, 'tenant:analytics:read')) throw forbidden('Collections are analytics: owners, managers and the platform see them');
      const { s } = await scoped(ctx);
      if (s.libraryIds && !s.libraryIds.includes(lib.id)) throw forbidden('This library is outside your branches');
      return collections(s.db, a, { libraryIds: [lib.id] });
    },
  },
  LibraryCollection: {
    library: (c) => (c.libraryId ? { __typename: 'Library', id: c.libraryId } : null),
  },
  TenantStats: {
    // Money totals are analytics: the front desk records payments but does not see the revenue.
    __resolveReference: (ref, ctx) => ({ tenantId: ctx.authorizeTenant('tenant:analytics:read', ref.tenantId) }),
    paymentCount: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).paymentCount,
    revenuePaise: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).revenuePaise,
    outstandingPaise: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).outstandingPaise,
  },
};
