import type { SubgraphContext } from '@studyspot/runtime';
import { tag } from '../shared/loaders.ts';
import { scope } from '../shared/scope.ts';
import { campusAnalytics, tenantCounts } from './analytics.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

const countsFor = (ctx: SubgraphContext, tenantId: string) => ctx.perTenant('tenantCounts', tenantId, tenantCounts);

export const analyticsResolvers: Resolvers = {
  Query: {
    campusAnalytics: async (_p, a, ctx) => {
      const s = await scope(ctx);
      const r = await campusAnalytics(s, a.month);
      return { ...r, utilisation: r.utilisation.map((u) => ({ ...u, shift: tag(s.tenantId, u.shift) })) };
    },
  },
  TenantStats: {
    __resolveReference: (ref, ctx) => ({ tenantId: ctx.authorizeTenant('tenant:read', ref.tenantId) }),
    libraryCount: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).libraryCount,
    seatCount: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).seatCount,
    studentCount: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).studentCount,
    activeStudentCount: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).activeStudentCount,
    activeAllocationCount: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).activeAllocationCount,
    insideNow: async (s, _a, ctx) => (await countsFor(ctx, s.tenantId)).insideNow,
  },
};
