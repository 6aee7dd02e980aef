// The tenancy subgraph: tenants and their lifecycle (tenants/), the placement map of their databases
// (placement/) and moves between its servers (moves/), test clocks (testclocks/). Each area has its SDL, resolvers, service and repository;
// this file puts them together.
import { fileURLToPath } from 'node:url';
import { DateTimeScalar, mergeResolvers, readSubgraphSdl, type SubgraphModule } from '@studyspot/runtime';
import { parse } from 'graphql';
import { movesResolvers } from './moves/moves.resolvers.ts';
import { placementResolvers } from './placement/placement.resolvers.ts';
import { tenantsResolvers } from './tenants/tenants.resolvers.ts';
import { testClockResolvers } from './testclocks/testclocks.resolvers.ts';
// Provides this subgraph's ports (runtime ports.ts) wherever the module is loaded.
import './ports.ts';

export const tenancySubgraph: SubgraphModule = {
  name: 'tenancy',
  typeDefs: parse(readSubgraphSdl(fileURLToPath(new URL('.', import.meta.url)))),
  resolvers: mergeResolvers({ DateTime: DateTimeScalar }, tenantsResolvers, placementResolvers, movesResolvers, testClockResolvers),
};
export { provisionTenant, type CreateTenantInput } from './tenants/tenants.service.ts';
