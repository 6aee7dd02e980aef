import { readFileSync } from 'node:fs';
import type { SubgraphModule } from '@studyspot/runtime';
import { parse } from 'graphql';
import { resolvers } from './resolvers.ts';

/** Path of this subgraph's SDL; `pnpm compose` reads it. */
export const sdlPath = new URL('./schema.graphql', import.meta.url);

export const tenancySubgraph: SubgraphModule = {
  name: 'tenancy',
  typeDefs: parse(readFileSync(sdlPath, 'utf8')),
  resolvers,
};
export { provisionTenant, type CreateTenantInput } from './tenant.service.ts';
