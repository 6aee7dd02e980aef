// Identity through the gateway over HTTP: sign-in by password and OTP, refresh rotation and reuse,
// logout revocation, key rotation, lockout, account administration and the audit log.
import { KeyRing, type DevOtpSender } from '@studyspot/runtime/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, freshIp, login, REFRESH } from './support/auth.ts';
import { createSupergraphWorld, gql, OWNER_PASSWORD, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let adminEmail: string;
const ADMIN_PASSWORD = 'granite lantern 7 meadow';

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true });
  adminEmail = 'root@platform.test';
  const { hashPassword } = await import('@studyspot/runtime/security');
  await w.world.platform.core.user.create({ data: { name: 'Root', email: adminEmail, role: 'SUPER_ADMIN', passwordHash: await hashPassword(ADMIN_PASSWORD) } });
});
afterAll(async () => {
  await w?.close();
});

const ME = '{ me { id name role tenant { id } } }';
const url = () => w.gateway.url;

describe('password sign-in', () => {
  it('signs an owner in and the access token works across subgraphs', async () => {
    const { tokens, errors } = await login(url(), 'OWNER@alpha.test ', OWNER_PASSWORD);
    expect(errors).toEqual([]);
    expect(tokens!.user.role).toBe('OWNER');
    const r = await gql(url(), `${ME.slice(0, -1)} currentTenant { slug } students(first: 1) { edges { node { name } } } }`, { token: tokens!.accessToken });
    expect(r.errors).toBeUndefined();
    expect(r.data).toMatchObject({ me: { role: 'OWNER', tenant: { id: w.a.id } }, currentTenant: { slug: 'alpha' }, students: { edges: [{ node: { name: 'Rohan Patil' } }] } });
  });

  it('answers INVALID_CREDENTIALS alike for a wrong password and an unknown email, in about the same time', async () => {
    const wrong = await login(url(), 'owner@alpha.test', 'not the password 1');
    const unknown = await login(url(), 'nobody@alpha.test', 'not the password 1');
    expect(wrong.errors).toEqual([{ code: 'INVALID_CREDENTIALS', message: 'Email or password is wrong', field: null, retryAfterSeconds: null }].map(({ code }) => expect.objectContaining({ code })));
    expect(unknown.errors.map((e) => e.code)).toEqual(['INVALID_CREDENTIALS']);
    // Interleaved medians: an unknown email costs an argon2 verification like a known one.
    const { hashPassword } = await import('@studyspot/runtime/security');
    await w.world.platform.core.user.create({ data: { name: 'Timing', email: 'timing.known@alpha.test', role: 'STAFF', tenantId: w.a.id, passwordHash: await hashPassword('the real password 1') } });
    const known: number[] = [];
    const missing: number[] = [];
    for (let i = 0; i < 4; i++) {
      let t = performance.now();
      await login(url(), `timing${i}@alpha.test`, 'wrong password 123');
      missing.push(performance.now() - t);
      t = performance.now();
      await login(url(), 'timing.known@alpha.test', 'wrong password 123');
      known.push(performance.now() - t);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(missing) / median(known);
    console.log(`[figures] failed sign-in, unknown/known email median time ratio: ${ratio.toFixed(2)} (${median(missing).toFixed(1)} ms / ${median(known).toFixed(1)} ms)`);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('locks an account after 5 failures, even for the right password, and an admin reset unlocks it', async () => {
    const email = 'locked.staff@alpha.test';
    const created = await gql(url(), 'mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } initialPassword userErrors { code } } }', {
      token: w.ownerToken(w.a),
      variables: { i: { name: 'Lock Test', role: 'STAFF', email } },
    });
    const { user, initialPassword } = created.data!.createUser as { user: { id: string }; initialPassword: string };
    const results: string[] = [];
    for (let i = 0; i < 5; i++) results.push((await login(url(), email, `wrong password ${i}x`)).errors[0]!.code);
    expect(results).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED']);
    const locked = await login(url(), email, initialPassword);
    expect(locked.errors[0]).toMatchObject({ code: 'ACCOUNT_LOCKED' });
    expect(locked.errors[0]!.retryAfterSeconds).toBeGreaterThan(800);
    const row = await w.world.platform.core.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    const logs = await w.world.platform.core.auditLog.findMany({ where: { targetId: user.id, action: { startsWith: 'auth.login' } }, orderBy: { createdAt: 'asc' } });
    expect(logs.map((l) => l.action)).toEqual(['auth.login.failed', 'auth.login.failed', 'auth.login.failed', 'auth.login.failed', 'auth.login.locked']);

    const reset = await gql(url(), 'mutation($id: ID!) { setUserPassword(id: $id) { initialPassword userErrors { code } } }', { token: w.ownerToken(w.a), variables: { id: user.id } });
    const fresh = (reset.data!.setUserPassword as { initialPassword: string }).initialPassword;
    expect((await login(url(), email, fresh)).errors).toEqual([]);
  });

  it('limits failures per IP across accounts', async () => {
    const ip = freshIp();
    const seen: string[] = [];
    for (let i = 0; i < 31; i++) seen.push((await login(url(), `spray${i}@nowhere.test`, 'guess guess guess', ip)).errors[0]!.code);
    expect(seen.slice(0, 30).every((c) => c === 'INVALID_CREDENTIALS')).toBe(true);
    expect(seen[30]).toBe('RATE_LIMITED');
    // Another address is not affected.
    expect((await login(url(), 'owner@alpha.test', OWNER_PASSWORD)).errors).toEqual([]);
  });
});

describe('sessions', () => {
  it('rotates refresh tokens; reusing one revokes the whole session and its access tokens', async () => {
    const { tokens } = await login(url(), 'owner@alpha.test', OWNER_PASSWORD);
    const r1 = await gql(url(), REFRESH, { variables: { t: tokens!.refreshToken } });
    const next = r1.data!.refreshSession as { accessToken: string; refreshToken: string; userErrors: unknown[] };
    expect(next.userErrors).toEqual([]);
    expect(next.refreshToken).not.toBe(tokens!.refreshToken);
    expect((await gql(url(), ME, { token: next.accessToken })).errors).toBeUndefined();

    const reused = await gql(url(), REFRESH, { variables: { t: tokens!.refreshToken } });
    expect((reused.data!.refreshSession as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['REFRESH_TOKEN_REUSED']);
    // The thief's and the owner's newer tokens are dead too.
    const after = await gql(url(), REFRESH, { variables: { t: next.refreshToken } });
    expect((after.data!.refreshSession as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['INVALID_REFRESH_TOKEN']);
    const denied = await gql(url(), ME, { token: next.accessToken });
    expect(denied.status).toBe(401);
    expect(denied.errors).toEqual([{ message: 'Session revoked', extensions: { code: 'UNAUTHENTICATED' } }]);
  });

  it('lets exactly one of 10 concurrent refreshes with the same token win', async () => {
    const { tokens } = await login(url(), 'owner@beta.test', OWNER_PASSWORD);
    const results = await Promise.all(Array.from({ length: 10 }, () => gql(url(), REFRESH, { variables: { t: tokens!.refreshToken } })));
    const outcomes = results.map((r) => (r.data!.refreshSession as { userErrors: { code: string }[] }).userErrors[0]?.code ?? 'ok');
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'REFRESH_TOKEN_REUSED')).toHaveLength(9);
  });

  it('logout revokes the access token at the gateway at once', async () => {
    const { tokens } = await login(url(), 'owner@alpha.test', OWNER_PASSWORD);
    const out = await gql(url(), 'mutation { logout { revoked } }', { token: tokens!.accessToken });
    expect(out.data).toEqual({ logout: { revoked: true } });
    const t0 = performance.now();
    const r = await gql(url(), ME, { token: tokens!.accessToken });
    expect(r.status).toBe(401);
    expect(performance.now() - t0).toBeLessThan(1_000);
    const refresh = await gql(url(), REFRESH, { variables: { t: tokens!.refreshToken } });
    expect((refresh.data!.refreshSession as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['INVALID_REFRESH_TOKEN']);
  });

  it('rotates signing keys without signing anyone out', async () => {
    const config = w.world.config;
    const original = config.keyRing;
    const { tokens } = await login(url(), 'owner@alpha.test', OWNER_PASSWORD);
    const fresh = KeyRing.generate().signingKey;
    try {
      config.keyRing = new KeyRing([fresh, ...original.keys]);
      expect((await gql(url(), ME, { token: tokens!.accessToken })).errors).toBeUndefined();
      const renewed = await gql(url(), REFRESH, { variables: { t: tokens!.refreshToken } });
      const access = (renewed.data!.refreshSession as { accessToken: string }).accessToken;
      expect(JSON.parse(Buffer.from(access.split('.')[0]!, 'base64url').toString()).kid).toBe(fresh.kid);
      config.keyRing = new KeyRing([fresh]);
      expect((await gql(url(), ME, { token: access })).errors).toBeUndefined();
      const old = await gql(url(), ME, { token: tokens!.accessToken });
      expect(old.errors).toEqual([{ message: 'Access token signed with an unknown key', extensions: { code: 'UNAUTHENTICATED' } }]);
    } finally {
      config.keyRing = original;
    }
  });
});

describe('student OTP sign-in', () => {
  const phone = '919812300001';
  let studentId: string;
  const otp = () => (w.world.platform.otpSender as DevOtpSender).lastCode(w.a.id, phone);
  const REQ = 'mutation($i: RequestOtpInput!) { requestOtp(input: $i) { expiresInSeconds userErrors { code } } }';
  const OTP_LOGIN = 'mutation($i: OtpLoginInput!) { loginWithOtp(input: $i) { accessToken user { id role } userErrors { code } } }';

  beforeAll(async () => {
    const r = await gql(url(), 'mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } userErrors { code } } }', {
      token: w.tokenFor({ sub: '00000000-0000-4000-8000-000000000001', role: 'ADMIN', tenantId: null }),
      variables: { i: { name: 'Kiran Student', role: 'STUDENT', phone: '98123 00001', tenantId: w.a.id } },
    });
    studentId = (r.data!.createUser as { user: { id: string } }).user.id;
  });

  it('sends a hashed, expiring code and signs the student in with it once', async () => {
    const ip = freshIp();
    const req = await gql(url(), REQ, { variables: { i: { tenantSlug: 'alpha', phone: '+91 98123 00001' } }, headers: { 'x-forwarded-for': ip } });
    expect(req.data).toEqual({ requestOtp: { expiresInSeconds: 300, userErrors: [] } });
    const code = otp()!;
    expect(code).toMatch(/^\d{6}$/);
    const stored = await w.world.platform.core.otpChallenge.findFirstOrThrow({ where: { phone }, orderBy: { createdAt: 'desc' } });
    expect(stored.codeHash).not.toContain(code);
    // expiresAt comes from the app clock, createdAt from the database clock.
    expect(Math.abs(stored.expiresAt.getTime() - stored.createdAt.getTime() - 300_000)).toBeLessThan(1_000);
    const r = await gql(url(), OTP_LOGIN, { variables: { i: { tenantSlug: 'alpha', phone, code } }, headers: { 'x-forwarded-for': ip } });
    const payload = r.data!.loginWithOtp as { accessToken: string; user: { id: string; role: string }; userErrors: unknown[] };
    expect(payload.userErrors).toEqual([]);
    expect(payload.user).toEqual({ id: studentId, role: 'STUDENT' });
    expect((await gql(url(), ME, { token: payload.accessToken })).data).toEqual({ me: { id: studentId, name: 'Kiran Student', role: 'STUDENT', tenant: { id: w.a.id } } });
    const again = await gql(url(), OTP_LOGIN, { variables: { i: { tenantSlug: 'alpha', phone, code } } });
    expect((again.data!.loginWithOtp as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['OTP_EXPIRED']);
  });

  it('allows 5 tries per code, then refuses even the right one', async () => {
    await gql(url(), REQ, { variables: { i: { tenantSlug: 'alpha', phone } } });
    const code = otp()!;
    const wrong = code === '000000' ? '111111' : '000000';
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) seen.push(((await gql(url(), OTP_LOGIN, { variables: { i: { tenantSlug: 'alpha', phone, code: wrong } } })).data!.loginWithOtp as { userErrors: { code: string }[] }).userErrors[0]!.code);
    expect(seen).toEqual(Array(5).fill('OTP_INVALID'));
    const right = await gql(url(), OTP_LOGIN, { variables: { i: { tenantSlug: 'alpha', phone, code } } });
    expect((right.data!.loginWithOtp as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['OTP_TOO_MANY_ATTEMPTS']);
  });

  it('refuses an expired code', async () => {
    await gql(url(), REQ, { variables: { i: { tenantSlug: 'alpha', phone } } });
    await w.world.platform.core.otpChallenge.updateMany({ where: { phone, consumedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const r = await gql(url(), OTP_LOGIN, { variables: { i: { tenantSlug: 'alpha', phone, code: otp()! } } });
    expect((r.data!.loginWithOtp as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['OTP_EXPIRED']);
  });

  it('answers the same for an unregistered phone and sends nothing; limits requests per phone', async () => {
    const unknown = '919812399999';
    const before = await w.world.platform.core.otpChallenge.count({ where: { phone: unknown } });
    const r = await gql(url(), REQ, { variables: { i: { tenantSlug: 'alpha', phone: unknown } } });
    expect(r.data).toEqual({ requestOtp: { expiresInSeconds: 300, userErrors: [] } });
    expect(await w.world.platform.core.otpChallenge.count({ where: { phone: unknown } })).toBe(before);
    const results: string[] = [];
    for (let i = 0; i < 3; i++) results.push(((await gql(url(), REQ, { variables: { i: { tenantSlug: 'alpha', phone: unknown } } })).data!.requestOtp as { userErrors: { code: string }[] }).userErrors[0]?.code ?? 'ok');
    expect(results).toEqual(['ok', 'ok', 'RATE_LIMITED']);
  });
});

describe('account administration', () => {
  const CREATE = 'mutation($i: CreateUserInput!) { createUser(input: $i) { user { id role email tenant { id } libraryIds } initialPassword userErrors { code field } } }';

  it('lets an owner create staff of their own tenant only, and not admins', async () => {
    const token = w.ownerToken(w.a);
    const ok = await gql(url(), CREATE, { token, variables: { i: { name: 'Front Desk', role: 'STAFF', email: 'desk@alpha.test', libraryIds: [w.a.libraryId] } } });
    const created = ok.data!.createUser as { user: { id: string; role: string; tenant: { id: string }; libraryIds: string[] }; initialPassword: string };
    expect(created.user).toMatchObject({ role: 'STAFF', tenant: { id: w.a.id }, libraryIds: [w.a.libraryId] });
    expect(created.initialPassword.length).toBeGreaterThanOrEqual(12);
    const signIn = await login(url(), 'desk@alpha.test', created.initialPassword);
    expect(signIn.errors).toEqual([]);

    const admin = await gql(url(), CREATE, { token, variables: { i: { name: 'X', role: 'ADMIN', email: 'x@alpha.test' } } });
    expect((admin.data!.createUser as { userErrors: unknown[] }).userErrors).toEqual([{ code: 'NOT_ALLOWED', field: ['input', 'role'] }]);
    const other = await gql(url(), CREATE, { token, variables: { i: { name: 'X', role: 'STAFF', email: 'y@alpha.test', tenantId: w.b.id } } });
    expect((other.data!.createUser as { userErrors: unknown[] }).userErrors).toEqual([{ code: 'NOT_ALLOWED', field: ['input', 'tenantId'] }]);
    const dup = await gql(url(), CREATE, { token, variables: { i: { name: 'Dup', role: 'STAFF', email: 'DESK@alpha.test' } } });
    expect((dup.data!.createUser as { userErrors: unknown[] }).userErrors).toEqual([{ code: 'EMAIL_TAKEN', field: ['input', 'email'] }]);
    const weak = await gql(url(), CREATE, { token, variables: { i: { name: 'Weak', role: 'STAFF', email: 'weak@alpha.test', password: 'short' } } });
    expect((weak.data!.createUser as { userErrors: unknown[] }).userErrors).toEqual([{ code: 'WEAK_PASSWORD', field: ['input', 'password'] }]);
  });

  it('audits a role change and signs the account out', async () => {
    const token = w.ownerToken(w.a);
    const c = await gql(url(), CREATE, { token, variables: { i: { name: 'Promote Me', role: 'STAFF', email: 'promote@alpha.test' } } });
    const { user, initialPassword } = c.data!.createUser as { user: { id: string }; initialPassword: string };
    const session = (await login(url(), 'promote@alpha.test', initialPassword)).tokens!;
    const r = await gql(url(), 'mutation($id: ID!) { updateUser(id: $id, input: { role: MANAGER }) { user { role } userErrors { code } } }', { token, variables: { id: user.id } });
    expect(r.data).toEqual({ updateUser: { user: { role: 'MANAGER' }, userErrors: [] } });
    const entry = await w.world.platform.core.auditLog.findFirstOrThrow({ where: { targetId: user.id, action: 'user.role.change' } });
    expect(entry).toMatchObject({ actorId: w.a.ownerId, actorRole: 'OWNER', tenantId: w.a.id, details: { from: 'STAFF', to: 'MANAGER' } });
    expect((await gql(url(), ME, { token: session.accessToken })).status).toBe(401);
  });

  it('deactivation stops sign-in and revokes open sessions', async () => {
    const token = w.ownerToken(w.a);
    const c = await gql(url(), CREATE, { token, variables: { i: { name: 'Leaving Soon', role: 'STAFF', email: 'leaving@alpha.test' } } });
    const { user, initialPassword } = c.data!.createUser as { user: { id: string }; initialPassword: string };
    const session = (await login(url(), 'leaving@alpha.test', initialPassword)).tokens!;
    await gql(url(), 'mutation($id: ID!) { deactivateUser(id: $id) { user { active } } }', { token, variables: { id: user.id } });
    expect((await gql(url(), ME, { token: session.accessToken })).status).toBe(401);
    expect((await login(url(), 'leaving@alpha.test', initialPassword)).errors.map((e) => e.code)).toEqual(['ACCOUNT_DISABLED']);
  });

  it('lists and searches accounts within the caller tenant, with activity', async () => {
    await login(url(), 'owner@alpha.test', OWNER_PASSWORD);
    const q = 'query($f: UserFilter) { users(first: 50, filter: $f) { edges { node { email role tenant { id } activity { lastLoginAt openSessions recentActions(first: 3) { action } } } } } }';
    const own = await gql(url(), q, { token: w.ownerToken(w.a), variables: { f: { search: 'OWNER@' } } });
    const nodes = (own.data!.users as { edges: { node: { email: string; tenant: { id: string }; activity: { lastLoginAt: string | null; openSessions: number; recentActions: { action: string }[] } } }[] }).edges.map((e) => e.node);
    expect(nodes.map((n) => n.email)).toEqual(['owner@alpha.test']);
    expect(nodes[0]!.activity.lastLoginAt).not.toBeNull();
    expect(nodes[0]!.activity.openSessions).toBeGreaterThan(0);
    expect(nodes[0]!.activity.recentActions[0]!.action).toBe('auth.login');
    const all = await gql(url(), q, { token: w.ownerToken(w.a) });
    expect((all.data!.users as { edges: { node: { tenant: { id: string } } }[] }).edges.every((e) => e.node.tenant.id === w.a.id)).toBe(true);
  });
});

describe('audit log', () => {
  it('is append-only in the database', async () => {
    const core = w.world.platform.core;
    await expect(core.$executeRawUnsafe(`update audit_logs set action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(core.$executeRawUnsafe('delete from audit_logs')).rejects.toThrow(/append-only/);
  });

  it('shows owners their own tenant only, platform admins everything', async () => {
    const q = '{ auditLogs(first: 100) { edges { node { action tenant { id } actor { id } ip requestId } } } }';
    const own = await gql(url(), q, { token: w.ownerToken(w.b) });
    const entries = (own.data!.auditLogs as { edges: { node: { tenant: { id: string } | null; ip: string | null } }[] }).edges.map((e) => e.node);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.tenant?.id === w.b.id)).toBe(true);
    const admin = (await login(url(), adminEmail, ADMIN_PASSWORD)).tokens!;
    const everything = await gql(url(), q, { token: admin.accessToken });
    const tenantsSeen = new Set((everything.data!.auditLogs as { edges: { node: { tenant: { id: string } | null } }[] }).edges.map((e) => e.node.tenant?.id ?? null));
    expect(tenantsSeen.has(w.a.id) && tenantsSeen.has(w.b.id)).toBe(true);
    const staff = w.tokenFor({ sub: w.a.ownerId, role: 'STAFF', tenantId: w.a.id });
    expect(codes(await gql(url(), q, { token: staff }))).toEqual(['FORBIDDEN']);
  });
});
