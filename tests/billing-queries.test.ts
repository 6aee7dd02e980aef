// N+1 freedom of the money lists, measured with Prisma's query events on the tenant's client: the
// defaulters list of 1,000 students costs the same SQL statements as that of 10, and a page of
// students with their dues and balances the same for 100 as for 10.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingWorld, type BillingWorld } from './support/billing.ts';
import { gql } from './support/supergraph.ts';

let w: BillingWorld;
let statements = 0;
const STUDENTS = 1_000;

beforeAll(async () => {
  w = await createBillingWorld({ logQueries: true });
  // 1,000 students, each with a past one-day allocation and an overdue due with a discount on it: written
  // directly, as the list's cost depends on the rows and not on how they were made.
  await w.world.platform.tenants.withTenant(w.a.id, async (db) => {
    const shift = await db.shift.findUniqueOrThrow({ where: { id: w.lib.shifts.fullDay } });
    await db.student.createMany({ data: Array.from({ length: STUDENTS }, (_, i) => ({ name: `Defaulter ${i}`, phone: `9170${String(i).padStart(8, '0')}`, libraryId: w.lib.libraryId })) });
    const students = await db.student.findMany({ where: { name: { startsWith: 'Defaulter ' } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + Math.floor(i / w.lib.seatIds.length) * 2));
    await db.seatAllocation.createMany({
      data: students.map((s, i) => ({ libraryId: w.lib.libraryId, seatId: w.lib.seatIds[i % w.lib.seatIds.length]!, shiftId: shift.id, studentId: s.id, startDate: day(i), endDate: day(i), shiftStart: shift.startMinute, shiftEnd: shift.endMinute })),
    });
    const allocations = await db.seatAllocation.findMany({ where: { studentId: { in: students.map((s) => s.id) } } });
    await db.due.createMany({
      data: allocations.map((a) => ({ studentId: a.studentId, libraryId: a.libraryId, allocationId: a.id, kind: 'MONTHLY' as const, periodStart: a.startDate, periodEnd: a.endDate, dueDate: a.startDate, amountPaise: 100_000, adjustmentPaise: -5_000 })),
    });
    const dues = await db.due.findMany({ where: { studentId: { in: students.map((s) => s.id) } }, select: { id: true } });
    await db.dueAdjustment.createMany({ data: dues.map((d) => ({ dueId: d.id, kind: 'DISCOUNT' as const, amountPaise: -5_000, reason: 'sibling discount', actorId: w.a.ownerId })) });
  });
  const lease = await w.world.platform.tenants.lease(w.a.id);
  (lease.prisma as unknown as { $on(e: 'query', cb: () => void): void }).$on('query', () => statements++);
  lease.release();
}, 120_000);
afterAll(async () => {
  await w?.close();
});

const DEFAULTERS = /* GraphQL */ `
  query($n: Int!) {
    dues(first: $n, filter: { overdue: true }) {
      edges { node { balancePaise daysOverdue student { name phone balancePaise library { name } } allocation { seat { label } shift { name } } adjustments { kind amountPaise reason } } }
    }
  }
`;

async function statementsFor(doc: string, n: number, check: (data: Record<string, unknown>) => void) {
  statements = 0;
  const r = await gql(w.url(), doc, { token: w.owner, variables: { n } });
  expect(r.errors).toBeUndefined();
  check(r.data!);
  return statements;
}

describe('money list statements', () => {
  it('the defaulters list of 1,000 students costs the same SQL statements as that of 10', async () => {
    const check = (n: number) => (data: Record<string, unknown>) => {
      const edges = (data.dues as { edges: { node: { balancePaise: number; student: { name: string; balancePaise: number }; allocation: { seat: { label: string } }; adjustments: unknown[] } }[] }).edges;
      expect(edges).toHaveLength(n);
      expect(edges.every((e) => e.node.balancePaise === 95_000 && e.node.student.balancePaise === 95_000 && e.node.allocation.seat.label && e.node.adjustments.length === 1)).toBe(true);
      expect(new Set(edges.map((e) => e.node.student.name)).size).toBe(n);
    };
    const ten = await statementsFor(DEFAULTERS, 10, check(10));
    const thousand = await statementsFor(DEFAULTERS, STUDENTS, check(STUDENTS));
    console.log(`[figures] defaulters list with student, balance, library, seat, shift and adjustments: ${ten} SQL statements for 10 students, ${thousand} for 1,000`);
    expect(thousand).toBe(ten);
    expect(ten).toBeLessThanOrEqual(12);
  });

  it('a page of students with dues, payments and balances costs the same for 100 as for 10', async () => {
    // One defaulter on the first page has paid three times: the page shows the oldest two and says there is more.
    const firstPage = (await gql(w.url(), '{ students(first: 10) { edges { node { id name } } } }', { token: w.owner })).data!.students as { edges: { node: { id: string; name: string } }[] };
    const payer = firstPage.edges.find((e) => e.node.name.startsWith('Defaulter '))!.node.id;
    for (const amountPaise of [1_000, 2_000, 3_000]) {
      const r = await gql(w.url(), 'mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { userErrors { code } } }', { token: w.owner, variables: { i: { studentId: payer, amountPaise, method: 'CASH' } } });
      expect(r.data).toEqual({ recordPayment: { userErrors: [] } });
    }
    const PAGE = 'query($n: Int!) { students(first: $n) { edges { node { id name balancePaise creditPaise dues { amountPaise status } payments(first: 2) { edges { node { amountPaise } } pageInfo { hasNextPage } } } } } }';
    type Page = { students: { edges: { node: { id: string; name: string; balancePaise: number; payments: { edges: { node: { amountPaise: number } }[]; pageInfo: { hasNextPage: boolean } } } }[] } };
    const check = (n: number) => (data: Record<string, unknown>) => {
      const edges = (data as Page).students.edges;
      expect(edges).toHaveLength(n);
      const p = edges.find((e) => e.node.id === payer)!.node;
      expect(p.payments).toEqual({ edges: [{ node: { amountPaise: 1_000 } }, { node: { amountPaise: 2_000 } }], pageInfo: { hasNextPage: true } });
      expect(p.balancePaise).toBe(95_000 - 6_000);
      expect(edges.filter((e) => e.node.id !== payer && e.node.name.startsWith('Defaulter ')).every((e) => e.node.payments.edges.length === 0 && e.node.balancePaise === 95_000)).toBe(true);
    };
    const ten = await statementsFor(PAGE, 10, check(10));
    const hundred = await statementsFor(PAGE, 100, check(100));
    console.log(`[figures] students page with dues, payments, balance and credit: ${ten} SQL statements for 10 students, ${hundred} for 100`);
    expect(hundred).toBe(ten);
  });

  it('refuses a dues page larger than 1,000', async () => {
    const r = await gql(w.url(), 'query { dues(first: 1001) { edges { node { id } } } }', { token: w.owner });
    expect(r.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['BAD_USER_INPUT', 'first must be between 0 and 1000']]);
  });
});
