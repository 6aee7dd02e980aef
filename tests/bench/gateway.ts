// `pnpm bench:gateway`: what the gateway costs over its subgraphs, against a stock @apollo/gateway.
// The same two operations, with the same bearer token, are sent:
//   direct    — straight to the subgraph processes: the very fetches a gateway makes for the operation
//               (recorded once), replayed stage by stage as its query plan runs them;
//   services  — through our gateway in the services layout (`pnpm dev`'s), over those subgraph processes;
//   one-proc  — through our gateway with every subgraph in its process (`pnpm start`'s layout);
//   stock     — through a bare @apollo/gateway + startStandaloneServer (stock-gateway.mjs) with the same
//               supergraph and headers, over the same subgraph processes;
//   proxy     — the floor (one-fetch query only): a bare forwarding proxy (bare-proxy.mjs) that verifies
//               the token (cached), rebuilds the identity headers and pipes the subgraph's bytes;
//   trusted   — our services gateway again, the operation sent as its trusted-document hash;
//   unix      — a second services gateway that calls the subgraphs over Unix domain sockets
//               (SUBGRAPH_SOCKET_DIR) instead of loopback TCP;
//   before    — (BENCH_BEFORE_ROOT=<another checkout, built>) that checkout's services gateway over the
//               same subgraph processes: the "before" column of the same run;
//   hive      — (BENCH_HIVE_ROOT=<a directory with @graphql-hive/gateway, @graphql-hive/router-runtime and
//               jsonwebtoken installed>) Hive Gateway with the Rust query planner, same headers
//               (hive-gateway.config.mjs), over the same subgraph processes.
// Every target runs compiled JavaScript (gateway/dist, built first). Cells are interleaved in rounds
// (the target order rotates each round); per cell: p50 latency and requests per second at concurrency
// 1, 10 and 50, and CPU milliseconds per request of each process. Medians over rounds are printed with
// the ratios the goals are stated in. PostgreSQL and Redis (TEST_DATABASE_URL/REDIS_URL, defaults on
// 127.0.0.1); databases bench_gw_<random>_* are dropped at the end.
//   BENCH_GATEWAY_ROOT (another checkout whose gateway and subgraphs to measure, e.g. an older commit's)
//   with BENCH_FROM_SOURCE=1 (run them from TypeScript through tsx, as `pnpm start` did before it compiled),
// After the rounds, every process sits idle: its CPU per second is printed in BENCH_IDLE_WINDOWS (3) windows of
// BENCH_IDLE_MS (40000) from BENCH_IDLE_DELAY_MS (20000) after the load.
//   BENCH_QUERY (one of the two operations only), BENCH_ROUNDS (3), BENCH_CELL_MS (2000), BENCH_CONCURRENCY ("1,10,50"), BENCH_PROFILE (a directory: our
//   gateways write V8 CPU profiles there; tests/bench/profile-summary.ts reads them)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { Pool } from 'undici';
import { percentile as pct } from '../support/clusters.ts';

const SERVER = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CELL_MS = Number(process.env.BENCH_CELL_MS ?? 2_000);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,10,50').split(',').map(Number);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TARGET_ROOT = process.env.BENCH_GATEWAY_ROOT ?? ROOT;
const FROM_SOURCE = process.env.BENCH_FROM_SOURCE === '1';
const SUPERGRAPH = join(TARGET_ROOT, 'gateway/supergraph.graphql');
const gatewayEntry = FROM_SOURCE ? ['--import', 'tsx', 'gateway/src/main.ts'] : ['gateway/dist/gateway.js'];
const subgraphEntry = (name: string) => (FROM_SOURCE ? ['--import', 'tsx', `subgraphs/${name}/src/server.ts`] : [`gateway/dist/${name}.js`]);
const tag = `bench_gw_${randomBytes(3).toString('hex')}`;
const dataDir = `/tmp/${tag}`;
const SECRET = randomBytes(24).toString('base64url');
const JWT_SECRET = randomBytes(32).toString('base64url');
const SUBGRAPHS = ['identity', 'tenancy', 'campus', 'billing', 'communications', 'engagement', 'insights'] as const;
const BEFORE_ROOT = process.env.BENCH_BEFORE_ROOT ?? null;
const HIVE_ROOT = process.env.BENCH_HIVE_ROOT ?? null;
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 40_000);
const PORTS = { oneProc: 4701, services: 4702, stock: 4703, proxy: 4704, before: 4705, unix: 4706, hive: 4707, identity: 4711, tenancy: 4712, campus: 4713, billing: 4714, communications: 4715, engagement: 4716, insights: 4717 };
const subgraphUrl = (name: string) => `http://127.0.0.1:${PORTS[name as keyof typeof PORTS]}/graphql`;

const QUERIES = {
  'students(first:50)': `{ students(first: 50) { edges { node { id name phone } } } }`,
  'cross-subgraph': `{ currentTenant { name libraries { edges { node { name seatCount students(first: 3) { edges { node { name payments { edges { node { amountPaise } } } } } } } } } } me { name role } }`,
};
type QueryName = keyof typeof QUERIES;
const ONE_FETCH: QueryName = 'students(first:50)';
// BENCH_QUERY=<name>: measure one of the two (a profile of one operation); the goals need both.
const MEASURED = (Object.keys(QUERIES) as QueryName[]).filter((q) => !process.env.BENCH_QUERY || q === process.env.BENCH_QUERY);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const dbUrl = (name: string) => Object.assign(new URL(SERVER), { pathname: `/${name}` }).toString();

const baseEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  NODE_ENV: 'development',
  DATABASE_URL: dbUrl(`${tag}_core`),
  REDIS_URL,
  REDIS_KEY_PREFIX: `${tag}:`,
  TENANT_DB_PREFIX: `${tag}_t_`,
  JWT_KEYS: `bench:${JWT_SECRET}`,
  GATEWAY_SECRET: SECRET,
  STUDYSPOT_DATA_DIR: dataDir,
  LOG_LEVEL: 'error',
  SEED_DEMO: '0',
  ...Object.fromEntries(SUBGRAPHS.map((n) => [`SUBGRAPH_${n.toUpperCase()}_URL`, subgraphUrl(n)])),
};

const children: ChildProcess[] = [];
async function answers(url: string) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** Starts a process; it is ready when it printed `ready` (text) or `ready` (a URL) answers 200. */
function start(name: string, args: string[], env: NodeJS.ProcessEnv, ready: string, cwd = TARGET_ROOT): Promise<ChildProcess> {
  // BENCH_PROFILE=<dir>: the gateways write V8 CPU profiles there when they stop.
  const profile = process.env.BENCH_PROFILE && args[0]?.includes('gateway') ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_PROFILE}`, `--cpu-prof-name=${name.replace(/\W+/g, '-')}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, ...args], { cwd, env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return (async () => {
    const isReady = async () => (ready.startsWith('http') ? answers(ready) : out.includes(ready));
    for (let i = 0; i < 1_200 && !(await isReady()); i++) {
      if (child.exitCode !== null) throw new Error(`${name} exited:\n${out}`);
      await sleep(100);
    }
    if (!(await isReady())) throw new Error(`${name} did not start:\n${out}`);
    return child;
  })();
}

/** utime + stime of a process, in milliseconds. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Recorded {
  subgraph: string;
  body: string;
  headers: Record<string, string>;
  start: number;
  end: number;
}

/** Runs the operation once through a recording gateway and returns its subgraph fetches in stages. */
async function recordFetches(query: string, token: string): Promise<Recorded[][]> {
  const log: Recorded[] = [];
  class Recording extends RemoteGraphQLDataSource {
    constructor(private readonly name: string) {
      super({ url: subgraphUrl(name) });
    }
    override willSendRequest({ request }: GraphQLDataSourceProcessOptions) {
      const p = jwt.verify(token, JWT_SECRET) as jwt.JwtPayload;
      const claims = Buffer.from(JSON.stringify({ sub: p.sub, role: p.role, tenantId: p.tid ?? null, sid: p.sid })).toString('base64url');
      request.http!.headers.set('x-studyspot-gateway-secret', SECRET);
      request.http!.headers.set('x-studyspot-claims', claims);
    }
    override async process(options: GraphQLDataSourceProcessOptions) {
      const start = performance.now();
      const out = await super.process(options);
      const headers = Object.fromEntries([...options.request.http!.headers].filter(([k]) => k.startsWith('x-') || k === 'content-type'));
      log.push({ subgraph: this.name, body: JSON.stringify({ query: options.request.query, variables: options.request.variables }), headers, start, end: performance.now() });
      if (out.errors) throw new Error(`recording ${this.name}: ${JSON.stringify(out.errors)}`);
      return out;
    }
  }
  const gateway = new ApolloGateway({ supergraphSdl: readFileSync(SUPERGRAPH, 'utf8'), buildService: ({ name }) => new Recording(name) });
  const server = new ApolloServer({ gateway });
  await server.start();
  const res = await server.executeOperation({ query });
  await server.stop();
  if (res.body.kind !== 'single' || res.body.singleResult.errors) throw new Error(`recording failed: ${JSON.stringify(res.body)}`);
  // A fetch waited for every fetch that had ended before it started: its stage is one after theirs.
  const stageOf = new Map<Recorded, number>();
  const sorted = log.sort((a, b) => a.start - b.start);
  for (const f of sorted) stageOf.set(f, Math.max(-1, ...sorted.filter((g) => stageOf.has(g) && g.end <= f.start).map((g) => stageOf.get(g)!)) + 1);
  const stages: Recorded[][] = [];
  for (const f of sorted) (stages[stageOf.get(f)!] ??= []).push(f);
  return stages;
}

interface Cell {
  p50: number;
  p99: number;
  rps: number;
  errors: number;
  cpu: Record<string, number>;
}

type Send = (pool: Pool) => Promise<boolean>;

async function runCell(pools: Pool[], send: Send, concurrency: number, pids: Record<string, number>): Promise<Cell> {
  // Warm-up: sockets open, plans cached.
  await Promise.all(Array.from({ length: concurrency }, (_, i) => send(pools[i % pools.length]!)));
  const lat: number[] = [];
  let errors = 0;
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
  const t0 = performance.now();
  const until = t0 + CELL_MS;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      const pool = pools[i % pools.length]!;
      while (performance.now() < until) {
        const s = performance.now();
        if (!(await send(pool))) errors++;
        lat.push(performance.now() - s);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const cpu = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, (cpuMs(pid) - cpu0[k]!) / lat.length]));
  return { p50: pct(lat, 50), p99: pct(lat, 99), rps: (lat.length * 1000) / elapsed, errors, cpu };
}

/** The first failed answer of each port, printed once: a target that answers errors is not measured. */
const firstFailure = new Map<string, string>();
async function post(pool: Pool, path: string, headers: Record<string, string>, body: string): Promise<boolean> {
  const res = await pool.request({ path, method: 'POST', headers, body });
  const text = await res.body.text();
  const ok = res.statusCode === 200 && !text.includes('"errors"');
  const key = String((pool as unknown as { [k: symbol]: unknown })[Object.getOwnPropertySymbols(pool).find((x) => x.description === 'url')!] ?? '');
  if (!ok && !firstFailure.has(key)) {
    firstFailure.set(key, `${res.statusCode} ${text.slice(0, 300)}`);
    console.log(`first failed answer from ${key}${path}: ${res.statusCode} ${text.slice(0, 300)}`);
  }
  return ok;
}

async function main() {
  const t = performance.now();
  if (!FROM_SOURCE) {
    const built = spawnSync(process.execPath, ['gateway/scripts/build.mjs'], { cwd: TARGET_ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(built.stderr);
    console.log(built.stdout.trim());
  }
  if (TARGET_ROOT !== ROOT || FROM_SOURCE) console.log(`our gateway and subgraphs: ${TARGET_ROOT} ${FROM_SOURCE ? 'from TypeScript (tsx)' : 'compiled'}`);

  // One-process gateway first: it migrates and seeds the demo tenant.
  const oneProc = await start('one-process gateway', gatewayEntry, { PORT: String(PORTS.oneProc), SEED_DEMO: '1' }, 'More: pnpm run token');
  const logins = JSON.parse(readFileSync(join(dataDir, readdirSync(dataDir).find((f) => f === 'demo-logins.json')!), 'utf8')) as { owner: { email: string; password: string } };
  const gw = new Pool(`http://127.0.0.1:${PORTS.oneProc}`, { connections: 4 });
  const call = async (query: string, variables: object, token?: string) => {
    const res = await gw.request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
    const body = (await res.body.json()) as { data?: Record<string, Record<string, unknown>>; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };
  const token = (await call(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: logins.owner })).login!.accessToken as string;
  // 50 students, so students(first: 50) returns a full page.
  const have = ((await call(`{ students(first: 50) { edges { node { id } } } }`, {}, token)).students!.edges as unknown[]).length;
  for (let i = have; i < 50; i++) await call(`mutation($i: StudentInput!) { createStudent(input: $i) { student { id } } }`, { i: { name: `Bench Student ${i}`, phone: `9198${String(10_000_000 + i).slice(1)}` } }, token);

  const socketDir = join(dataDir, 'sockets');
  const subs = await Promise.all(SUBGRAPHS.map((n) => start(n, subgraphEntry(n), { SUBGRAPH_SOCKET_DIR: socketDir }, subgraphUrl(n).replace('/graphql', '/healthz'))));
  const pidOf = Object.fromEntries(SUBGRAPHS.map((n, i) => [n, subs[i]!.pid!]));
  // The bench's two operations as a trusted-documents manifest (the codegen format).
  mkdirSync(dataDir, { recursive: true });
  const manifest = join(dataDir, 'bench-documents.json');
  writeFileSync(manifest, JSON.stringify(Object.fromEntries(Object.values(QUERIES).map((q) => [`sha256:${sha256(q)}`, q]))));
  const services = await start('services gateway', gatewayEntry, { PORT: String(PORTS.services), SUBGRAPH_MODE: 'remote', TRUSTED_DOCUMENTS_FILES: manifest }, 'ready at');
  const unix = await start('unix-socket gateway', gatewayEntry, { PORT: String(PORTS.unix), SUBGRAPH_MODE: 'remote', SUBGRAPH_SOCKET_DIR: socketDir }, 'ready at');
  const proxy = await start('bare proxy', ['tests/bench/bare-proxy.mjs'], { PORT: String(PORTS.proxy), TARGET_URL: subgraphUrl('campus'), JWT_SECRET, GATEWAY_SECRET: SECRET }, 'bare proxy ready', ROOT);
  const before = BEFORE_ROOT ? await start('before gateway', ['gateway/dist/gateway.js'], { PORT: String(PORTS.before), SUBGRAPH_MODE: 'remote' }, 'ready at', BEFORE_ROOT) : null;
  if (HIVE_ROOT) copyFileSync(join(ROOT, 'tests/bench/hive-gateway.config.mjs'), join(HIVE_ROOT, 'gateway.config.mjs'));
  const hive = HIVE_ROOT
    ? await start('hive gateway', ['node_modules/@graphql-hive/gateway/dist/bin.js', 'supergraph', SUPERGRAPH, '--port', String(PORTS.hive)], { HIVE_ROUTER_RUNTIME: 'true', JWT_SECRET, GATEWAY_SECRET: SECRET, SUBGRAPH_URLS: JSON.stringify(Object.fromEntries(SUBGRAPHS.map((n) => [n, subgraphUrl(n)]))) }, `http://127.0.0.1:${PORTS.hive}/readiness`, HIVE_ROOT)
    : null;
  if (before) console.log(`before: ${BEFORE_ROOT} (${spawnSync('git', ['log', '--oneline', '-1'], { cwd: BEFORE_ROOT!, encoding: 'utf8' }).stdout.trim()})`);
  const stock = await start('stock gateway', ['tests/bench/stock-gateway.mjs'], { PORT: String(PORTS.stock), SUPERGRAPH, JWT_SECRET, SUBGRAPH_URLS: JSON.stringify(Object.fromEntries(SUBGRAPHS.map((n) => [n, subgraphUrl(n)]))) }, 'stock gateway ready', ROOT);
  console.log(`set up in ${((performance.now() - t) / 1000).toFixed(1)} s; ${ROUNDS} rounds × ${CELL_MS} ms cells; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const stages = Object.fromEntries(await Promise.all(Object.entries(QUERIES).map(async ([n, q]) => [n, await recordFetches(q, token)] as const))) as Record<QueryName, Recorded[][]>;
  for (const [n, s] of Object.entries(stages)) console.log(`${n}: ${s.flat().length} subgraph fetches in ${s.length} stages (${s.map((x) => x.map((f) => f.subgraph).join('+')).join(' → ')})`);

  const maxC = Math.max(...CONCURRENCY);
  const poolFor = (port: number) => new Pool(`http://127.0.0.1:${port}`, { connections: maxC, keepAliveTimeout: 30_000 });
  const gatewayPools = { services: poolFor(PORTS.services), oneProc: poolFor(PORTS.oneProc), stock: poolFor(PORTS.stock), proxy: poolFor(PORTS.proxy), before: poolFor(PORTS.before), unix: poolFor(PORTS.unix), hive: poolFor(PORTS.hive) };
  const subgraphPools = Object.fromEntries(SUBGRAPHS.map((n) => [n, poolFor(PORTS[n])]));
  const auth = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const subgraphPids = Object.fromEntries(SUBGRAPHS.map((n) => [`sg:${n}`, pidOf[n]!]));

  type Target = 'direct' | 'proxy' | 'services' | 'trusted' | 'unix' | 'one-proc' | 'stock' | 'hive' | 'before';
  const allTargets: Target[] = ['direct', 'proxy', 'services', 'trusted', 'unix', 'one-proc', 'stock', ...(hive ? (['hive'] as const) : []), ...(before ? (['before'] as const) : [])];
  const targetsFor = (q: QueryName) => allTargets.filter((t) => t !== 'proxy' || q === ONE_FETCH);
  const cellOf = (target: Target, q: QueryName): { pools: Pool[]; send: Send; pids: Record<string, number> } => {
    const body = JSON.stringify(target === 'trusted' ? { documentId: `sha256:${sha256(QUERIES[q])}` } : { query: QUERIES[q] });
    const viaGateway = (pool: Pool) => post(pool, '/graphql', auth, body);
    if (target === 'direct') {
      const plan = stages[q];
      const send: Send = async () => {
        for (const stage of plan) {
          const oks = await Promise.all(stage.map((f) => post(subgraphPools[f.subgraph]!, '/graphql', f.headers, f.body)));
          if (!oks.every(Boolean)) return false;
        }
        return true;
      };
      return { pools: [gatewayPools.services], send, pids: subgraphPids };
    }
    if (target === 'one-proc') return { pools: [gatewayPools.oneProc], send: viaGateway, pids: { gateway: oneProc.pid! } };
    const front = { services: [gatewayPools.services, services], trusted: [gatewayPools.services, services], stock: [gatewayPools.stock, stock], proxy: [gatewayPools.proxy, proxy], before: [gatewayPools.before, before!], unix: [gatewayPools.unix, unix], hive: [gatewayPools.hive, hive!] } as const;
    const [pool, proc] = front[target];
    return { pools: [pool], send: viaGateway, pids: { gateway: proc.pid!, ...subgraphPids } };
  };

  const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  const restRss = { oneProc: rssMb(oneProc.pid!), services: rssMb(services.pid!), stock: rssMb(stock.pid!) };
  const peakRss = { ...restRss };
  const results = new Map<string, Cell[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of MEASURED) {
      for (const c of CONCURRENCY) {
        const targets = targetsFor(q);
        const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
        for (const target of order) {
          const { pools, send, pids } = cellOf(target, q);
          const cell = await runCell(pools, send, c, pids);
          peakRss.oneProc = Math.max(peakRss.oneProc, rssMb(oneProc.pid!));
          peakRss.services = Math.max(peakRss.services, rssMb(services.pid!));
          peakRss.stock = Math.max(peakRss.stock, rssMb(stock.pid!));
          const key = `${q}|${c}|${target}`;
          results.set(key, [...(results.get(key) ?? []), cell]);
        }
      }
    }
    console.log(`round ${round + 1}/${ROUNDS} done, load average ${loadavg()[0]!.toFixed(2)}`);
  }

  const med = (q: string, c: number, t: Target, f: (x: Cell) => number) => median(results.get(`${q}|${c}|${t}`)!.map(f));
  const fmt = (x: number, d = 1) => x.toFixed(d);
  const rps = (q: QueryName, c: number, t: Target) => med(q, c, t, (x) => x.rps);
  const gwCpu = (q: QueryName, c: number, t: Target) => med(q, c, t, (x) => x.cpu.gateway!);
  for (const q of MEASURED) {
    const targets = targetsFor(q);
    console.log(`\n${q}: medians of ${ROUNDS} rounds (p50 ms | requests/s | errors)`);
    console.log(`  c   ${targets.map((t) => t.padEnd(22)).join('')}`);
    for (const c of CONCURRENCY) {
      console.log(`  ${String(c).padEnd(4)}${targets.map((t) => `${fmt(med(q, c, t, (x) => x.p50), 2)} | ${fmt(med(q, c, t, (x) => x.rps), 0)} | ${med(q, c, t, (x) => x.errors)}`.padEnd(22)).join('')}`);
    }
    console.log('  ratios of requests/s: services/direct, services/stock, one-proc/stock, trusted/services, unix/services' + (q === ONE_FETCH ? ', services/proxy' : '') + (hive ? ', services/hive' : '') + (before ? ', services/before' : ''));
    for (const c of CONCURRENCY) {
      const r = (a: Target, b: Target) => `${fmt(rps(q, c, a) / rps(q, c, b), 2)}×`;
      console.log(`  c=${String(c).padEnd(3)} ${[r('services', 'direct'), r('services', 'stock'), r('one-proc', 'stock'), r('trusted', 'services'), r('unix', 'services'), ...(q === ONE_FETCH ? [r('services', 'proxy')] : []), ...(hive ? [r('services', 'hive')] : []), ...(before ? [r('services', 'before')] : [])].join('  ')}`);
    }
    console.log('  CPU ms per request (median) per process: the front process (gateway, proxy), then each subgraph process that worked');
    for (const c of CONCURRENCY) {
      const cells = targets.map((t) => {
        const sg = Object.keys(results.get(`${q}|${c}|${t}`)![0]!.cpu).filter((k) => k.startsWith('sg:'));
        const busy = sg.map((k) => [k.slice(3), med(q, c, t, (x) => x.cpu[k]!)] as const).filter(([, v]) => v >= 0.02);
        return `${t} ${t === 'direct' ? '—' : fmt(gwCpu(q, c, t), 2)}${busy.length ? ` (${busy.map(([n, v]) => `${n} ${fmt(v, 2)}`).join(', ')})` : ''}`;
      });
      console.log(`  c=${String(c).padEnd(3)} ${cells.join(' | ')}`);
    }
  }
  // The goals of issue 23, each met or missed, at the concurrencies measured among 10 and 50.
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const goalCs = MEASURED.length === 2 ? CONCURRENCY.filter((c) => c === 10 || c === 50) : [];
  console.log('\nGoals (issue 23), same run:');
  for (const c of goalCs) {
    const cpuRatio = gwCpu(ONE_FETCH, c, 'services') / gwCpu(ONE_FETCH, c, 'proxy');
    const vsProxy = rps(ONE_FETCH, c, 'services') / rps(ONE_FETCH, c, 'proxy');
    const vsStock = rps(ONE_FETCH, c, 'services') / rps(ONE_FETCH, c, 'stock');
    const cross = rps('cross-subgraph', c, 'services') / rps('cross-subgraph', c, 'stock');
    const trusted = rps(ONE_FETCH, c, 'trusted') / rps(ONE_FETCH, c, 'services');
    const trustedCross = rps('cross-subgraph', c, 'trusted') / rps('cross-subgraph', c, 'services');
    console.log(`  c=${c}: one-fetch gateway CPU/request ${fmt(cpuRatio, 2)}× the proxy's (goal ≤ 2×: ${verdict(cpuRatio <= 2)})`);
    console.log(`  c=${c}: one-fetch throughput ${fmt(vsProxy, 2)}× the proxy's (goal ≥ 0.95×: ${verdict(vsProxy >= 0.95)}), ${fmt(vsStock, 2)}× stock (goal ≥ 1.5×: ${verdict(vsStock >= 1.5)})`);
    console.log(`  c=${c}: cross query ${fmt(cross, 2)}× stock (goal ≥ 1.5×: ${verdict(cross >= 1.5)})`);
    console.log(`  c=${c}: trusted documents ${fmt(trusted, 2)}× text on the one-fetch query, ${fmt(trustedCross, 2)}× on the cross query (goal ≥ 1.2×: ${verdict(trusted >= 1.2)} / ${verdict(trustedCross >= 1.2)})`);
    if (before) console.log(`  c=${c}: against before (${BEFORE_ROOT}): one-fetch ${fmt(rps(ONE_FETCH, c, 'services') / rps(ONE_FETCH, c, 'before'), 2)}× rps at ${fmt(gwCpu(ONE_FETCH, c, 'services') / gwCpu(ONE_FETCH, c, 'before'), 2)}× CPU/request; cross ${fmt(rps('cross-subgraph', c, 'services') / rps('cross-subgraph', c, 'before'), 2)}× rps at ${fmt(gwCpu('cross-subgraph', c, 'services') / gwCpu('cross-subgraph', c, 'before'), 2)}× CPU/request`);
  }
  const failing = (t: Target) => MEASURED.some((q) => CONCURRENCY.some((c) => med(q, c, t, (x) => x.errors) > 0));
  for (const c of goalCs) {
    if (hive && failing('hive')) {
      console.log('  against Hive Gateway: not judged — it answered errors (first one printed above)');
      break;
    }
    if (!hive) {
      console.log('  cross query against Hive Gateway with the Rust planner: not measured (set BENCH_HIVE_ROOT; README)');
      break;
    }
    const vsHive = rps('cross-subgraph', c, 'services') / rps('cross-subgraph', c, 'hive');
    console.log(`  c=${c}: cross query ${fmt(vsHive, 2)}× Hive Gateway with the Rust planner (goal > 1×: ${verdict(vsHive > 1)}); one-fetch ${fmt(rps(ONE_FETCH, c, 'services') / rps(ONE_FETCH, c, 'hive'), 2)}×`);
  }

  // Idle: every process this run started, doing nothing (BENCH_IDLE_DELAY_MS after the load: idle
  // pooled connections close and V8 collects the heap the load left, 300-400 ms of CPU per process).
  await sleep(Number(process.env.BENCH_IDLE_DELAY_MS ?? 20_000));
  const idle: [string, number, number | null][] = [
    ['one-process gateway', oneProc.pid!, PORTS.oneProc],
    ['services gateway', services.pid!, PORTS.services],
    ['unix-socket gateway', unix.pid!, PORTS.unix],
    ...SUBGRAPHS.map((n) => [`subgraph ${n}`, pidOf[n]!, PORTS[n]] as [string, number, number]),
    ['stock gateway', stock.pid!, null],
    ...(hive ? [['hive gateway', hive.pid!, null] as [string, number, null]] : []),
    ['bare proxy', proxy.pid!, null],
    ...(before ? [['before gateway', before.pid!, PORTS.before] as [string, number, number]] : []),
  ];
  // Our processes' own GC time (prom-client's nodejs_gc_duration_seconds, from /metrics): after a load,
  // V8 collects the heap the load left in a few large pauses, whenever they fall.
  const gcSeconds = async (port: number | null) => {
    if (port === null) return null;
    try {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return [...text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} ([0-9.e+-]+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    } catch {
      return null;
    }
  };
  // Consecutive windows: V8 keeps collecting what the load left for a minute or two (its GC helper
  // threads, outside the GC pause metric), so the goal is judged on the last window, once settled.
  const windows = Number(process.env.BENCH_IDLE_WINDOWS ?? 3);
  const delay = Number(process.env.BENCH_IDLE_DELAY_MS ?? 20_000);
  console.log(`\nIdle CPU, ms per second, in ${windows} windows of ${IDLE_MS / 1000} s from ${delay / 1000} s after the load (clock ticks of 10 ms, so ±${fmt(10_000 / IDLE_MS, 2)}; of it, GC pauses):`);
  let last: { name: string; total: number; gc: number | null }[] = [];
  for (let w = 0; w < windows; w++) {
    const from = (delay + w * IDLE_MS) / 1000;
    const gc0 = await Promise.all(idle.map(([, , port]) => gcSeconds(port)));
    const idle0 = idle.map(([, pid]) => cpuMs(pid));
    await sleep(IDLE_MS);
    const idle1 = idle.map(([, pid]) => cpuMs(pid));
    const gc1 = await Promise.all(idle.map(([, , port]) => gcSeconds(port)));
    last = idle.map(([name], i) => {
      const gc = gc0[i] != null && gc1[i] != null ? ((gc1[i]! - gc0[i]!) * 1e6) / IDLE_MS : null;
      return { name, total: ((idle1[i]! - idle0[i]!) * 1000) / IDLE_MS, gc };
    });
    console.log(`  ${from}–${from + IDLE_MS / 1000} s: ${last.map(({ name, total, gc }) => `${name} ${fmt(total, 1)}${gc === null ? '' : ` (GC ${fmt(gc, 1)})`}`).join(', ')}`);
  }
  const ours = last.filter(({ name }) => name.includes('subgraph') || (name.endsWith(' gateway') && !['stock', 'before', 'hive'].some((p) => name.startsWith(p))));
  const worst = Math.max(...ours.map((x) => x.total));
  if (windows > 0) console.log(`  goal ≤ 2 ms/s for each of our processes, in the last window: ${verdict(worst <= 2)} (highest ${fmt(worst, 1)}, ${ours.find((x) => x.total === worst)?.name})`);
  console.log(`\nGateway RSS at rest (after set-up) → peak under load: one-process ${restRss.oneProc.toFixed(0)} → ${peakRss.oneProc.toFixed(0)} MB (it holds the subgraphs and their tenant clients too), services ${restRss.services.toFixed(0)} → ${peakRss.services.toFixed(0)} MB, stock ${restRss.stock.toFixed(0)} → ${peakRss.stock.toFixed(0)} MB`);
  console.log(`load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  await Promise.all([gw.close(), ...Object.values(gatewayPools).map((p) => p.close()), ...Object.values(subgraphPools).map((p) => p.close())]);
}

async function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await sleep(1_500);
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${tag}%`]);
  for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  await admin.end();
  await rm(dataDir, { recursive: true, force: true });
}

try {
  await main();
} finally {
  await cleanup();
}
