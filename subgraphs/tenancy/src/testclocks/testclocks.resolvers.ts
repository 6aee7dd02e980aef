// Test clocks: thin resolvers over testclocks.service.ts (platform admins, outside production).
import type { Resolvers, SubgraphContext } from '@studyspot/runtime';
import * as clocks from './testclocks.service.ts';

export const testClockResolvers: Resolvers = {
  Query: {
    testClocks: (_p, _a, ctx) => clocks.listTestClocks(ctx),
    testClock: (_p, a: { id: string }, ctx) => clocks.findTestClock(ctx, a.id),
  },
  Mutation: {
    createTestClock: (_p, a: { name: string; frozenTime?: Date | null }, ctx) => clocks.createTestClock(ctx, a.name, a.frozenTime ?? null),
    attachTestClock: (_p, a: { testClockId: string; tenantId: string }, ctx) => clocks.attachTestClock(ctx, a.testClockId, a.tenantId),
    advanceTestClock: (_p, a: { id: string; to: Date }, ctx) => clocks.advanceTestClock(ctx, a.id, a.to),
    deleteTestClock: (_p, a: { id: string }, ctx) => clocks.deleteTestClock(ctx, a.id),
  },
  TestClock: {
    status: (c: clocks.ClockRow) => (c.advancingTo ? 'ADVANCING' : 'READY'),
    tenants: (c: clocks.ClockRow) => c.tenants.map((t) => ({ __typename: 'Tenant', id: t.id })),
  },
  Tenant: {
    testClock: (t: { id: string; testClockId?: string | null }, _a, ctx: SubgraphContext) => clocks.clockOfTenant(ctx, t),
  },
};
