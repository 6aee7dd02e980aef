// Regression tests for what trying the API as a new (or hostile) user found: each defect of the
// hardening issue, the HTTP edges (bodies, headers, CORS, routes), and production's stricter face.
import { clock } from '@studyspot/runtime';
import { startGateway, type GatewayServer } from '@studyspot/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, freshIp, login } from './support/auth.ts';
import { monthEnd, plusDays, setUpLibrary, today, type CampusSetup } from './support/campus.ts';
import { createSupergraphWorld, gql, OWNER_PASSWORD, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let owner: string;
let lib: CampusSetup;
let production: GatewayServer;
const url = () => w.gateway.url;

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true, corsOrigins: ['https://app.studyspot.test'] });
  owner = w.ownerToken(w.a);
  lib = await setUpLibrary(url(), owner, 12);
  production = await startGateway({ ...w.world.platform, config: { ...w.world.config, production: true } }, 0);
});
afterAll(async () => {
  await production?.close();
  await w?.close();
});

const istMinuteNow = () => {
  const d = new Date(clock.processNow().getTime() + 330 * 60_000);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
};
const hhmm = (m: number) => `${String(Math.floor(((m + 1440) % 1440) / 60)).padStart(2, '0')}:${String(((m + 1440) % 1440) % 60).padStart(2, '0')}`;
const everyDay = (opens: string, closes: string) => [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens, closes }));
const setHours = (opens: string, closes: string) =>
  gql(url(), 'mutation($id: ID!, $i: LibraryInput!) { updateLibrary(id: $id, input: $i) { library { openingHours { opens closes } } userErrors { code message } } }', {
    token: owner,
    variables: { id: lib.libraryId, i: { openingHours: everyDay(opens, closes) } },
  });

describe('sign-in payloads', () => {
  it('resolve the tenant of the user who just signed in, for login and refreshSession', async () => {
    const r = await gql(url(), 'mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { refreshToken user { tenant { name slug } } userErrors { code } } }', {
      variables: { e: 'owner@alpha.test', p: OWNER_PASSWORD },
      headers: { 'x-forwarded-for': freshIp() },
    });
    expect(r.errors).toBeUndefined();
    const payload = r.data!.login as { refreshToken: string; user: unknown };
    expect(payload.user).toEqual({ tenant: { name: 'alpha study centre', slug: 'alpha' } });
    expect(JSON.stringify(r.raw)).not.toContain('valueCompletion');
    const refreshed = await gql(url(), 'mutation($t: String!) { refreshSession(refreshToken: $t) { user { tenant { name slug } } userErrors { code } } }', { variables: { t: payload.refreshToken } });
    expect(refreshed.data).toEqual({ refreshSession: { user: { tenant: { name: 'alpha study centre', slug: 'alpha' } }, userErrors: [] } });
  });

  it('counts every aliased login as an attempt: three requests of two wrong guesses lock the account', async () => {
    // Two is as many logins as an anonymous operation may hold (each costs 100 of the 250 allowed).
    const two = `mutation { ${[0, 1].map((i) => `a${i}: login(input: { email: "owner@beta.test", password: "guess ${i} wrong" }) { userErrors { code } }`).join(' ')} }`;
    const ip = { 'x-forwarded-for': freshIp() };
    const answers = [await gql(url(), two, { headers: ip }), await gql(url(), two, { headers: ip }), await gql(url(), two, { headers: ip })];
    const seen = answers.flatMap((r) => Object.values(r.data!).map((p) => (p as { userErrors: { code: string }[] }).userErrors[0]!.code));
    expect(seen.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(4);
    expect(seen.filter((c) => c === 'ACCOUNT_LOCKED')).toHaveLength(2);
    expect((await login(url(), 'owner@beta.test', OWNER_PASSWORD)).errors[0]?.code).toBe('ACCOUNT_LOCKED');
  });
});

describe('account branch limits', () => {
  const CREATE = 'mutation($ids: [ID!]) { createUser(input: { name: "Desk", email: "desk@alpha.test", role: STAFF, libraryIds: $ids }) { user { id libraryIds } userErrors { code field } } }';

  it("refuse another tenant's library and an id that names nothing, and take the tenant's own", async () => {
    const other = await w.world.platform.tenants.withTenant(w.b.id, (db) => db.library.findFirstOrThrow({ select: { id: true } }));
    for (const ids of [[other.id], ['4b4d5f0e-0000-4000-8000-000000000000'], [lib.libraryId, other.id]]) {
      const r = await gql(url(), CREATE, { token: owner, variables: { ids } });
      expect(r.data).toEqual({ createUser: { user: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'libraryIds'] }] } });
    }
    const ok = await gql(url(), CREATE, { token: owner, variables: { ids: [lib.libraryId] } });
    expect((ok.data!.createUser as { user: { libraryIds: string[] } }).user.libraryIds).toEqual([lib.libraryId]);
  });
});

describe('opening hours and check-ins', () => {
  let student: string;
  let studentId: string;

  beforeAll(async () => {
    const created = await gql(url(), 'mutation { createStudent(input: { name: "Night Owl", phone: "9811100001" }) { student { id } userErrors { code } } }', { token: owner });
    studentId = (created.data!.createStudent as { student: { id: string } }).student.id;
    const a = await gql(url(), 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { userErrors { code } } }', {
      token: owner,
      variables: { i: { studentId, seatId: lib.seatIds[0], shiftId: lib.shifts.fullDay, startDate: today(), endDate: monthEnd(today()) } },
    });
    expect(a.data).toEqual({ allocateSeat: { userErrors: [] } });
    student = w.tokenFor({ sub: studentId, role: 'STUDENT', tenantId: w.a.id });
  });

  const scan = async () => {
    const k = await gql(url(), 'query($l: ID!) { kioskToken(libraryId: $l) { token } }', { token: owner, variables: { l: lib.libraryId } });
    const t = (k.data!.kioskToken as { token: string }).token;
    const r = await gql(url(), 'mutation($t: String!) { checkInWithQr(token: $t) { action userErrors { code message } } }', { token: student, variables: { t } });
    return r.data!.checkInWithQr as { action: string | null; userErrors: { code: string; message: string }[] };
  };

  it('take hours that close after midnight, like shifts, and refuse equal ones', async () => {
    expect((await setHours('06:00', '02:00')).data).toEqual({ updateLibrary: { library: { openingHours: everyDay('06:00', '02:00').map(({ opens, closes }) => ({ opens, closes })) }, userErrors: [] } });
    expect(((await setHours('06:00', '06:00')).data!.updateLibrary as { userErrors: { code: string }[] }).userErrors[0]!.code).toBe('INVALID_INPUT');
  });

  it('refuse a kiosk check-in while the library is closed, with LIBRARY_CLOSED and the opening time', async () => {
    const m = istMinuteNow();
    await setHours(hhmm(m + 120), hhmm(m + 180));
    const refused = await scan();
    expect(refused.action).toBeNull();
    expect(refused.userErrors[0]).toMatchObject({ code: 'LIBRARY_CLOSED', message: expect.stringContaining(hhmm(m + 120)) });
    expect(await w.world.platform.tenants.withTenant(w.a.id, (db) => db.visit.count({ where: { studentId } }))).toBe(0);
  });

  it('take the check-in when hours that cross midnight cover now', async () => {
    const m = istMinuteNow();
    await setHours(hhmm(m + 60), hhmm(m + 30));
    expect(await scan()).toEqual({ action: 'CHECK_IN', userErrors: [] });
    expect(await scan()).toEqual({ action: 'CHECK_OUT', userErrors: [] });
  });
});

describe('pauses', () => {
  it('move the end date later by the days paused, and resuming early gives the unused days back', async () => {
    const created = await gql(url(), 'mutation { createStudent(input: { name: "Traveller", phone: "9811100002" }) { student { id } } }', { token: owner });
    const studentId = (created.data!.createStudent as { student: { id: string } }).student.id;
    const a = await gql(url(), 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { allocation { id endDate } } }', {
      token: owner,
      variables: { i: { studentId, seatId: lib.seatIds[1], shiftId: lib.shifts.morning, startDate: today(), endDate: monthEnd(today()) } },
    });
    const id = (a.data!.allocateSeat as { allocation: { id: string } }).allocation.id;
    const paused = await gql(url(), 'mutation($id: ID!, $a: Date!, $b: Date!) { pauseAllocation(id: $id, from: $a, until: $b) { allocation { status endDate pausedFrom pausedUntil } userErrors { code } } }', {
      token: owner,
      variables: { id, a: plusDays(today(), 2), b: plusDays(today(), 4) },
    });
    expect(paused.data).toEqual({ pauseAllocation: { allocation: { status: 'PAUSED', endDate: plusDays(monthEnd(today()), 3), pausedFrom: plusDays(today(), 2), pausedUntil: plusDays(today(), 4) }, userErrors: [] } });
    const resumed = await gql(url(), 'mutation($id: ID!) { resumeAllocation(id: $id) { allocation { status endDate } userErrors { code } } }', { token: owner, variables: { id } });
    expect(resumed.data).toEqual({ resumeAllocation: { allocation: { status: 'ACTIVE', endDate: monthEnd(today()) }, userErrors: [] } });
  });
});

describe('attendance of an unknown student', () => {
  it('is null, not an empty history', async () => {
    const r = await gql(url(), 'query($s: ID!) { studentAttendance(studentId: $s) { daysPresent } }', { token: owner, variables: { s: '4b4d5f0e-0000-4000-8000-000000000001' } });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ studentAttendance: null });
    const other = await gql(url(), 'query($s: ID!) { studentAttendance(studentId: $s) { daysPresent } }', { token: owner, variables: { s: w.b.studentIds[0] } });
    expect(other.data).toEqual({ studentAttendance: null });
  });
});

describe('HTTP edges', () => {
  const post = (body: string, headers: Record<string, string> = {}) => fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  type Body = { errors: { extensions: Record<string, unknown> }[] };
  const errorOf = async (res: Response) => ((await res.json()) as Body).errors[0]!.extensions;

  it('answers invalid JSON, an oversized body and a batch with coded GraphQL-shaped JSON', async () => {
    const bad = await post('{"query": "{ me { id } ');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/json/);
    expect((await errorOf(bad)).code).toBe('BAD_REQUEST');
    const big = await post(JSON.stringify({ query: `{ __typename } # ${'x'.repeat(40_000)}` }));
    expect(big.status).toBe(413);
    expect(await errorOf(big)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 16_384 });
    const batch = await post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(batch.status).toBe(400);
    expect((await errorOf(batch)).code).toBe('BAD_REQUEST');
    const several = await post(JSON.stringify({ query: 'query A { __typename } query B { __typename }' }));
    expect(several.status).toBe(400);
    expect((await errorOf(several)).code).toBe('OPERATION_RESOLUTION_FAILURE');
    const route = await fetch(url().replace('/graphql', '/nowhere'));
    expect(route.status).toBe(404);
    expect((await errorOf(route)).code).toBe('NOT_FOUND');
  });

  it('sends security headers on every response and CORS only to allowed origins', async () => {
    for (const res of [await post(JSON.stringify({ query: '{ __typename }' })), await fetch(url().replace('/graphql', '/healthz')), await fetch(url(), { headers: { accept: 'text/html' } })]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    const allowed = await post(JSON.stringify({ query: '{ __typename }' }), { origin: 'https://app.studyspot.test' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.studyspot.test');
    const preflight = await fetch(url(), { method: 'OPTIONS', headers: { origin: 'https://app.studyspot.test', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const evil = await post(JSON.stringify({ query: '{ __typename }' }), { origin: 'https://evil.example' });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers bad input with graphql-js precision: the reason, the location and "Did you mean"', async () => {
    const wrongType = await gql(url(), '{ students(first: "abc") { edges { node { id } } } }', { token: owner });
    expect(codes(wrongType)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(wrongType.errors![0]!.message).toBe('Int cannot represent non-integer value: "abc"');
    expect(wrongType.errors![0]!.locations).toEqual([{ line: 1, column: 19 }]);
    const typo = await gql(url(), 'mutation { setNotificationPreference(category: ANNOUNCEMENT, channel: SMS, enabled: true) { enabled } }', { token: owner });
    expect(typo.errors![0]!.message).toContain('Did you mean the enum value "ANNOUNCEMENTS"?');
    expect(typo.errors![0]!.locations).toEqual([{ line: 1, column: 48 }]);
    const missing = await gql(url(), 'mutation { login(input: { email: "a@b.c" }) { accessToken } }');
    expect(missing.errors![0]!.message).toBe('Field "LoginInput.password" of required type "String!" was not provided.');
    expect(missing.errors![0]!.locations).toEqual([{ line: 1, column: 25 }]);
    // Every problem of the document at once, as graphql-js reports them, not just the first.
    const two = await gql(url(), '{ students(first: "abc") { edges { node { nme } } } }', { token: owner });
    expect(two.errors!.map((e) => e.message)).toEqual(['Int cannot represent non-integer value: "abc"', 'Cannot query field "nme" on type "Student". Did you mean "name"?']);
    // A bad variable names its reason and where the variable is declared.
    const variable = await gql(url(), 'query($n: Int) { students(first: $n) { edges { node { id } } } }', { token: owner, variables: { n: 'abc' } });
    expect(codes(variable)).toEqual(['BAD_USER_INPUT']);
    expect(variable.errors![0]!.message).toContain('Int cannot represent non-integer value: "abc"');
    expect(variable.errors![0]!.locations).toEqual([{ line: 1, column: 7 }]);
    // The bomb is still refused by the guard's limits before validation walks it.
    const levels = 30;
    const frags = Array.from({ length: levels }, (_, i) => `fragment F${i} on User { ${i + 1 < levels ? `...F${i + 1} ...F${i + 1}` : 'id'} }`).join(' ');
    expect(codes(await gql(url(), `{ me { ...F0 nope } } ${frags}`, { token: owner }))).toEqual(['OPERATION_TOO_COMPLEX']);
  });

  it('in production refuses anonymous introspection and suggestions, and lets a signed-in partner introspect', async () => {
    const anon = await gql(production.url, '{ __schema { queryType { name } } }');
    expect(codes(anon)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const signedIn = await gql(production.url, '{ __schema { queryType { name } } }', { token: owner });
    expect(signedIn.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const typo = 'mutation { login(input: { email: "a@b.c", password: "x" }) { acessToken } }';
    const anonTypo = await gql(production.url, typo);
    expect(anonTypo.errors![0]!.message).not.toContain('Did you mean');
    expect((await gql(url(), typo)).errors![0]!.message).toContain('Did you mean "accessToken"');
  });
});
