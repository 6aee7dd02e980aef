import type { Resolvers } from '../generated/resolvers.ts';
import { platformInsights } from './platform.service.ts';

export const platformResolvers: Resolvers = {
  Query: {
    platformInsights: (_p, a, ctx) => platformInsights(ctx.platform, a),
  },
};
