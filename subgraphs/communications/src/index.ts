import { fileURLToPath } from 'node:url';
import { readSubgraphSdl, type SubgraphModule } from '@studyspot/runtime';
import { parse } from 'graphql';
import { communicationsLive, liveResolvers } from './live.ts';
import { resolvers } from './resolvers.ts';

export const communicationsSubgraph: SubgraphModule = {
  name: 'communications',
  typeDefs: parse(readSubgraphSdl(fileURLToPath(new URL('.', import.meta.url)))),
  resolvers: { ...resolvers, ...liveResolvers },
  live: communicationsLive,
};
