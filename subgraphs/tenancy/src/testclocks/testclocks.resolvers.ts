// Test clocks: thin resolvers over testclocks.service.ts (platform admins, outside production).
import { visibleTenant } from '../tenants/tenants.service.ts';
import * as clocks from './testclocks.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const testClockResolvers: Resolvers = {
  Query: {
    testClocks: (_p, _a, ctx) => clocks.listTestClocks(ctx),
    testClock: (_p, a, ctx) => clocks.findTestClock(ctx, a.id),
  },
  Mutation: {
    createTestClock: (_p, a, ctx) => clocks.createTestClock(ctx, a.name, a.frozenTime ?? null),
    attachTestClock: (_p, a, ctx) => clocks.attachTestClock(ctx, a.testClockId, a.tenantId),
    advanceTestClock: (_p, a, ctx) => clocks.advanceTestClock(ctx, a.id, a.to),
    deleteTestClock: (_p, a, ctx) => clocks.deleteTestClock(ctx, a.id),
  },
  TestClock: {
    status: (c) => (c.advancingTo ? 'ADVANCING' : 'READY'),
    // Tenant is this subgraph's own type: the gateway resolves no reference here, so the rows are loaded.
    tenants: async (c, _a, ctx) => (await Promise.all(c.tenants.map((t) => visibleTenant(ctx, t.id)))).filter((t) => t !== null),
  },
  Tenant: {
    testClock: (t, _a, ctx) => clocks.clockOfTenant(ctx, t),
  },
};
