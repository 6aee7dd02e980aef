import { fileURLToPath } from 'node:url';
import { mergeResolvers, readSubgraphSdl, type SubgraphModule } from '@studyspot/runtime';
import { parse } from 'graphql';
import { resolvers } from './resolvers.ts';
import { testClockResolvers } from './testclocks/testclocks.resolvers.ts';
// The work a test clock's advance runs is registered by each subgraph's sweeper module.
import '@studyspot/campus';
import '@studyspot/billing';
import '@studyspot/communications';

export const tenancySubgraph: SubgraphModule = {
  name: 'tenancy',
  typeDefs: parse(readSubgraphSdl(fileURLToPath(new URL('.', import.meta.url)))),
  resolvers: mergeResolvers(resolvers, testClockResolvers),
};
export { provisionTenant, type CreateTenantInput } from './tenant.service.ts';
