// `pnpm start` as a newcomer runs it: a real process, embedded PGlite, demo seed, a query spanning
// subgraphs; and the one-line errors for bad configuration.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDays, clock, formatDate, istDay } from '@studyspot/runtime';
import { dropDatabasesWithPrefix } from '@studyspot/testkit';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { gql } from './support/supergraph.ts';

const MAIN = fileURLToPath(new URL('../gateway/src/main.ts', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The addresses a TCP port is listening on, read from /proc/net/tcp and tcp6 (no traffic is sent). */
function listeningOn(port: number): string[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local?.endsWith(`:${hex}`)) continue;
      const addr = local.split(':')[0]!;
      out.push(addr.length === 8 ? addr.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join('.') : addr === '0'.repeat(32) ? '::' : addr);
    }
  }
  return out;
}

function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'studyspot-start-'));
  dirs.push(d);
  return d;
}

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time: ${stdout}${stderr}`)), 90_000);
    const check = () => {
      const m = /ready at (http:\/\/localhost:\d+\/graphql)/.exec(stdout);
      if (m && stdout.includes('More: pnpm run token')) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited: ${stderr}`));
    });
  });
  ready.catch(() => {});
  return { child, ready, exited, out: () => stdout, err: () => stderr };
}

async function failsWith(env: Record<string, string>, line: RegExp) {
  const p = start(env);
  expect(await p.exited).toBe(1);
  // Node's own process warnings (rare, under heavy load) are not ours to count; anything else is.
  const lines = p.err().split('\n').filter((l) => l && !/^\(node:\d+\) |^\(Use `node --trace-warnings/.test(l));
  expect(lines, p.err()).toHaveLength(1);
  expect(lines[0]).toMatch(line);
  expect(p.err()).not.toMatch(/\n\s+at /);
}

// Each start spawns the supergraph on PGlite (a first start migrates and seeds the demo): minutes, not
// seconds, when the machine is busy with other test files.
describe('pnpm start', { timeout: 180_000 }, () => {
  it('starts on embedded PGlite with a demo tenant, answers a cross-subgraph query, and keeps its data across restarts', async () => {
    const dataDir = tempDir();
    const first = start({ STUDYSPOT_DATA_DIR: dataDir, PORT: '0' });
    const url = await first.ready;
    expect(first.out()).toContain('embedded PGlite, in-process events, local subgraphs');
    expect(first.out()).toContain('Seeded demo tenant "Sunrise Study Centre"');
    const token = /OWNER of demo: (\S+)/.exec(first.out())![1]!;
    // It listens on loopback only (the kernel's table of listening sockets says where), not every interface.
    expect(listeningOn(Number(new URL(url).port))).toEqual(['127.0.0.1']);
    // Its simulators hand out no tenant's secrets.
    for (const provider of ['razorpay', 'cashfree']) expect((await fetch(`${url.replace(/\/graphql$/, '')}/_simulators/${provider}/__sim/credentials/${randomUUID()}`)).status).toBe(404);
    const q = '{ currentTenant { name libraries { edges { node { name seatCount } } } } students(first: 1, search: "Rohan Patil") { edges { node { name payments { edges { node { amountPaise } } } } } } }';
    const r = await gql(url, q, { token });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      currentTenant: {
        name: 'Sunrise Study Centre',
        libraries: {
          edges: [{ node: { name: 'Sunrise Reading Room', seatCount: 40 } }],
        },
      },
      students: { edges: [{ node: { name: 'Rohan Patil', payments: { edges: [{ node: { amountPaise: 150000 } }] } } }] },
    });
    // Six months of history: insights have months to show on the first start.
    const trend = await gql(url, 'query($f: Date!, $t: Date!) { insightTrend(from: $f, to: $t, grain: MONTH) { points { checkIns collectedPaise } } }', {
      token,
      variables: { f: formatDate(addDays(istDay(clock.now()), -182)), t: formatDate(istDay(clock.now())) },
    });
    const points = (trend.data?.insightTrend as { points: { checkIns: number; collectedPaise: number }[] } | undefined)?.points ?? [];
    expect(points.length, trend.raw).toBeGreaterThanOrEqual(6);
    expect(points.filter((p) => p.checkIns > 0 && p.collectedPaise > 0).length).toBeGreaterThanOrEqual(5);
    // The insights page is served with its charts bundled (no CDN), and the demo's students at risk carry reasons.
    const base = url.replace(/\/graphql$/, '');
    expect(await (await fetch(`${base}/dashboard/insights`)).text()).toContain('<script type="module" src="/dashboard/insights.js">');
    const js = await fetch(`${base}/dashboard/insights.js`);
    expect([js.status, js.headers.get('content-type')]).toEqual([200, 'application/javascript; charset=utf-8']);
    expect((await js.text()).length).toBeGreaterThan(100_000);
    const risk = await gql(url, '{ studentsAtRisk(first: 5) { students { reasons } } }', { token });
    expect((risk.data?.studentsAtRisk as { students: { reasons: string[] }[] } | undefined)?.students.some((s) => s.reasons.length > 0), risk.raw).toBe(true);
    // A second start on the same data directory is refused in one line naming the first process
    // (two writers would corrupt PGlite), and the first goes on serving.
    await failsWith({ STUDYSPOT_DATA_DIR: dataDir, PORT: '0' }, new RegExp(`^studyspot: STUDYSPOT_DATA_DIR: .* is in use by process ${first.child.pid} \\(`));
    expect((await gql(url, q, { token })).data).toEqual(r.data);
    first.child.kill('SIGTERM');
    expect(await first.exited, first.err()).toBe(0);

    const second = start({ STUDYSPOT_DATA_DIR: dataDir, PORT: '0' });
    const url2 = await second.ready;
    expect(second.out()).not.toContain('Seeded');
    const token2 = /OWNER of demo: (\S+)/.exec(second.out())![1]!;
    expect((await gql(url2, q, { token: token2 })).data).toEqual(r.data);
    second.child.kill('SIGTERM');
    expect(await second.exited, second.err()).toBe(0);
  });

  it('walks the sign-in story over HTTP with the printed demo logins', async () => {
    const run = start({ STUDYSPOT_DATA_DIR: tempDir(), PORT: '0' });
    const url = await run.ready;
    const loginLine = (role: string) => new RegExp(`${role}\\s+mutation \\{ login\\(input: \\{ email: "([^"]+)", password: "([^"]+)" \\}\\)`).exec(run.out())!;
    const signIn = async (email: string, password: string) => {
      const r = await gql(url, 'mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken userErrors { code } } }', { variables: { e: email, p: password } });
      return (r.data!.login as { accessToken: string | null; userErrors: { code: string }[] });
    };
    // The demo owner's printed login works and sees the demo tenant.
    const [, ownerEmail, ownerPassword] = loginLine('OWNER');
    const demoOwner = await signIn(ownerEmail!, ownerPassword!);
    expect(demoOwner.userErrors).toEqual([]);
    // A platform admin signs in and creates a tenant with a student account.
    const [, adminEmail, adminPassword] = loginLine('SUPER_ADMIN');
    const admin = (await signIn(adminEmail!, adminPassword!)).accessToken!;
    const created = await gql(url, 'mutation { createTenant(input: { name: "Lakeview Library", slug: "lakeview", state: "MH", owner: { name: "Meera", email: "meera@lakeview.example" } }) { tenant { id status } ownerInitialPassword userErrors { code } } }', { token: admin });
    const { tenant, ownerInitialPassword } = created.data!.createTenant as { tenant: { id: string; status: string }; ownerInitialPassword: string };
    expect(tenant.status).toBe('ACTIVE');
    await gql(url, 'mutation($t: ID!) { createUser(input: { name: "Dev Student", role: STUDENT, phone: "9822000001", tenantId: $t }) { userErrors { code } } }', { token: admin, variables: { t: tenant.id } });
    // Its owner signs in and sees only their own tenant.
    const owner = (await signIn('meera@lakeview.example', ownerInitialPassword)).accessToken!;
    expect((await gql(url, '{ currentTenant { name } }', { token: owner })).data).toEqual({ currentTenant: { name: 'Lakeview Library' } });
    const all = await gql(url, '{ tenants { edges { node { id } } } }', { token: owner });
    expect(all.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(all.data).toBeNull();
    // A student signs in by OTP; the dev sender logs the code.
    await gql(url, 'mutation { requestOtp(input: { tenantSlug: "lakeview", phone: "9822000001" }) { userErrors { code } } }');
    await expect.poll(() => /"otp":"(\d{6})"/.exec(run.out())?.[1], { timeout: 5_000 }).toMatch(/^\d{6}$/);
    const code = /"otp":"(\d{6})"/.exec(run.out())![1];
    const student = await gql(url, 'mutation($c: String!) { loginWithOtp(input: { tenantSlug: "lakeview", phone: "9822000001", code: $c }) { accessToken user { role } userErrors { code } } }', { variables: { c: code } });
    expect(student.data).toMatchObject({ loginWithOtp: { user: { role: 'STUDENT' }, userErrors: [] } });
    // Suspension blocks the owner within a second.
    await gql(url, 'mutation($id: ID!) { suspendTenant(id: $id, reason: "demo") { tenant { status } } }', { token: admin, variables: { id: tenant.id } });
    const t0 = Date.now();
    let r = await gql(url, '{ currentTenant { name } }', { token: owner });
    while (!r.errors && Date.now() - t0 < 2_000) r = await gql(url, '{ currentTenant { name } }', { token: owner });
    expect(Date.now() - t0).toBeLessThan(1_100);
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['TENANT_SUSPENDED']);
    run.child.kill('SIGTERM');
    expect(await run.exited, run.err()).toBe(0);
  });

  it('names DATABASE_URL in one line when the server does not answer', () =>
    failsWith({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/studyspot', STUDYSPOT_DATA_DIR: tempDir() }, /^studyspot: DATABASE_URL: cannot migrate core database postgres:\/\/127\.0\.0\.1:1\/studyspot: .*ECONNREFUSED/));

  it('names DATABASE_URL when it is not a URL', () =>
    failsWith({ DATABASE_URL: 'localhost db', STUDYSPOT_DATA_DIR: tempDir() }, /^studyspot: DATABASE_URL: not a valid URL$/));

  it('names REDIS_URL when Redis does not answer', () =>
    failsWith({ REDIS_URL: 'redis://127.0.0.1:1', STUDYSPOT_DATA_DIR: tempDir(), SEED_DEMO: '0' }, /^studyspot: REDIS_URL: cannot connect: .*ECONNREFUSED/));

  it('names SUPERGRAPH_PATH when the supergraph there cannot be read (the Helm chart mounts it)', () =>
    failsWith({ SUPERGRAPH_PATH: '/nonexistent/supergraph.graphql', STUDYSPOT_DATA_DIR: tempDir(), SEED_DEMO: '0' }, /^studyspot: SUPERGRAPH_PATH: cannot read the supergraph at \/nonexistent\/supergraph\.graphql: ENOENT/));

  it('names PORT when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await failsWith({ PORT: String(port), STUDYSPOT_DATA_DIR: tempDir(), SEED_DEMO: '0' }, new RegExp(`^studyspot: PORT: port ${port} is already in use$`));
    } finally {
      blocker.close();
    }
  });
});

describe('demo seed', () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)('stops before seeding when the data directory cannot keep the generated logins', async () => {
    const server = new URL(process.env.TEST_DATABASE_URL!);
    const name = `studyspot_seedtest_${process.pid}`;
    server.pathname = `/${name}`;
    const notADir = join(tempDir(), 'a-file');
    writeFileSync(notADir, 'not a directory');
    try {
      await failsWith(
        { DATABASE_URL: server.toString(), SEED_DEMO: '1', STUDYSPOT_DATA_DIR: join(notADir, 'data'), JWT_KEYS: `k1:${'s'.repeat(40)}`, GATEWAY_SECRET: 'g'.repeat(32) },
        /^studyspot: STUDYSPOT_DATA_DIR: cannot write the demo logins to .*; nothing was seeded$/,
      );
      const c = new pg.Client({ connectionString: server.toString() });
      await c.connect();
      try {
        expect((await c.query('select count(*)::int as n from tenants')).rows[0].n).toBe(0);
        expect((await c.query('select count(*)::int as n from users')).rows[0].n).toBe(0);
      } finally {
        await c.end();
      }
    } finally {
      await dropDatabasesWithPrefix(process.env.TEST_DATABASE_URL!, name);
    }
  });
});

describe('production', () => {
  const secrets = { NODE_ENV: 'production', JWT_KEYS: `k1:${'s'.repeat(40)}`, GATEWAY_SECRET: 'g'.repeat(32) };
  it('refuses to start with OTP codes going to the log, naming the opt-in', () =>
    failsWith({ ...secrets, STUDYSPOT_DATA_DIR: tempDir() }, /^studyspot: STUDYSPOT_INSECURE_LOG_OTP_CODES: production has no SMS provider/));
});

describe('pnpm dev', () => {
  it('refuses to run subgraphs as separate processes on embedded PGlite', () =>
    failsWith({ SUBGRAPH_MODE: 'remote', STUDYSPOT_DATA_DIR: tempDir() }, /^studyspot: DATABASE_URL: required when the gateway calls subgraphs in other processes/));
});
