import { collectionsForecast, occupancyForecast } from './forecasts.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const forecastsResolvers: Resolvers = {
  Query: {
    occupancyForecast: async (_p, a, ctx) => occupancyForecast(ctx, await ctx.scope(), a.libraryId),
    collectionsForecast: async (_p, a, ctx) => collectionsForecast(ctx, await ctx.scope(), a.libraryId),
  },
};
