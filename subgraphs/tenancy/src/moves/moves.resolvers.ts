// Tenant moves: thin resolvers over moves.service.ts (platform roles).
import { present } from '@studyspot/runtime';
import type { Resolvers } from '../generated/resolvers.ts';
import { serverById } from '../placement/placement.service.ts';
import { visibleTenant } from '../tenants/tenants.service.ts';
import * as moves from './moves.service.ts';

export const movesResolvers: Resolvers = {
  Query: {
    tenantMoves: (_p, a, ctx) => moves.tenantMoves(ctx, a.tenantId),
  },
  Mutation: {
    moveTenant: (_p, a, ctx) => moves.moveTenant(ctx, a.input),
  },
  TenantMove: {
    tenant: async (m, _a, ctx) => present(await visibleTenant(ctx, m.tenantId), 'tenant'),
    from: async (m, _a, ctx) => present(await serverById(ctx, m.fromServerId), 'database server'),
    to: async (m, _a, ctx) => present(await serverById(ctx, m.toServerId), 'database server'),
    bytes: (m) => (m.bytes === null ? null : Number(m.bytes)),
  },
};
