// Campus features beyond the owner's day: libraries near a point and branch-limited staff, shifts
// across midnight, allocation changes (seat, pause, extend, day pass) in the seat map, attendance
// history with absence streaks, the occupancy timeline, analytics and Tenant.stats, and events.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, plusDays, setUpLibrary, today, type CampusSetup } from './support/campus.ts';
import { createSupergraphWorld, gql, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let owner: string;
let lib: CampusSetup;
let ids: string[];
const url = () => w.gateway.url;
const ALLOCATE = 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { allocation { id status } userErrors { code message } } }';

beforeAll(async () => {
  w = await createSupergraphWorld();
  owner = w.ownerToken(w.a);
  lib = await setUpLibrary(url(), owner, 30, 'Deccan branch');
  await gql(url(), 'mutation($csv: String!, $l: ID) { importStudents(csv: $csv, libraryId: $l) { created } }', { token: owner, variables: { csv: csvOf(20, 5000), l: lib.libraryId } });
  ids = await w.world.platform.tenants.withTenant(w.a.id, async (db) =>
    (await db.student.findMany({ where: { phone: { startsWith: '91970000' } }, orderBy: { phone: 'asc' }, select: { id: true } })).map((s) => s.id),
  );
});
afterAll(async () => {
  await w?.close();
});

describe('libraries', () => {
  it('finds libraries near a point, nearest first, within the radius', async () => {
    const create = (name: string, latitude: number, longitude: number) =>
      gql(url(), 'mutation($i: LibraryInput!) { createLibrary(input: $i) { library { id } } }', { token: owner, variables: { i: { name, city: 'Pune', latitude, longitude } } });
    await create('Kothrud', 18.5074, 73.8077);
    await create('Hinjewadi', 18.5913, 73.7389);
    await create('Mumbai CST', 18.94, 72.835);
    const r = await gql(url(), '{ libraries(near: { lat: 18.5204, lng: 73.8567, radiusKm: 15 }) { edges { node { name distanceKm } } } }', { token: owner });
    const nodes = (r.data!.libraries as { edges: { node: { name: string; distanceKm: number } }[] }).edges.map((e) => e.node);
    expect(nodes.map((n) => n.name)).toEqual(['Deccan branch', 'Kothrud', 'Hinjewadi']);
    expect(nodes[1]!.distanceKm).toBeGreaterThan(5);
    expect(nodes[1]!.distanceKm).toBeLessThan(6);
    const bad = await gql(url(), '{ libraries(near: { lat: 18.5, lng: 73.8, radiusKm: 500 }) { edges { node { name } } } }', { token: owner });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const filtered = await gql(url(), '{ libraries(filter: { search: "koth" }) { edges { node { name } } } }', { token: owner });
    expect(filtered.data).toEqual({ libraries: { edges: [{ node: { name: 'Kothrud' } }] } });
  });

  it('limits branch-bound managers and staff to their branches', async () => {
    const other = await setUpLibrary(url(), owner, 10, 'Aundh branch');
    const staff = w.tokenFor({ sub: randomUUID(), role: 'STAFF', tenantId: w.a.id, libraryIds: [other.libraryId] });
    const r = await gql(url(), '{ libraries(first: 50) { edges { node { name } } } }', { token: staff });
    expect(r.data).toEqual({ libraries: { edges: [{ node: { name: 'Aundh branch' } }] } });
    const peek = await gql(url(), 'query($l: ID!) { library(id: $l) { name } occupancy(libraryId: $l) { inside } }', { token: staff, variables: { l: lib.libraryId } });
    expect(peek.data).toEqual({ library: null, occupancy: null });
    const book = await gql(url(), ALLOCATE, { token: staff, variables: { i: { studentId: ids[0], seatId: lib.seatIds[0], shiftId: lib.shifts.morning, startDate: today(), endDate: today() } } });
    expect((book.data!.allocateSeat as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  });
});

describe('shifts and allocations', () => {
  it('treats a night shift across midnight as overlapping an early-morning one, not a day one', async () => {
    const mk = async (name: string, startTime: string, endTime: string) =>
      ((await gql(url(), 'mutation($l: ID!, $i: ShiftInput!) { createShift(libraryId: $l, input: $i) { shift { id startTime endTime } } }', { token: owner, variables: { l: lib.libraryId, i: { name, startTime, endTime, monthlyPricePaise: 50_000 } } })).data!.createShift as { shift: { id: string } }).shift.id;
    const night = await mk('Night', '22:00', '06:00');
    const early = await mk('Early bird', '05:00', '09:00');
    const seatId = lib.seatIds[20]!;
    const start = plusDays(today(), 3);
    const book = async (studentId: string, shiftId: string) =>
      (await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId, seatId, shiftId, startDate: start, endDate: plusDays(start, 5) } } })).data!.allocateSeat as { userErrors: { code: string }[] };
    expect((await book(ids[1]!, night)).userErrors).toEqual([]);
    expect((await book(ids[2]!, lib.shifts.fullDay)).userErrors).toEqual([]);
    expect((await book(ids[3]!, early)).userErrors.map((e) => e.code)).toEqual(['SEAT_UNAVAILABLE']);
  });

  it('moves, pauses, extends and cancels an allocation, and the seat map follows; day passes book one day', async () => {
    const r = await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId: ids[4], seatId: lib.seatIds[1], shiftId: lib.shifts.morning, startDate: today(), endDate: plusDays(today(), 10) } } });
    const id = (r.data!.allocateSeat as { allocation: { id: string } }).allocation.id;
    const MAP = 'query($d: Date!, $l: ID!, $s: ID!) { seatMap(libraryId: $l, date: $d, shiftId: $s) { entries { seat { id } state occupant { id } } } }';
    const stateOf = async (seatId: string, date = today()) =>
      ((await gql(url(), MAP, { token: owner, variables: { d: date, l: lib.libraryId, s: lib.shifts.morning } })).data!.seatMap as { entries: { seat: { id: string }; state: string; occupant: { id: string } | null }[] }).entries.find((e) => e.seat.id === seatId)!;

    const moved = await gql(url(), 'mutation($id: ID!, $s: ID!) { changeSeat(id: $id, seatId: $s) { allocation { seat { id } } userErrors { code } } }', { token: owner, variables: { id, s: lib.seatIds[2] } });
    expect(moved.data).toEqual({ changeSeat: { allocation: { seat: { id: lib.seatIds[2] } }, userErrors: [] } });
    expect(await stateOf(lib.seatIds[1]!)).toMatchObject({ state: 'FREE', occupant: null });
    expect(await stateOf(lib.seatIds[2]!)).toMatchObject({ state: 'ALLOCATED', occupant: { id: ids[4] } });

    await gql(url(), 'mutation($id: ID!, $a: Date!, $b: Date!) { pauseAllocation(id: $id, from: $a, until: $b) { userErrors { code } } }', { token: owner, variables: { id, a: plusDays(today(), 2), b: plusDays(today(), 4) } });
    expect((await stateOf(lib.seatIds[2]!, plusDays(today(), 3))).state).toBe('PAUSED');
    expect((await stateOf(lib.seatIds[2]!, plusDays(today(), 5))).state).toBe('ALLOCATED');
    // Paused seats stay the student's: nobody else can take them.
    const squat = await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId: ids[5], seatId: lib.seatIds[2], shiftId: lib.shifts.morning, startDate: plusDays(today(), 3), endDate: plusDays(today(), 3) } } });
    expect((squat.data!.allocateSeat as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['SEAT_UNAVAILABLE']);

    const ext = await gql(url(), 'mutation($id: ID!, $e: Date!) { extendAllocation(id: $id, endDate: $e) { allocation { endDate } userErrors { code } } }', { token: owner, variables: { id, e: plusDays(today(), 40) } });
    expect(ext.data).toEqual({ extendAllocation: { allocation: { endDate: plusDays(today(), 40) }, userErrors: [] } });
    const shorter = await gql(url(), 'mutation($id: ID!, $e: Date!) { extendAllocation(id: $id, endDate: $e) { userErrors { code } } }', { token: owner, variables: { id, e: plusDays(today(), 1) } });
    expect(shorter.data).toEqual({ extendAllocation: { userErrors: [{ code: 'INVALID_STATE' }] } });

    const pass = await gql(url(), 'mutation($i: DayPassInput!) { createDayPass(input: $i) { allocation { kind startDate endDate pricePaise } userErrors { code } } }', { token: owner, variables: { i: { studentId: ids[6], seatId: lib.seatIds[3], shiftId: lib.shifts.evening, date: today(), pricePaise: 10_000 } } });
    expect(pass.data).toEqual({ createDayPass: { allocation: { kind: 'DAY_PASS', startDate: today(), endDate: today(), pricePaise: 10_000 }, userErrors: [] } });
  });

  it('publishes allocation and seat status events on the library topic', async () => {
    const it = w.world.platform.events.subscribe(`tenant:${w.a.id}:library:${lib.libraryId}`);
    const next = it.next();
    await gql(url(), 'mutation($id: ID!) { setSeatStatus(id: $id, status: MAINTENANCE) { seat { status } } }', { token: owner, variables: { id: lib.seatIds[29] } });
    expect((await next).value).toMatchObject({ type: 'SEAT_STATUS_CHANGED', seatId: lib.seatIds[29], status: 'MAINTENANCE' });
    const next2 = it.next();
    await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId: ids[7], seatId: lib.seatIds[8], shiftId: lib.shifts.evening, startDate: today(), endDate: today() } } });
    expect((await next2).value).toMatchObject({ type: 'ALLOCATION_CREATED', seatId: lib.seatIds[8], studentId: ids[7] });
    await it.return?.();
    const broken = await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId: ids[7], seatId: lib.seatIds[29], shiftId: lib.shifts.morning, startDate: plusDays(today(), 1), endDate: plusDays(today(), 1) } } });
    expect((broken.data!.allocateSeat as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['SEAT_UNAVAILABLE']);
  });
});

describe('students', () => {
  it('a student who leaves keeps their history and frees their seat', async () => {
    const studentId = ids[15]!;
    const r = await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId, seatId: lib.seatIds[15], shiftId: lib.shifts.evening, startDate: today(), endDate: plusDays(today(), 5) } } });
    expect((r.data!.allocateSeat as { userErrors: unknown[] }).userErrors).toEqual([]);
    const gone = await gql(url(), 'mutation($id: ID!) { removeStudent(id: $id) { student { status allocations { status } } userErrors { code } } }', { token: owner, variables: { id: studentId } });
    expect(gone.data).toEqual({ removeStudent: { student: { status: 'LEFT', allocations: [{ status: 'CANCELLED' }] }, userErrors: [] } });
    const again = await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId, seatId: lib.seatIds[16], shiftId: lib.shifts.evening, startDate: today(), endDate: today() } } });
    expect((again.data!.allocateSeat as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['INVALID_STATE']);
  });
});

describe('attendance and occupancy', () => {
  it('counts present and absent days and the current absence streak', async () => {
    const studentId = ids[10]!;
    const start = plusDays(today(), -6);
    await w.world.platform.tenants.withTenant(w.a.id, async (db) => {
      const shift = await db.shift.findUniqueOrThrow({ where: { id: lib.shifts.morning } });
      await db.seatAllocation.create({ data: { libraryId: lib.libraryId, seatId: lib.seatIds[10]!, shiftId: shift.id, studentId, startDate: new Date(`${start}T00:00:00Z`), endDate: new Date(`${plusDays(today(), 20)}T00:00:00Z`), shiftStart: shift.startMinute, shiftEnd: shift.endMinute } });
      for (const d of [0, 1, 3]) {
        const day = new Date(`${plusDays(start, d)}T00:00:00Z`);
        await db.visit.create({ data: { libraryId: lib.libraryId, studentId, inSource: 'STAFF', day, checkedInAt: new Date(day.getTime() + 3 * 3_600_000), checkedOutAt: new Date(day.getTime() + 6 * 3_600_000) } });
      }
    });
    const r = await gql(url(), 'query($s: ID!, $f: Date!) { studentAttendance(studentId: $s, from: $f) { daysPresent daysAbsent currentAbsenceStreak visits { day } } }', { token: owner, variables: { s: studentId, f: start } });
    // 7 days held (start..today), present on 3 of them, absent for the last 3 days in a row.
    expect(r.data).toEqual({ studentAttendance: { daysPresent: 3, daysAbsent: 4, currentAbsenceStreak: 3, visits: [3, 1, 0].map((d) => ({ day: plusDays(start, d) })) } });
  });

  it('draws the occupancy of a day hour by hour, with peaks', async () => {
    const day = plusDays(today(), -10);
    const at = (h: number, m = 0) => new Date(Date.parse(`${day}T00:00:00Z`) - 330 * 60_000 + (h * 60 + m) * 60_000);
    await w.world.platform.tenants.withTenant(w.a.id, async (db) => {
      const d = new Date(`${day}T00:00:00Z`);
      await db.visit.createMany({
        data: [
          { libraryId: lib.libraryId, studentId: ids[11]!, inSource: 'STAFF', day: d, checkedInAt: at(8), checkedOutAt: at(10, 30) },
          { libraryId: lib.libraryId, studentId: ids[12]!, inSource: 'STAFF', day: d, checkedInAt: at(9, 15), checkedOutAt: at(9, 45) },
          { libraryId: lib.libraryId, studentId: ids[13]!, inSource: 'STAFF', day: d, checkedInAt: at(9, 30), checkedOutAt: at(12) },
        ],
      });
    });
    const r = await gql(url(), 'query($l: ID!, $d: Date!) { occupancyTimeline(libraryId: $l, date: $d) { hour inside peak } }', { token: owner, variables: { l: lib.libraryId, d: day } });
    const points = r.data!.occupancyTimeline as { hour: number; inside: number; peak: number }[];
    expect(points).toHaveLength(24);
    expect(points.slice(7, 13)).toEqual([
      { hour: 7, inside: 0, peak: 0 },
      { hour: 8, inside: 1, peak: 1 },
      { hour: 9, inside: 2, peak: 3 },
      { hour: 10, inside: 1, peak: 2 },
      { hour: 11, inside: 1, peak: 1 },
      { hour: 12, inside: 0, peak: 1 },
    ]);
  });

  it('reports analytics and adds campus counts to Tenant.stats', async () => {
    const a = await gql(url(), '{ campusAnalytics { activeStudents newStudents utilisation { shift { name } allocated seats ratio } averageDailyAttendance } }', { token: owner });
    const data = a.data!.campusAnalytics as { activeStudents: number; utilisation: { shift: { name: string }; allocated: number; seats: number }[] };
    expect(data.activeStudents).toBeGreaterThanOrEqual(20);
    expect(data.utilisation.find((u) => u.shift.name === 'Morning')).toMatchObject({ allocated: expect.any(Number), seats: expect.any(Number) });
    const stats = await gql(url(), '{ currentTenant { stats { libraryCount seatCount studentCount activeAllocationCount insideNow } } }', { token: owner });
    expect((stats.data!.currentTenant as { stats: { libraryCount: number; activeAllocationCount: number } }).stats).toMatchObject({ libraryCount: expect.any(Number), activeAllocationCount: expect.any(Number) });
    expect((stats.data!.currentTenant as { stats: { activeAllocationCount: number } }).stats.activeAllocationCount).toBeGreaterThan(0);
  });
});
