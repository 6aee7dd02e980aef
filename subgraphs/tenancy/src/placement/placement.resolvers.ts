// The placement map: thin resolvers over placement.service.ts (platform roles).
import { present } from '@studyspot/runtime';
import type { Resolvers } from '../generated/resolvers.ts';
import * as placement from './placement.service.ts';

export const placementResolvers: Resolvers = {
  Query: {
    databaseServers: (_p, _a, ctx) => placement.listServers(ctx),
  },
  Mutation: {
    registerDatabaseServer: (_p, a, ctx) => placement.registerServer(ctx, a.input),
    setDatabaseServerState: (_p, a, ctx) => placement.setServerState(ctx, a.id, a.state),
  },
  DatabaseServer: {
    host: (s, _a, ctx) => placement.serverHost(ctx, s),
    directHost: (s, _a, ctx) => placement.serverDirectHost(ctx, s),
  },
  TenantDatabase: {
    server: async (d, _a, ctx) => present(await placement.serverById(ctx, d.serverId), 'database server'),
  },
};
