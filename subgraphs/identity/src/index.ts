// The identity subgraph: accounts (users/), signing in and sessions (auth/), the audit log (audit/).
// Each area has its SDL, resolvers, service and repository; this file puts them together.
import { fileURLToPath } from 'node:url';
import { DateTimeScalar, mergeResolvers, readSubgraphSdl, type SubgraphModule } from '@studyspot/runtime';
import { GraphQLScalarType, parse } from 'graphql';
import { auditResolvers } from './audit/audit.resolvers.ts';
import { authResolvers } from './auth/auth.resolvers.ts';
import { usersResolvers } from './users/users.resolvers.ts';
// Provides this subgraph's ports (runtime ports.ts) wherever the module is loaded.
import './ports.ts';

const JSONScalar = new GraphQLScalarType({ name: 'JSON', description: 'Arbitrary JSON.', serialize: (v) => v });

export const identitySubgraph: SubgraphModule = {
  name: 'identity',
  typeDefs: parse(readSubgraphSdl(fileURLToPath(new URL('.', import.meta.url)))),
  resolvers: mergeResolvers({ DateTime: DateTimeScalar, JSON: JSONScalar }, usersResolvers, authResolvers, auditResolvers),
};
