// Test clocks: thin resolvers over testclocks.service.ts (platform admins, outside production).
import { isUuid, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import * as repo from './testclocks.repository.ts';
import * as clocks from './testclocks.service.ts';

type ClockRow = NonNullable<Awaited<ReturnType<typeof repo.findClock>>>;
const notFound = (field: string) => ({ testClock: null, advance: null, userErrors: [{ code: 'NOT_FOUND', message: 'No such test clock or tenant', field: [field] }] });

export const testClockResolvers: Resolvers = {
  Query: {
    testClocks: (_p, _a, ctx) => (clocks.enabled(ctx) ? repo.listClocks(ctx.core) : []),
    testClock: (_p, a: { id: string }, ctx) => (clocks.enabled(ctx) && isUuid(a.id) ? repo.findClock(ctx.core, a.id) : null),
  },
  Mutation: {
    createTestClock: (_p, a: { name: string; frozenTime?: Date | null }, ctx) => clocks.createTestClock(ctx, a.name, a.frozenTime ?? null),
    attachTestClock: (_p, a: { testClockId: string; tenantId: string }, ctx) =>
      isUuid(a.testClockId) && isUuid(a.tenantId) ? clocks.attachTestClock(ctx, a.testClockId, a.tenantId) : notFound(isUuid(a.testClockId) ? 'tenantId' : 'testClockId'),
    advanceTestClock: (_p, a: { id: string; to: Date }, ctx) => (isUuid(a.id) ? clocks.advanceTestClock(ctx, a.id, a.to) : notFound('id')),
    deleteTestClock: (_p, a: { id: string }, ctx) => (isUuid(a.id) ? clocks.deleteTestClock(ctx, a.id) : notFound('id')),
  },
  TestClock: {
    status: (c: ClockRow) => (c.advancingTo ? 'ADVANCING' : 'READY'),
    tenants: (c: ClockRow) => c.tenants.map((t) => ({ __typename: 'Tenant', id: t.id })),
  },
  Tenant: {
    testClock: async (t: { id: string; testClockId?: string | null }, _a, ctx: SubgraphContext) => {
      if (!ctx.isPlatform || !clocks.enabled(ctx)) return null;
      const id = t.testClockId ?? (await repo.findTenant(ctx.core, t.id))?.testClockId;
      return id ? repo.findClock(ctx.core, id) : null;
    },
  },
};
