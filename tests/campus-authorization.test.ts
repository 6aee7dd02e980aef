// Every campus query and mutation × every kind of caller. Platform roles act on the tenant through
// X-Tenant-Id. "Allowed" means the call passes authorization (it may still answer NOT_FOUND or a
// userError for the made-up ids below); the others get FORBIDDEN or UNAUTHENTICATED and no data.
import { randomUUID } from 'node:crypto';
import { campusSubgraph } from '@studyspot/campus';
import { buildSubgraph, rootFieldAccess, type Role } from '@studyspot/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupergraphWorld, gql, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
type Caller = 'anonymous' | 'expired' | Role;
const CALLERS: Caller[] = ['anonymous', 'expired', 'SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'OWNER', 'MANAGER', 'STAFF', 'STUDENT'];
const tokens = new Map<Caller, string | undefined>();

beforeAll(async () => {
  w = await createSupergraphWorld();
  for (const role of ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'] as const) tokens.set(role, w.tokenFor({ sub: randomUUID(), role, tenantId: null }));
  for (const role of ['OWNER', 'MANAGER', 'STAFF', 'STUDENT'] as const) tokens.set(role, w.tokenFor({ sub: randomUUID(), role, tenantId: w.a.id }));
  tokens.set('expired', w.tokenFor({ sub: randomUUID(), role: 'OWNER', tenantId: w.a.id }, -60));
});
afterAll(async () => {
  await w?.close();
});

const PLATFORM: Role[] = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'];
const ADMINS: Role[] = ['SUPER_ADMIN', 'ADMIN'];
const READ: Role[] = [...PLATFORM, 'OWNER', 'MANAGER', 'STAFF'];
const FRONT_DESK: Role[] = [...ADMINS, 'OWNER', 'MANAGER', 'STAFF'];
const SETUP: Role[] = [...ADMINS, 'OWNER', 'MANAGER'];
const STUDENT: Role[] = ['STUDENT'];
const id = () => randomUUID();
const day = '2026-12-01';

const MATRIX: Record<string, { doc: string; vars?: () => Record<string, unknown>; allowed: Role[] }> = {
  'Query.library': { doc: 'query($id: ID!) { library(id: $id) { id } }', vars: () => ({ id: w.a.libraryId }), allowed: [...READ, 'STUDENT'] },
  'Query.libraries': { doc: '{ libraries { edges { node { id } } } }', allowed: [...READ, 'STUDENT'] },
  'Query.seatMap': { doc: 'query($l: ID!, $s: ID!) { seatMap(libraryId: $l, date: "2026-12-01", shiftId: $s) { freeCount } }', vars: () => ({ l: w.a.libraryId, s: id() }), allowed: READ },
  'Query.student': { doc: 'query($id: ID!) { student(id: $id) { id } }', vars: () => ({ id: w.a.studentIds[0] }), allowed: READ },
  'Query.students': { doc: '{ students { edges { node { id } } } }', allowed: READ },
  'Query.myStudentProfile': { doc: '{ myStudentProfile { id } }', allowed: STUDENT },
  'Query.seatAllocation': { doc: 'query($id: ID!) { seatAllocation(id: $id) { id } }', vars: () => ({ id: id() }), allowed: READ },
  'Query.waitlist': { doc: 'query($l: ID!, $s: ID!) { waitlist(libraryId: $l, shiftId: $s) { id } }', vars: () => ({ l: w.a.libraryId, s: id() }), allowed: READ },
  'Query.myAllocations': { doc: '{ myAllocations { id } }', allowed: STUDENT },
  'Query.kioskToken': { doc: 'query($l: ID!) { kioskToken(libraryId: $l) { token } }', vars: () => ({ l: w.a.libraryId }), allowed: FRONT_DESK },
  'Query.occupancy': { doc: 'query($l: ID!) { occupancy(libraryId: $l) { inside } }', vars: () => ({ l: w.a.libraryId }), allowed: READ },
  'Query.occupancyTimeline': { doc: `query($l: ID!) { occupancyTimeline(libraryId: $l, date: "${day}") { hour } }`, vars: () => ({ l: w.a.libraryId }), allowed: READ },
  'Query.studentAttendance': { doc: 'query($s: ID!) { studentAttendance(studentId: $s) { daysPresent } }', vars: () => ({ s: w.a.studentIds[0] }), allowed: READ },
  'Query.libraryAttendance': { doc: `query($l: ID!) { libraryAttendance(libraryId: $l, date: "${day}") { id } }`, vars: () => ({ l: w.a.libraryId }), allowed: READ },
  'Query.myAttendance': { doc: '{ myAttendance { daysPresent } }', allowed: STUDENT },
  'Query.campusAnalytics': { doc: '{ campusAnalytics { activeStudents } }', allowed: [...PLATFORM, 'OWNER', 'MANAGER'] },
  'Mutation.createLibrary': { doc: 'mutation { createLibrary(input: { name: "Matrix", city: "Pune" }) { userErrors { code } } }', allowed: SETUP },
  'Mutation.updateLibrary': { doc: 'mutation($id: ID!) { updateLibrary(id: $id, input: { capacity: 30 }) { userErrors { code } } }', vars: () => ({ id: w.a.libraryId }), allowed: SETUP },
  'Mutation.createSeats': { doc: 'mutation($l: ID!) { createSeats(libraryId: $l, grid: { zone: "X", rows: 1, columns: 1 }) { userErrors { code } } }', vars: () => ({ l: id() }), allowed: SETUP },
  'Mutation.setSeatStatus': { doc: 'mutation($id: ID!) { setSeatStatus(id: $id, status: MAINTENANCE) { userErrors { code } } }', vars: () => ({ id: id() }), allowed: SETUP },
  'Mutation.createShift': { doc: 'mutation($l: ID!) { createShift(libraryId: $l, input: { name: "M", startTime: "06:00", endTime: "10:00", monthlyPricePaise: 1 }) { userErrors { code } } }', vars: () => ({ l: id() }), allowed: SETUP },
  'Mutation.updateShift': { doc: 'mutation($id: ID!) { updateShift(id: $id, input: { monthlyPricePaise: 2 }) { userErrors { code } } }', vars: () => ({ id: id() }), allowed: SETUP },
  'Mutation.createStudent': { doc: 'mutation { createStudent(input: { name: "M", phone: "abc" }) { userErrors { code } } }', allowed: FRONT_DESK },
  'Mutation.updateStudent': { doc: 'mutation($id: ID!) { updateStudent(id: $id, input: { address: "x" }) { userErrors { code } } }', vars: () => ({ id: id() }), allowed: FRONT_DESK },
  'Mutation.suspendStudent': { doc: 'mutation($id: ID!) { suspendStudent(id: $id) { userErrors { code } } }', vars: () => ({ id: id() }), allowed: FRONT_DESK },
  'Mutation.reactivateStudent': { doc: 'mutation($id: ID!) { reactivateStudent(id: $id) { userErrors { code } } }', vars: () => ({ id: id() }), allowed: FRONT_DESK },
  'Mutation.removeStudent': { doc: 'mutation($id: ID!) { removeStudent(id: $id) { userErrors { code } } }', vars: () => ({ id: id() }), allowed: FRONT_DESK },
  'Mutation.importStudents': { doc: 'mutation { importStudents(csv: "name,phone") { created userErrors { code } } }', allowed: FRONT_DESK },
  'Mutation.allocateSeat': { doc: `mutation($x: ID!) { allocateSeat(input: { studentId: $x, seatId: $x, shiftId: $x, startDate: "${day}", endDate: "${day}" }) { userErrors { code } } }`, vars: () => ({ x: id() }), allowed: FRONT_DESK },
  'Mutation.createDayPass': { doc: `mutation($x: ID!) { createDayPass(input: { studentId: $x, seatId: $x, shiftId: $x, date: "${day}", pricePaise: 100 }) { userErrors { code } } }`, vars: () => ({ x: id() }), allowed: FRONT_DESK },
  'Mutation.changeSeat': { doc: 'mutation($x: ID!) { changeSeat(id: $x, seatId: $x) { userErrors { code } } }', vars: () => ({ x: id() }), allowed: FRONT_DESK },
  'Mutation.pauseAllocation': { doc: `mutation($x: ID!) { pauseAllocation(id: $x, from: "${day}", until: "${day}") { userErrors { code } } }`, vars: () => ({ x: id() }), allowed: FRONT_DESK },
  'Mutation.resumeAllocation': { doc: 'mutation($x: ID!) { resumeAllocation(id: $x) { userErrors { code } } }', vars: () => ({ x: id() }), allowed: FRONT_DESK },
  'Mutation.extendAllocation': { doc: `mutation($x: ID!) { extendAllocation(id: $x, endDate: "${day}") { userErrors { code } } }`, vars: () => ({ x: id() }), allowed: FRONT_DESK },
  'Mutation.cancelAllocation': { doc: 'mutation($x: ID!) { cancelAllocation(id: $x) { userErrors { code } } }', vars: () => ({ x: id() }), allowed: FRONT_DESK },
  'Mutation.joinWaitlist': { doc: `mutation($x: ID!) { joinWaitlist(studentId: $x, libraryId: $x, shiftId: $x, startDate: "${day}", endDate: "${day}") { userErrors { code } } }`, vars: () => ({ x: id() }), allowed: FRONT_DESK },
  'Mutation.acceptWaitlistOffer': { doc: 'mutation($x: ID!) { acceptWaitlistOffer(entryId: $x) { userErrors { code } } }', vars: () => ({ x: id() }), allowed: FRONT_DESK },
  'Mutation.acceptMyWaitlistOffer': { doc: 'mutation($x: ID!) { acceptMyWaitlistOffer(entryId: $x) { userErrors { code } } }', vars: () => ({ x: id() }), allowed: STUDENT },
  'Mutation.leaveWaitlist': { doc: 'mutation($x: ID!) { leaveWaitlist(entryId: $x) { userErrors { code } } }', vars: () => ({ x: id() }), allowed: FRONT_DESK },
  'Mutation.checkInWithQr': { doc: 'mutation { checkInWithQr(token: "not.a-token") { userErrors { code } } }', allowed: STUDENT },
  'Mutation.markAttendance': { doc: 'mutation($x: ID!) { markAttendance(studentId: $x, libraryId: $x, action: CHECK_IN) { userErrors { code } } }', vars: () => ({ x: id() }), allowed: FRONT_DESK },
  'Mutation.closeOverdueVisits': { doc: 'mutation($l: ID!) { closeOverdueVisits(libraryId: $l) }', vars: () => ({ l: w.a.libraryId }), allowed: FRONT_DESK },
};

describe('campus authorization matrix', () => {
  // Subscriptions are in their own matrix, over WebSocket (live-authorization.test.ts).
  it('covers every campus query and mutation', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(rootFieldAccess(buildSubgraph(campusSubgraph)).filter((f) => f.type !== 'Subscription').map((f) => `${f.type}.${f.field}`).sort());
  });

  const cases = Object.entries(MATRIX).flatMap(([name, op]) => CALLERS.map((c) => [name, c, op] as const));
  it.each(cases)('%s as %s', async (_n, caller, op) => {
    const platform = caller === 'SUPER_ADMIN' || caller === 'ADMIN' || caller === 'SUPPORT';
    const r = await gql(w.gateway.url, op.doc, { token: tokens.get(caller), variables: op.vars?.(), headers: platform ? { 'x-tenant-id': w.a.id } : {} });
    const authCodes = (r.errors ?? []).map((e) => e.extensions?.code).filter((c) => c === 'UNAUTHENTICATED' || c === 'FORBIDDEN');
    const expected = caller === 'anonymous' || caller === 'expired' ? 'UNAUTHENTICATED' : op.allowed.includes(caller) ? 'ok' : 'FORBIDDEN';
    if (expected === 'ok') {
      expect(authCodes).toEqual([]);
      expect((r.errors ?? []).map((e) => e.extensions?.code).filter((c) => c !== 'NOT_FOUND')).toEqual([]);
    } else {
      expect(authCodes).toEqual([expected]);
      for (const value of Object.values(r.data ?? {})) expect(value).toBeNull();
    }
  });
});
