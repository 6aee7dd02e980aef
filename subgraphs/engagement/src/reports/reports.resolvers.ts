import { leadFunnel } from './reports.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const reportsResolvers: Resolvers = {
  Query: {
    leadFunnel: async (_p, a, ctx) => leadFunnel(await ctx.scope(), a.from, a.to, a.libraryId),
  },
};
