// Automatic SMS rules: resolvers translate arguments into calls of auto.service.ts.
import { allRules, setRule } from './auto.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const autoResolvers: Resolvers = {
  Query: {
    autoMessageRules: (_p, _a, ctx) => allRules(ctx),
  },
  Mutation: {
    setAutoMessageRule: (_p, a, ctx) => setRule(ctx, a),
  },
};
