// Campus through the gateway: the owner's day (library, 60 seats, 3 shifts, 500 students from CSV,
// allocations, a student checking in with the kiosk QR, occupancy and the seat map), double booking
// and double check-in under concurrency, the waitlist, and bad input.
import { clock } from '@studyspot/runtime';
import { randomUUID } from 'node:crypto';
import type { DevOtpSender } from '@studyspot/runtime/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from './support/auth.ts';
import { csvOf, monthEnd, plusDays, setUpLibrary, today, type CampusSetup } from './support/campus.ts';
import { createSupergraphWorld, gql, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let owner: string;
let lib: CampusSetup;
const url = () => w.gateway.url;

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true });
  owner = w.ownerToken(w.a);
  lib = await setUpLibrary(url(), owner, 60);
});
afterAll(async () => {
  await w?.close();
});

const IMPORT = 'mutation($csv: String!, $l: ID) { importStudents(csv: $csv, libraryId: $l) { created updated skipped rowErrors { row column message } userErrors { code message } } }';
const ALLOCATE = 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { allocation { id status seat { label } shift { name } student { name } } userErrors { code message field } } }';
type Alloc = { allocation: { id: string } | null; userErrors: { code: string; field?: string[] }[] };

async function studentIdByPhone(phone: string) {
  return w.world.platform.tenants.withTenant(w.a.id, async (db) => (await db.student.findUniqueOrThrow({ where: { phone } })).id);
}

describe("an owner's day", () => {
  it('imports 500 students, allocates seats, a student checks in by kiosk QR, occupancy and the seat map show it', async () => {
    const imported = await gql(url(), IMPORT, { token: owner, variables: { csv: csvOf(500), l: lib.libraryId } });
    expect(imported.data).toEqual({ importStudents: { created: 500, updated: 0, skipped: 0, rowErrors: [], userErrors: [] } });

    const page = await gql(url(), '{ students(first: 3, filter: { search: "Student 49" }) { edges { node { name phone idProofLast4 library { name } } } } }', { token: owner });
    expect((page.data!.students as { edges: { node: { idProofLast4: string; library: { name: string } } }[] }).edges[0]!.node).toMatchObject({ idProofLast4: expect.stringMatching(/^\d{4}$/), library: { name: 'Main branch' } });

    const start = today();
    const end = monthEnd(start);
    const phones = Array.from({ length: 10 }, (_, k) => `919${String(700000000 + k).padStart(9, '0')}`);
    const ids = await Promise.all(phones.map(studentIdByPhone));
    for (const [k, studentId] of ids.entries()) {
      const r = await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId, seatId: lib.seatIds[k], shiftId: lib.shifts.fullDay, startDate: start, endDate: end } } });
      expect((r.data!.allocateSeat as Alloc).userErrors).toEqual([]);
    }

    // The student signs in by OTP (their account is created from the campus record) and scans the kiosk.
    const ip = { 'x-forwarded-for': '10.44.0.1' };
    await gql(url(), 'mutation($p: String!) { requestOtp(input: { tenantSlug: "alpha", phone: $p }) { userErrors { code } } }', { variables: { p: phones[0] }, headers: ip });
    const code = (w.world.platform.otpSender as DevOtpSender).lastCode(w.a.id, phones[0]!);
    expect(code).toMatch(/^\d{6}$/);
    const login = await gql(url(), 'mutation($p: String!, $c: String!) { loginWithOtp(input: { tenantSlug: "alpha", phone: $p, code: $c }) { accessToken user { id } userErrors { code } } }', { variables: { p: phones[0], c: code }, headers: ip });
    const student = login.data!.loginWithOtp as { accessToken: string; user: { id: string } };
    expect(student.user.id).toBe(ids[0]);

    const kiosk = await gql(url(), 'query($l: ID!) { kioskToken(libraryId: $l) { token expiresAt refreshInSeconds } }', { token: owner, variables: { l: lib.libraryId } });
    const { token } = kiosk.data!.kioskToken as { token: string };
    const events = w.world.platform.events.subscribe(`tenant:${w.a.id}:library:${lib.libraryId}`);
    const firstEvent = events.next();
    const checkIn = await gql(url(), 'mutation($t: String!) { checkInWithQr(token: $t) { action visit { seat { label } student { name } } userErrors { code } } }', { token: student.accessToken, variables: { t: token } });
    expect(checkIn.data).toEqual({ checkInWithQr: { action: 'CHECK_IN', visit: { seat: { label: 'H1-A01' }, student: { name: 'Student 0' } }, userErrors: [] } });
    expect((await firstEvent).value).toMatchObject({ type: 'CHECK_IN', studentId: ids[0], libraryId: lib.libraryId });
    await events.return?.();
    // What the sweeps will do was recorded by the writes themselves (work-driven background work): the
    // visit's closing (campus), a dues repair pass 10 minutes after the allocations (billing), the
    // seat-allocated SMS rule now (messages).
    const work = await w.world.platform.core.$queryRaw<{ kind: string; due_at: Date }[]>`SELECT kind, due_at FROM tenant_work WHERE tenant_id = ${w.a.id}::uuid`;
    const due = Object.fromEntries(work.map((r) => [r.kind, r.due_at.getTime() - clock.processNow().getTime()]));
    expect(due.campus).toBeGreaterThan(0);
    expect(due.campus).toBeLessThan(36 * 3_600_000);
    expect(due.billing).toBeGreaterThan(0);
    expect(due.billing).toBeLessThanOrEqual(10 * 60_000);
    expect(due.messages).toBeLessThanOrEqual(0);

    const occ = await gql(url(), 'query($l: ID!) { occupancy(libraryId: $l) { inside capacity ratio zones { zone inside capacity } } }', { token: owner, variables: { l: lib.libraryId } });
    expect(occ.data).toEqual({ occupancy: { inside: 1, capacity: 60, ratio: 0.017, zones: [{ zone: 'Hall 1', inside: 1, capacity: 30 }, { zone: 'Hall 2', inside: 0, capacity: 30 }] } });

    const map = await gql(url(), 'query($l: ID!, $d: Date!, $s: ID!) { seatMap(libraryId: $l, date: $d, shiftId: $s) { freeCount entries { seat { label } state occupant { name } } } }', { token: owner, variables: { l: lib.libraryId, d: start, s: lib.shifts.morning } });
    const m = map.data!.seatMap as { freeCount: number; entries: { seat: { label: string }; state: string; occupant: { name: string } | null }[] };
    expect(m.freeCount).toBe(50);
    expect(m.entries.filter((e) => e.state === 'ALLOCATED').map((e) => e.occupant!.name).sort()).toEqual(Array.from({ length: 10 }, (_, k) => `Student ${k}`).sort());

    const again = await gql(url(), 'mutation($t: String!) { checkInWithQr(token: $t) { action userErrors { code } } }', { token: student.accessToken, variables: { t: token } });
    expect(again.data).toEqual({ checkInWithQr: { action: null, userErrors: [{ code: 'QR_REPLAYED' }] } });
  });

  it('re-importing the same file updates instead of duplicating, and reports bad rows by number', async () => {
    const csv = `${csvOf(3, 1000)}\nNo Phone,,x@y.z\nBad Date,9811111111,,,,31/02/2026\nStudent dup,9${String(700001000).padStart(9, '0')}`;
    const first = await gql(url(), IMPORT, { token: owner, variables: { csv } });
    expect(first.data!.importStudents).toEqual({
      created: 3,
      updated: 0,
      skipped: 3,
      rowErrors: [
        { row: 5, column: 'phone', message: 'phone must be a 10-digit Indian mobile number' },
        { row: 6, column: 'joinedOn', message: 'joinedOn must be YYYY-MM-DD or DD/MM/YYYY' },
        { row: 7, column: 'phone', message: 'The same phone is on row 2' },
      ],
      userErrors: [],
    });
    const second = await gql(url(), IMPORT, { token: owner, variables: { csv: csvOf(3, 1000) } });
    expect(second.data!.importStudents).toMatchObject({ created: 0, updated: 3, skipped: 0 });
    const bad = await gql(url(), IMPORT, { token: owner, variables: { csv: 'fullname,mobile\nA,9812345678' } });
    expect((bad.data!.importStudents as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
  });
});

describe('concurrency', () => {
  it('20 parallel allocations of one seat, shift and dates: exactly one wins, the rest get SEAT_UNAVAILABLE', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, k) => studentIdByPhone(`919${String(700000100 + k).padStart(9, '0')}`)));
    const seatId = lib.seatIds[40]!;
    const start = plusDays(today(), 1);
    const results = await Promise.all(
      ids.map((studentId) => gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId, seatId, shiftId: lib.shifts.morning, startDate: start, endDate: plusDays(start, 10) } } })),
    );
    // No answer is an error (a failure names its code and message here rather than as a null below).
    expect(results.filter((r) => r.errors).map((r) => r.errors)).toEqual([]);
    const outcomes = results.map((r) => (r.data!.allocateSeat as Alloc).userErrors[0]?.code ?? 'ok');
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'SEAT_UNAVAILABLE')).toHaveLength(19);
    const rows = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.seatAllocation.count({ where: { seatId, status: 'ACTIVE' } }));
    expect(rows).toBe(1);
    // A non-overlapping shift on the same seat and dates is fine; an overlapping one (Full day) is not.
    const evening = await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId: ids[0], seatId, shiftId: lib.shifts.evening, startDate: start, endDate: plusDays(start, 10) } } });
    const evOutcome = (evening.data!.allocateSeat as Alloc).userErrors;
    expect(evOutcome.length === 0 || evOutcome[0]!.code === 'SEAT_UNAVAILABLE').toBe(true);
    const full = await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId: ids[1], seatId, shiftId: lib.shifts.fullDay, startDate: plusDays(start, 5), endDate: plusDays(start, 20) } } });
    expect((full.data!.allocateSeat as Alloc).userErrors.map((e) => e.code)).toEqual(['SEAT_UNAVAILABLE']);
  });

  it('20 parallel check-ins of one student open exactly one visit', async () => {
    const studentId = await studentIdByPhone(`919${String(700000003).padStart(9, '0')}`);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => gql(url(), 'mutation($s: ID!, $l: ID!) { markAttendance(studentId: $s, libraryId: $l, action: CHECK_IN) { action userErrors { code } } }', { token: owner, variables: { s: studentId, l: lib.libraryId } })),
    );
    const outcomes = results.map((r) => {
      const p = r.data!.markAttendance as { action: string | null; userErrors: { code: string }[] };
      return p.action ?? p.userErrors[0]!.code;
    });
    expect(outcomes.filter((o) => o === 'CHECK_IN')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'ALREADY_CHECKED_IN')).toHaveLength(19);
    const open = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.visit.count({ where: { studentId, checkedOutAt: null } }));
    expect(open).toBe(1);
  });
});

describe('waitlist', () => {
  it('offers a freed seat to the first in line with a timed hold; an expired hold passes it on', async () => {
    const ids = await Promise.all([0, 1, 2].map((k) => studentIdByPhone(`919${String(700000200 + k).padStart(9, '0')}`)));
    const seatId = lib.seatIds[50]!;
    const start = plusDays(today(), 2);
    const end = plusDays(start, 30);
    const holder = await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId: ids[0], seatId, shiftId: lib.shifts.evening, startDate: start, endDate: end } } });
    const allocationId = (holder.data!.allocateSeat as Alloc).allocation!.id;
    const JOIN = 'mutation($s: ID!, $l: ID!, $sh: ID!, $a: Date!, $b: Date!) { joinWaitlist(studentId: $s, libraryId: $l, shiftId: $sh, startDate: $a, endDate: $b) { entry { id status } userErrors { code } } }';
    const entries: string[] = [];
    for (const s of [ids[1], ids[2]]) entries.push(((await gql(url(), JOIN, { token: owner, variables: { s, l: lib.libraryId, sh: lib.shifts.evening, a: start, b: end } })).data!.joinWaitlist as { entry: { id: string } }).entry.id);

    // Fill every other seat of the evening so the freed one is the only seat to offer.
    await gql(url(), 'mutation($id: ID!) { cancelAllocation(id: $id) { allocation { status } userErrors { code } } }', { token: owner, variables: { id: allocationId } });
    const line = async () => ((await gql(url(), 'query($l: ID!, $s: ID!) { waitlist(libraryId: $l, shiftId: $s) { id status position offer { status seat { id } } } }', { token: owner, variables: { l: lib.libraryId, s: lib.shifts.evening } })).data!.waitlist as { id: string; status: string; position: number | null; offer: { status: string; seat: { id: string } } | null }[]);
    const afterCancel = await line();
    expect(afterCancel.map((e) => [e.id, e.status, e.position])).toEqual([[entries[0], 'OFFERED', null], [entries[1], 'WAITING', 1]]);
    expect(afterCancel[0]!.offer).toEqual({ status: 'HELD', seat: { id: seatId } });

    // The hold lapses: the next student gets the seat.
    await w.world.platform.tenants.withTenant(w.a.id, (db) => db.seatAllocation.updateMany({ where: { status: 'HELD', seatId }, data: { holdExpiresAt: new Date(Date.now() - 1000) } }));
    const { expireHolds } = await import('../subgraphs/campus/src/allocations/allocations.service.ts');
    const { scope } = await import('../subgraphs/campus/src/shared/scope.ts');
    const { subgraphContext } = await import('@studyspot/runtime');
    const ctx = subgraphContext(w.world.platform, { requestId: 'sweep', claims: { sub: randomUUID(), role: 'OWNER', tenantId: w.a.id }, actingTenantId: null });
    expect(await expireHolds(ctx, await scope(ctx))).toBe(1);
    await ctx.dispose();
    const afterExpiry = await line();
    expect(afterExpiry.map((e) => [e.id, e.status])).toEqual([[entries[1], 'OFFERED']]);
    const accepted = await gql(url(), 'mutation($e: ID!) { acceptWaitlistOffer(entryId: $e) { entry { status offer { status student { id } } } userErrors { code } } }', { token: owner, variables: { e: entries[1] } });
    expect(accepted.data).toEqual({ acceptWaitlistOffer: { entry: { status: 'ACCEPTED', offer: { status: 'ACTIVE', student: { id: ids[2] } } }, userErrors: [] } });
  });
});

describe('bad input', () => {
  it('answers impossible dates, a zero-length shift, a seat of another library and ids of another tenant with clear errors, writing nothing', async () => {
    const studentId = await studentIdByPhone(`919${String(700000300).padStart(9, '0')}`);
    const count = () => w.world.platform.tenants.withTenant(w.a.id, (db) => db.seatAllocation.count());
    const before = await count();
    const impossible = await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId, seatId: lib.seatIds[5], shiftId: lib.shifts.morning, startDate: '2026-02-30', endDate: '2026-03-30' } } });
    expect(codes(impossible)).toEqual(['BAD_USER_INPUT']);
    const reversed = await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId, seatId: lib.seatIds[5], shiftId: lib.shifts.morning, startDate: plusDays(today(), 5), endDate: today() } } });
    expect((reversed.data!.allocateSeat as Alloc).userErrors).toEqual([{ code: 'INVALID_INPUT', message: 'endDate is before startDate', field: ['input', 'endDate'] }]);
    const zero = await gql(url(), 'mutation($l: ID!) { createShift(libraryId: $l, input: { name: "Zero", startTime: "10:00", endTime: "10:00", monthlyPricePaise: 100 }) { shift { id } userErrors { code field } } }', { token: owner, variables: { l: lib.libraryId } });
    expect(zero.data).toEqual({ createShift: { shift: null, userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'endTime'] }] } });
    const other = await setUpLibrary(url(), owner, 10, 'Second branch');
    const crossLibrary = await gql(url(), ALLOCATE, { token: owner, variables: { i: { studentId, seatId: other.seatIds[0], shiftId: lib.shifts.morning, startDate: today(), endDate: today() } } });
    expect((crossLibrary.data!.allocateSeat as Alloc).userErrors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
    // Another tenant's owner presents alpha's ids: nothing is found, nothing written.
    const beta = w.ownerToken(w.b);
    const foreign = await gql(url(), ALLOCATE, { token: beta, variables: { i: { studentId, seatId: lib.seatIds[5], shiftId: lib.shifts.morning, startDate: today(), endDate: today() } } });
    expect((foreign.data!.allocateSeat as Alloc).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    const peek = await gql(url(), 'query($l: ID!, $s: ID!) { library(id: $l) { name } student(id: $s) { name } occupancy(libraryId: $l) { inside } }', { token: beta, variables: { l: lib.libraryId, s: studentId } });
    expect(peek.data).toEqual({ library: null, student: null, occupancy: null });
    expect(await count()).toBe(before);
  });

  it('refuses expired, forged and foreign kiosk tokens', async () => {
    const studentToken = w.tokenFor({ sub: await studentIdByPhone(`919${String(700000001).padStart(9, '0')}`), role: 'STUDENT', tenantId: w.a.id });
    const CHECK = 'mutation($t: String!) { checkInWithQr(token: $t) { userErrors { code } } }';
    const forged = await gql(url(), CHECK, { token: studentToken, variables: { t: 'eyJ0IjoieCJ9.AAAA' } });
    expect(forged.data).toEqual({ checkInWithQr: { userErrors: [{ code: 'QR_INVALID' }] } });
    const kioskB = await setUpLibrary(url(), w.ownerToken(w.b), 10, 'Beta hall');
    const foreign = ((await gql(url(), 'query($l: ID!) { kioskToken(libraryId: $l) { token } }', { token: w.ownerToken(w.b), variables: { l: kioskB.libraryId } })).data!.kioskToken as { token: string }).token;
    expect((await gql(url(), CHECK, { token: studentToken, variables: { t: foreign } })).data).toEqual({ checkInWithQr: { userErrors: [{ code: 'QR_INVALID' }] } });
    const { createHmac } = await import('node:crypto');
    const body = Buffer.from(JSON.stringify({ t: w.a.id, l: lib.libraryId, n: 'old', e: Math.floor(Date.now() / 1000) - 5 })).toString('base64url');
    const sig = createHmac('sha256', createHmac('sha256', w.world.config.gatewaySecret).update('studyspot-kiosk').digest()).update(body).digest('base64url');
    expect((await gql(url(), CHECK, { token: studentToken, variables: { t: `${body}.${sig}` } })).data).toEqual({ checkInWithQr: { userErrors: [{ code: 'QR_EXPIRED' }] } });
  });
});

describe('background sweep', () => {
  it('closes visits left open past closing time', async () => {
    const { sweepOnce } = await import('@studyspot/campus');
    const studentId = await studentIdByPhone(`919${String(700000400).padStart(9, '0')}`);
    // A visit from three days ago that nobody checked out of.
    const old = new Date(Date.now() - 3 * 86_400_000);
    const day = new Date(`${new Date(old.getTime() + 330 * 60_000).toISOString().slice(0, 10)}T00:00:00Z`);
    const visit = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.visit.create({ data: { libraryId: lib.libraryId, studentId, inSource: 'STAFF', checkedInAt: old, day } }));
    // Written behind the service's back (a check-in records when campus work is due): say it is due.
    await w.world.platform.work.due(w.a.id, 'campus', old);
    const r = await sweepOnce(w.world.platform);
    expect(r.visitsClosed).toBeGreaterThanOrEqual(1);
    const closed = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.visit.findUniqueOrThrow({ where: { id: visit.id } }));
    expect(closed.autoClosed).toBe(true);
    // Closed at 23:59 IST of that day, the library's closing time.
    expect(closed.checkedOutAt!.toISOString()).toBe(new Date(day.getTime() - 330 * 60_000 + (23 * 60 + 59) * 60_000).toISOString());
  });
});
