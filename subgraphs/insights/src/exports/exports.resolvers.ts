import type { Resolvers } from '../generated/resolvers.ts';
import { exportLink } from './exports.service.ts';

export const exportsResolvers: Resolvers = {
  Query: {
    insightsExport: async (_p, a, ctx) => exportLink(ctx.platform, await ctx.scope(), a.input),
  },
};
