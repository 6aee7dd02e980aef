// Automatic SMS rules: resolvers translate arguments into calls of auto.service.ts.
import type { Resolvers } from '@studyspot/runtime';
import { allRules, setRule, type AutoKind } from './auto.service.ts';

export const autoResolvers: Resolvers = {
  Query: {
    autoMessageRules: (_p, _a, ctx) => allRules(ctx),
  },
  Mutation: {
    setAutoMessageRule: (_p, a: { kind: AutoKind; enabled: boolean; templateId?: string | null; days?: number | null }, ctx) => setRule(ctx, a),
  },
};
