import type { Resolvers, SubgraphContext } from '@studyspot/runtime';
import { tag } from '../shared/loaders.ts';
import type { Args } from '../shared/resolve.ts';
import { scope } from '../shared/scope.ts';
import { campusAnalytics, tenantCounts } from './analytics.service.ts';

const countsFor = (ctx: SubgraphContext, tenantId: string) => ctx.perTenant('tenantCounts', tenantId, tenantCounts);

export const analyticsResolvers: Resolvers = {
  Query: {
    campusAnalytics: async (_p, a: { month?: string | null }, ctx) => {
      const s = await scope(ctx);
      const r = await campusAnalytics(s, a.month);
      return { ...r, utilisation: r.utilisation.map((u) => ({ ...u, shift: tag(s.tenantId, u.shift) })) };
    },
  },
  TenantStats: {
    __resolveReference: (ref: { tenantId: string }, ctx: SubgraphContext) => ({ tenantId: ctx.authorizeTenant('tenant:read', ref.tenantId) }),
    libraryCount: async (s: { tenantId: string }, _a: Args, ctx) => (await countsFor(ctx, s.tenantId)).libraryCount,
    seatCount: async (s: { tenantId: string }, _a: Args, ctx) => (await countsFor(ctx, s.tenantId)).seatCount,
    studentCount: async (s: { tenantId: string }, _a: Args, ctx) => (await countsFor(ctx, s.tenantId)).studentCount,
    activeStudentCount: async (s: { tenantId: string }, _a: Args, ctx) => (await countsFor(ctx, s.tenantId)).activeStudentCount,
    activeAllocationCount: async (s: { tenantId: string }, _a: Args, ctx) => (await countsFor(ctx, s.tenantId)).activeAllocationCount,
    insideNow: async (s: { tenantId: string }, _a: Args, ctx) => (await countsFor(ctx, s.tenantId)).insideNow,
  },
};
