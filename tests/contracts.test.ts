// Subgraph contracts: each subgraph's `_service { sdl }` declares its keys, and `_entities`
// resolves every entity it owns or extends, through the same context the gateway would build.
import { randomUUID } from 'node:crypto';
import { billingScope, recordPayment, syncAllocationDues } from '@studyspot/billing';
import { SUBGRAPHS } from '@studyspot/gateway';
import { buildSubgraph, subgraphContext, type Claims, type SubgraphName } from '@studyspot/runtime';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';
import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant, type SeededTenant } from './support/supergraph.ts';

let world: TestWorld;
let a: SeededTenant;
beforeAll(async () => {
  world = await createTestWorld();
  a = await seedTenant(world, 'alpha', ['Rohan Patil']);
});
afterAll(async () => {
  await world?.close();
});

async function run(name: SubgraphName, source: string, variableValues?: Record<string, unknown>, claims?: Claims) {
  const module = SUBGRAPHS.find((m) => m.name === name)!;
  const ctx = subgraphContext(world.platform, {
    requestId: randomUUID(),
    claims: claims ?? { sub: a.ownerId, role: 'OWNER', tenantId: a.id },
    actingTenantId: null,
  });
  try {
    return await graphql({ schema: buildSubgraph(module), source, variableValues, contextValue: ctx });
  } finally {
    await ctx.dispose();
  }
}

const KEYS: Record<SubgraphName, string[]> = {
  identity: ['User', 'Tenant'],
  tenancy: ['Tenant'],
  campus: ['Library', 'Student', 'Tenant', 'Seat', 'Shift', 'SeatAllocation'],
  billing: ['Payment', 'Student', 'Due', 'Refund', 'Receipt', 'PaymentOrder', 'Library', 'SeatAllocation', 'Tenant', 'Plan', 'TenantSubscription', 'PlatformInvoice', 'LedgerEntry'],
  communications: ['Notification', 'Student'],
  engagement: ['Lead'],
  insights: ['Library', 'Student'],
};

describe('subgraph contracts', () => {
  it.each(Object.entries(KEYS))('%s: _service.sdl declares @key on its entities', async (name, types) => {
    const r = await run(name as SubgraphName, '{ _service { sdl } }');
    const sdl = (r.data as { _service: { sdl: string } })._service.sdl;
    expect(sdl).toContain('extend schema @link(url: "https://specs.apollo.dev/federation/v2.9"');
    for (const t of types) expect(sdl).toMatch(new RegExp(`type ${t} @key\\(fields: "id"`));
  });

  const entities = (reps: () => { __typename: string; id: string }[], expected: () => unknown[], name: SubgraphName, selection: string) =>
    [name, reps, expected, selection] as const;

  it.each([
    entities(() => [{ __typename: 'User', id: a.ownerId }], () => [{ __typename: 'User', id: a.ownerId, name: 'alpha owner', role: 'OWNER' }], 'identity', '... on User { id name role }'),
    entities(() => [{ __typename: 'Tenant', id: a.id }], () => [{ __typename: 'Tenant', id: a.id, slug: 'alpha' }], 'tenancy', '... on Tenant { id slug }'),
    entities(
      () => [{ __typename: 'Library', id: a.libraryId }, { __typename: 'Student', id: a.studentIds[0]! }, { __typename: 'Tenant', id: a.id }],
      () => [
        { __typename: 'Library', id: a.libraryId, name: 'alpha reading room' },
        { __typename: 'Student', id: a.studentIds[0], name: 'Rohan Patil' },
        { __typename: 'Tenant', id: a.id, libraries: { edges: [{ node: { id: a.libraryId } }] } },
      ],
      'campus',
      '... on Library { id name } ... on Student { id name } ... on Tenant { id libraries { edges { node { id } } } }',
    ),
    entities(
      () => [{ __typename: 'Payment', id: a.paymentIds[0]! }, { __typename: 'Student', id: a.studentIds[0]! }],
      () => [
        { __typename: 'Payment', id: a.paymentIds[0], amountPaise: 120000 },
        { __typename: 'Student', id: a.studentIds[0], payments: { edges: [{ node: { id: a.paymentIds[0] } }] } },
      ],
      'billing',
      '... on Payment { id amountPaise } ... on Student { id payments { edges { node { id } } } }',
    ),
    entities(
      () => [{ __typename: 'Notification', id: a.notificationIds[0]! }],
      () => [{ __typename: 'Notification', id: a.notificationIds[0], body: 'hello Rohan Patil' }],
      'communications',
      '... on Notification { id body }',
    ),
  ])('%s: _entities resolves its entities', async (name, reps, expected, selection) => {
    const r = await run(name, `query($r: [_Any!]!) { _entities(representations: $r) { __typename ${selection} } }`, { r: reps() });
    expect(r.errors).toBeUndefined();
    expect((r.data as { _entities: unknown[] })._entities).toEqual(expected());
  });

  it('billing: _entities resolves dues, refunds, receipts, orders and the allocations and libraries it extends', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const rows = await world.platform.tenants.withTenant(a.id, async (db) => {
      const seat = await db.seat.findFirstOrThrow({ where: { libraryId: a.libraryId } });
      const shift = await db.shift.create({ data: { libraryId: a.libraryId, name: 'Contract', startMinute: 360, endMinute: 840, monthlyPricePaise: 90_000 } });
      const day = new Date(Date.UTC(2031, 0, 1));
      const allocation = await db.seatAllocation.create({ data: { libraryId: a.libraryId, seatId: seat.id, shiftId: shift.id, studentId: a.studentIds[0]!, startDate: day, endDate: new Date(Date.UTC(2031, 0, 31)), shiftStart: 360, shiftEnd: 840, pricePaise: 90_000 } });
      return { allocation };
    });
    const ctx = subgraphContext(world.platform, { requestId: randomUUID(), claims: { sub: a.ownerId, role: 'OWNER', tenantId: a.id }, actingTenantId: null });
    let ids: { due: string; payment: string; receipt: string; refund: string; order: string };
    try {
      await syncAllocationDues(ctx, a.id, rows.allocation.id);
      const scope = await billingScope(ctx);
      const due = await scope.db.due.findFirstOrThrow({ where: { allocationId: rows.allocation.id } });
      const paid = await recordPayment(scope, { studentId: a.studentIds[0]!, amountPaise: 90_000, method: 'CASH', dueIds: [due.id] });
      if (!('payment' in paid)) throw new Error(JSON.stringify(paid.userErrors));
      const payment = paid.payment;
      const receipt = await scope.db.receipt.findUniqueOrThrow({ where: { paymentId: payment.id } });
      const refund = await scope.db.refund.create({ data: { paymentId: payment.id, amountPaise: 100, idempotencyKey: `contract-${payment.id}`, createdById: a.ownerId } });
      const order = await scope.db.paymentOrder.create({ data: { studentId: a.studentIds[0]!, provider: 'cashfree', providerOrderId: randomUUID(), amountPaise: 100, createdById: a.ownerId, expiresAt: new Date(Date.now() + 3_600_000) } });
      ids = { due: due.id, payment: payment.id, receipt: receipt.id, refund: refund.id, order: order.id };
    } finally {
      await ctx.dispose();
    }
    const r = await run(
      'billing',
      `query($r: [_Any!]!) { _entities(representations: $r) { __typename
        ... on Due { id amountPaise dueStatus: status } ... on Refund { id amountPaise refundStatus: status } ... on Receipt { id number amountPaise }
        ... on PaymentOrder { id orderStatus: status } ... on SeatAllocation { id dues { id } } ... on Library { id collections(from: "${day(-1)}", to: "${day(1)}") { paymentCount } } } }`,
      {
        r: [
          { __typename: 'Due', id: ids.due },
          { __typename: 'Refund', id: ids.refund },
          { __typename: 'Receipt', id: ids.receipt },
          { __typename: 'PaymentOrder', id: ids.order },
          { __typename: 'SeatAllocation', id: rows.allocation.id },
          { __typename: 'Library', id: a.libraryId },
          { __typename: 'Due', id: randomUUID() },
        ],
      },
    );
    expect(r.errors?.map((e) => e.message)).toBeUndefined();
    expect((r.data as { _entities: unknown[] })._entities).toEqual([
      { __typename: 'Due', id: ids.due, amountPaise: 90_000, dueStatus: 'PAID' },
      { __typename: 'Refund', id: ids.refund, amountPaise: 100, refundStatus: 'PENDING' },
      { __typename: 'Receipt', id: ids.receipt, number: expect.stringMatching(/^L1\/\d{2}-\d{2}\/00001$/), amountPaise: 90_000 },
      { __typename: 'PaymentOrder', id: ids.order, orderStatus: 'CREATED' },
      { __typename: 'SeatAllocation', id: rows.allocation.id, dues: [{ id: ids.due }] },
      { __typename: 'Library', id: a.libraryId, collections: { paymentCount: 1 } },
      null,
    ]);
    // Another tenant's owner resolves none of them.
    const other = await run('billing', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Due { id } ... on Receipt { id } ... on Refund { id } } }', { r: [{ __typename: 'Due', id: ids.due }, { __typename: 'Receipt', id: ids.receipt }, { __typename: 'Refund', id: ids.refund }] }, { sub: randomUUID(), role: 'OWNER', tenantId: randomUUID() });
    expect((other.data as { _entities: unknown[] } | null)?._entities ?? other.errors?.map((e) => e.extensions?.code)).toEqual([null, null, null]);
  });

  it('campus: _entities resolves seats, shifts and allocations', async () => {
    const { seat, shift, allocation } = await world.platform.tenants.withTenant(a.id, async (db) => {
      const seat = await db.seat.findFirstOrThrow({ where: { libraryId: a.libraryId } });
      const shift = await db.shift.create({ data: { libraryId: a.libraryId, name: 'Morning', startMinute: 360, endMinute: 840, monthlyPricePaise: 90_000 } });
      const day = new Date(Date.UTC(2030, 0, 1));
      const allocation = await db.seatAllocation.create({ data: { libraryId: a.libraryId, seatId: seat.id, shiftId: shift.id, studentId: a.studentIds[0]!, startDate: day, endDate: day, shiftStart: 360, shiftEnd: 840 } });
      return { seat, shift, allocation };
    });
    const r = await run('campus', 'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Seat { label } ... on Shift { startTime endTime } ... on SeatAllocation { seat { id } student { name } } } }', {
      r: [{ __typename: 'Seat', id: seat.id }, { __typename: 'Shift', id: shift.id }, { __typename: 'SeatAllocation', id: allocation.id }],
    });
    expect(r.errors).toBeUndefined();
    expect((r.data as { _entities: unknown[] })._entities).toEqual([
      { __typename: 'Seat', label: seat.label },
      { __typename: 'Shift', startTime: '06:00', endTime: '14:00' },
      { __typename: 'SeatAllocation', seat: { id: seat.id }, student: { name: 'Rohan Patil' } },
    ]);
  });

  it('_entities answers null for an entity of another tenant', async () => {
    const other = { sub: randomUUID(), role: 'OWNER' as const, tenantId: randomUUID() };
    const r = await run('tenancy', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Tenant { id } } }', { r: [{ __typename: 'Tenant', id: a.id }] }, other);
    expect(r.data).toEqual({ _entities: [null] });
  });

  it("billing resolves the platform entities: a plan for anyone signed in, a wallet and a tenant's subscription only for its owners", async () => {
    const plan = await world.platform.core.plan.create({ data: { code: 'contract', name: 'Contract', versions: { create: { version: 1, pricePaise: 100, cycle: 'MONTHLY', trialDays: 0 } } } });
    const q = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Plan { id name pricePaise } ... on Wallet { tenantId balance } ... on Tenant { id subscription { status } wallet { balance } } } }';
    const reps = [{ __typename: 'Plan', id: plan.id }, { __typename: 'Wallet', tenantId: a.id }, { __typename: 'Tenant', id: a.id }];
    const mine = await run('billing', q, { r: reps });
    expect(mine.errors).toBeUndefined();
    expect(mine.data).toEqual({ _entities: [{ id: plan.id, name: 'Contract', pricePaise: 100 }, { tenantId: a.id, balance: 0 }, { id: a.id, subscription: null, wallet: { balance: 0 } }] });
    // Another tenant's owner: the plan yes, the wallet no.
    const other = await run('billing', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Plan { id } ... on Wallet { tenantId } } }', { r: reps.slice(0, 2) }, { sub: randomUUID(), role: 'OWNER', tenantId: randomUUID() });
    expect(other.data).toEqual({ _entities: [{ id: plan.id }, null] });
    const sdl = ((await run('billing', '{ _service { sdl } }')).data as { _service: { sdl: string } })._service.sdl;
    expect(sdl).toMatch(/type Wallet @key\(fields: "tenantId"/);
  });
});
