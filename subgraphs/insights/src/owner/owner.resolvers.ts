import { renewals, retentionCohorts } from './cohorts.service.ts';
import { collectionEfficiency, insightRows, insightTrend, occupancyHeatmap } from './owner.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const ownerResolvers: Resolvers = {
  Query: {
    occupancyHeatmap: async (_p, a, ctx) => occupancyHeatmap(ctx, await ctx.scope(), a.libraryId, a.from, a.to),
    insightTrend: async (_p, a, ctx) => insightTrend(ctx, await ctx.scope(), a),
    collectionEfficiency: async (_p, a, ctx) => collectionEfficiency(ctx, await ctx.scope(), a),
    insightRows: async (_p, a, ctx) => insightRows(ctx, await ctx.scope(), a),
    renewals: async (_p, a, ctx) => renewals(await ctx.scope(), a),
    retentionCohorts: async (_p, a, ctx) => retentionCohorts(await ctx.scope(), a),
  },
  InsightRow: {
    student: (r) => (r.studentId ? { id: r.studentId } : null),
  },
};
