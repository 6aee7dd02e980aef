import { readFileSync } from 'node:fs';
import type { SubgraphModule } from '@studyspot/runtime';
import { parse } from 'graphql';
import { resolvers } from './resolvers.ts';

/** Path of this subgraph's SDL; `pnpm compose` reads it. */
export const sdlPath = new URL('./schema.graphql', import.meta.url);

export const billingSubgraph: SubgraphModule = {
  name: 'billing',
  typeDefs: parse(readFileSync(sdlPath, 'utf8')),
  resolvers,
};
