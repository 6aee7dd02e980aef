import { fileURLToPath } from 'node:url';
import { readSubgraphSdl, type SubgraphModule } from '@studyspot/runtime';
import { parse } from 'graphql';
import { campusLive, liveResolvers } from './live.ts';
import { resolvers } from './resolvers.ts';

export const campusSubgraph: SubgraphModule = {
  name: 'campus',
  typeDefs: parse(readSubgraphSdl(fileURLToPath(new URL('.', import.meta.url)))),
  resolvers: { ...resolvers, ...liveResolvers },
  live: campusLive,
};
export { startCampusSweeper, sweepOnce } from './sweeper.ts';
