// N+1 freedom, measured: the SQL statements a student list costs (via Prisma's query events on the
// tenant's client) are the same for 10 students as for 100.
import { startGateway, type GatewayServer } from '@studyspot/gateway';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, plusDays, setUpLibrary, today } from './support/campus.ts';
import { gql, seedTenant, type SeededTenant } from './support/supergraph.ts';

let world: TestWorld;
let gateway: GatewayServer;
let a: SeededTenant;
let owner: string;
let statements = 0;

beforeAll(async () => {
  world = await createTestWorld({}, { logQueries: true });
  a = await seedTenant(world, 'alpha', []);
  gateway = await startGateway(world.platform, 0);
  owner = world.token({ sub: a.ownerId, role: 'OWNER', tenantId: a.id });
  const lib = await setUpLibrary(gateway.url, owner, 100);
  await gql(gateway.url, 'mutation($csv: String!, $l: ID) { importStudents(csv: $csv, libraryId: $l) { created } }', { token: owner, variables: { csv: csvOf(100), l: lib.libraryId } });
  await world.platform.tenants.withTenant(a.id, async (db) => {
    const students = await db.student.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    const start = new Date(`${today()}T00:00:00Z`);
    const shift = await db.shift.findUniqueOrThrow({ where: { id: lib.shifts.fullDay } });
    await db.seatAllocation.createMany({
      data: students.map((s, i) => ({ libraryId: lib.libraryId, seatId: lib.seatIds[i]!, shiftId: shift.id, studentId: s.id, startDate: start, endDate: new Date(`${plusDays(today(), 20)}T00:00:00Z`), shiftStart: shift.startMinute, shiftEnd: shift.endMinute })),
    });
    await db.visit.createMany({ data: students.filter((_, i) => i % 2 === 0).map((s, i) => ({ libraryId: lib.libraryId, studentId: s.id, seatId: lib.seatIds[i * 2]!, inSource: 'STAFF' as const, day: start })) });
  });
  const lease = await world.platform.tenants.lease(a.id);
  (lease.prisma as unknown as { $on(e: 'query', cb: () => void): void }).$on('query', () => statements++);
  lease.release();
});
afterAll(async () => {
  await gateway?.close();
  await world?.close();
});

const LIST = /* GraphQL */ `
  query($n: Int!) {
    students(first: $n) {
      edges { node { name library { name city } currentAllocation { status seat { label zone } shift { name startTime } } todayVisit { checkedInAt } } }
    }
  }
`;

async function statementsFor(n: number) {
  statements = 0;
  const r = await gql(gateway.url, LIST, { token: owner, variables: { n } });
  expect(r.errors).toBeUndefined();
  const edges = (r.data!.students as { edges: { node: { currentAllocation: { seat: { label: string } } | null; todayVisit: unknown } }[] }).edges;
  expect(edges).toHaveLength(n);
  expect(edges.every((e) => e.node.currentAllocation?.seat.label)).toBe(true);
  expect(edges.filter((e) => e.node.todayVisit).length).toBe(Math.ceil(n / 2));
  return statements;
}

describe('student list statements', () => {
  it('costs the same number of SQL statements for 10 and for 100 students', async () => {
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    console.log(`[figures] students list with library, allocation, seat, shift and today's visit: ${ten} SQL statements for 10 students, ${hundred} for 100`);
    expect(hundred).toBe(ten);
    expect(ten).toBeLessThanOrEqual(8);
  });
});
