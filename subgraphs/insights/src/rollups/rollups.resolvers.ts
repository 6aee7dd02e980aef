import { clock } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { insightsStatus, rebuild } from './rollups.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const rollupsResolvers: Resolvers = {
  Query: {
    insightsStatus: async (_p, _a, ctx) => insightsStatus((await ctx.scope()).db, clock.now()),
  },
  Mutation: {
    rebuildInsights: async (_p, a, ctx) => {
      const r = await rebuild((await ctx.scope()).db, a.from, a.to, clock.now());
      return 'error' in r ? { days: null, ...fail('INVALID_INPUT', r.error.message, r.error.field) } : { days: r.days, userErrors: [] };
    },
  },
};
