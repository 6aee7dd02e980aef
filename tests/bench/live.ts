// `pnpm bench:live`: live subscriptions on two gateway processes (each the whole supergraph, with
// PostgreSQL and Redis between them), driven over real WebSockets from this process.
// - latency: 1,000 subscribers of one library's occupancy (500 on each gateway), a check-in every
//   400 ms through gateway 1; event (its `at`) to each delivery and to the last delivery of each
//   event, p50/p99, with the student's name and balance resolved through billing (real entity
//   fetches). Baseline in the same run: the same 1,000 subscribers each with a document of its own, so
//   every subscriber is resolved on its own (what Apollo Router, Hive Router and Cosmo do).
// - subgraph fetches and plan executions per event, per process, in both modes;
// - delivered frames per second sustained: 1,000 subscribers of the notification stream while desk
//   payments are recorded as fast as four clients can;
// - memory: RSS growth per idle socket with one subscription, at 10,000 sockets, on a third gateway
//   started fresh for this phase (the others' RSS still falls and rises with what the earlier phases
//   left, which once printed a negative figure per socket), its heap collected before and after
//   (--expose-gc and /_live/gc, outside production only) so the figure is what the sockets hold.
// Needs PostgreSQL and Redis (TEST_DATABASE_URL or DATABASE_URL's server, REDIS_URL; defaults on
// 127.0.0.1). Creates databases named bench_live_<random>_* and drops them at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';
import { percentile as pct } from '../support/clusters.ts';

const SERVER = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SUBSCRIBERS = 1_000;
const EVENTS = 20;
const IDLE_SOCKETS = 10_000;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tag = `bench_live_${randomBytes(3).toString('hex')}`;
const dataDir = `/tmp/${tag}`;

const ms = (x: number) => `${x.toFixed(0)} ms`;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

const dbUrl = (name: string) => {
  const u = new URL(SERVER);
  u.pathname = `/${name}`;
  return u.toString();
};
const env = (port: number, seed: boolean): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: 'development',
  DATABASE_URL: dbUrl(`${tag}_core`),
  REDIS_URL,
  REDIS_KEY_PREFIX: `${tag}:`,
  TENANT_DB_PREFIX: `${tag}_t_`,
  JWT_KEYS: `bench:${randomBytesFixed}`,
  GATEWAY_SECRET: randomBytesFixed,
  STUDYSPOT_DATA_DIR: dataDir,
  SEED_DEMO: seed ? '1' : '0',
  PORT: String(port),
  LOG_LEVEL: 'error',
  LIVE_PER_USER: '20000',
  LIVE_PER_TENANT: '20000',
  LIVE_SOCKETS: '20000',
});
const randomBytesFixed = randomBytes(24).toString('base64url');

async function startGateway(port: number, seed: boolean, nodeFlags: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'gateway/src/main.ts'], { cwd: ROOT, env: env(port, seed), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  for (let i = 0; i < 600 && !out.includes('ready at'); i++) {
    if (child.exitCode !== null) throw new Error(`gateway on ${port} exited:\n${out}`);
    await sleep(100);
  }
  if (!out.includes('ready at')) throw new Error(`gateway on ${port} did not start:\n${out}`);
  return child;
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

async function gql(port: number, query: string, variables: Record<string, unknown>, token?: string) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a benchmark reads a few known fields
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

interface Sub {
  ws: WebSocket;
  ready: Promise<void>;
}
/** A bare graphql-transport-ws subscriber (lighter than a full client, so 10,000 fit in this process). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads of several shapes
function subscribe(port: number, token: string, query: string, variables: Record<string, unknown>, onNext: (payload: any, at: number) => void): Sub {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
  const ready = new Promise<void>((resolve, reject) => {
    let first = true;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    ws.on('message', (raw) => {
      const at = Date.now();
      const m = JSON.parse(String(raw));
      if (m.type === 'connection_ack') ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
      else if (m.type === 'next') {
        if (first) {
          first = false;
          resolve();
        } else onNext(m.payload, at);
      } else if (m.type === 'error') reject(new Error(JSON.stringify(m.payload)));
    });
    ws.on('close', (code) => first && reject(new Error(`closed ${code}`)));
    ws.on('error', reject);
  });
  return { ws, ready };
}

async function connectAll(n: number, make: (i: number) => Sub, concurrency = 100): Promise<Sub[]> {
  const subs: Sub[] = [];
  for (let i = 0; i < n; i += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, n - i) }, (_, j) => make(i + j));
    await Promise.all(batch.map((s) => s.ready));
    subs.push(...batch);
  }
  return subs;
}
const closeAll = async (subs: Sub[]) => {
  for (const s of subs) s.ws.terminate();
  await sleep(500);
};

const stats = async (port: number) => (await (await fetch(`http://127.0.0.1:${port}/_live/stats`)).json()) as { sockets: number; groups: number; executions: number; fetches: number; sent: number };

const OCCUPANCY = (name: string) => `subscription ${name}($l: ID!) { libraryOccupancy(libraryId: $l) { sequence changes { sequence kind at visit { student { name balancePaise } } } } }`;
const MARK = 'mutation($s: ID!, $l: ID!, $a: AttendanceAction!) { markAttendance(studentId: $s, libraryId: $l, action: $a) { userErrors { code } } }';

const admin = new pg.Client({ connectionString: SERVER });
await admin.connect();
await admin.query(`create database ${tag}_core`);
const gateways: ChildProcess[] = [];
try {
  const [P1, P2] = [4610 + Math.floor(Math.random() * 100), 4720 + Math.floor(Math.random() * 100)];
  gateways.push(await startGateway(P1, true));
  gateways.push(await startGateway(P2, false));
  const logins = JSON.parse(readFileSync(`${dataDir}/demo-logins.json`, 'utf8')) as { owner: { email: string; password: string } };
  const login = await gql(P1, 'mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }', { e: logins.owner.email, p: logins.owner.password });
  const owner = login.login.accessToken as string;
  const libs = await gql(P1, '{ libraries(first: 1) { edges { node { id students(first: 10) { edges { node { id } } } } } } }', {}, owner);
  const library = libs.libraries.edges[0].node;
  const students = library.students.edges.map((e: { node: { id: string } }) => e.node.id) as string[];
  const inside = new Set<string>();
  const toggle = async (i: number) => {
    const s = students[i % students.length]!;
    const action = inside.has(s) ? 'CHECK_OUT' : 'CHECK_IN';
    inside[action === 'CHECK_IN' ? 'add' : 'delete'](s);
    const r = await gql(P1, MARK, { s, l: library.id, a: action }, owner);
    if (r.markAttendance.userErrors.length) throw new Error(JSON.stringify(r.markAttendance.userErrors));
  };

  /** Occupancy latency with the given documents; returns per-delivery and per-event figures. */
  async function latency(label: string, doc: (i: number) => string, events: number, spacingMs: number) {
    const deliveries: number[] = [];
    const lastBySeq = new Map<number, number>();
    const countBySeq = new Map<number, number>();
    const subs = await connectAll(SUBSCRIBERS, (i) =>
      subscribe(i % 2 ? P2 : P1, owner, doc(i), { l: library.id }, (payload, at) => {
        for (const c of payload.data?.libraryOccupancy?.changes ?? []) {
          const lag = at - Date.parse(c.at);
          deliveries.push(lag);
          lastBySeq.set(c.sequence, Math.max(lastBySeq.get(c.sequence) ?? 0, lag));
          countBySeq.set(c.sequence, (countBySeq.get(c.sequence) ?? 0) + 1);
        }
      }),
    );
    const [b1, b2] = [await stats(P1), await stats(P2)];
    const t0 = Date.now();
    for (let e = 0; e < events; e++) {
      const before = deliveries.length;
      await toggle(e);
      const until = Date.now() + 20_000;
      while (deliveries.length < before + SUBSCRIBERS && Date.now() < until) await sleep(5);
      await sleep(Math.max(0, spacingMs - 5));
    }
    const took = Date.now() - t0;
    await sleep(300);
    const [a1, a2] = [await stats(P1), await stats(P2)];
    await closeAll(subs);
    const perEvent = (a: number, b: number) => (a - b) / events;
    const lasts = [...lastBySeq.values()];
    const complete = [...countBySeq.values()].filter((n) => n >= SUBSCRIBERS).length;
    console.log(`\n${label}: ${SUBSCRIBERS} subscribers on 2 gateways, ${events} check-ins in ${(took / 1000).toFixed(1)} s`);
    console.log(`  event → delivery     p50 ${ms(pct(deliveries, 50))}  p99 ${ms(pct(deliveries, 99))}  (${deliveries.length} deliveries; ${complete}/${events} events reached all)`);
    console.log(`  event → last delivery p50 ${ms(pct(lasts, 50))}  p99 ${ms(pct(lasts, 99))}`);
    console.log(`  per event: gateway 1 ${perEvent(a1.executions, b1.executions).toFixed(1)} executions / ${perEvent(a1.fetches, b1.fetches).toFixed(1)} subgraph fetches; gateway 2 ${perEvent(a2.executions, b2.executions).toFixed(1)} / ${perEvent(a2.fetches, b2.fetches).toFixed(1)}`);
    return { p50: pct(deliveries, 50), p99: pct(deliveries, 99), lastP99: pct(lasts, 99), fetches: perEvent(a1.fetches, b1.fetches) + perEvent(a2.fetches, b2.fetches) };
  }

  const only = process.env.BENCH_ONLY; // latency | stream | memory: one phase, for quick runs
  const run = (phase: string) => !only || only === phase;
  if (run('latency')) {
  const grouped = await latency('Grouped (one execution per event per group)', () => OCCUPANCY('Occupancy'), EVENTS, 400);
  const single = await latency('Baseline: resolved per subscriber (a document each)', (i) => OCCUPANCY(`Occupancy${i}`), 8, 400);
  console.log(`\nGrouped vs per subscriber: p99 ${(single.p99 / grouped.p99).toFixed(1)}× lower, subgraph fetches per event ${grouped.fetches.toFixed(0)} vs ${single.fetches.toFixed(0)} (${(single.fetches / grouped.fetches).toFixed(0)}×)`);
  console.log(`Goal: p99 event → delivery ≤ 100 ms with entity resolution: ${grouped.p99 <= 100 ? 'met' : 'NOT met'} (${ms(grouped.p99)})`);
  }

  if (run('stream')) {
  // Delivered frames per second: the notification stream (no coalescing) while payments are recorded.
  // A frame may carry several notifications (events that arrived while the last one was resolved);
  // a subscriber that falls behind gets a resync marker instead of what it missed.
  let frames = 0;
  let items = 0;
  let resyncs = 0;
  let dropped = 0;
  let lastFrame = 0;
  const notes = await connectAll(SUBSCRIBERS, (i) => subscribe(i % 2 ? P2 : P1, owner, 'subscription { notifications { sequence items { kind payment { id } } } }', {}, (p, at) => {
    frames++;
    lastFrame = at;
    items += p.data?.notifications?.items?.length ?? 0;
    if (p.extensions?.resync) {
      resyncs++;
      dropped += p.extensions.resync.dropped;
    }
  }));
  let payments = 0;
  const t0 = Date.now();
  const stopAt = t0 + 5_000;
  await Promise.all(
    Array.from({ length: 4 }, async (_, k) => {
      while (Date.now() < stopAt) {
        await gql(P1, 'mutation($s: ID!) { recordPayment(input: { studentId: $s, amountPaise: 100, method: CASH }) { userErrors { code } } }', { s: students[(payments + k) % students.length] }, owner);
        payments++;
      }
    }),
  );
  const sentAll = Date.now();
  for (let i = 0; i < 400 && items + dropped < payments * SUBSCRIBERS; i++) await sleep(25);
  const span = (lastFrame - t0) / 1000;
  const expected = payments * SUBSCRIBERS;
  console.log(`\nNotification stream: ${payments} payments in ${((sentAll - t0) / 1000).toFixed(1)} s to ${SUBSCRIBERS} subscribers → ${frames} frames carrying ${items} notifications in ${span.toFixed(1)} s: ${Math.round(frames / span)} frames/s, ${Math.round(items / span)} notifications/s`);
  console.log(`  of ${expected} notifications: ${items} delivered, ${dropped} replaced by ${resyncs} resync markers, ${expected - items - dropped} unaccounted`);
  await closeAll(notes);
  }

  if (run('memory')) {
  // Memory per idle subscribed socket, on a gateway started for this phase alone.
  const P3 = 4830 + Math.floor(Math.random() * 100);
  const fresh = await startGateway(P3, false, ['--expose-gc']);
  gateways.push(fresh);
  const pid = fresh.pid!;
  const settle = async () => {
    await fetch(`http://127.0.0.1:${P3}/_live/gc`, { method: 'POST' });
    await sleep(1_000);
    return rssKb(pid);
  };
  // One subscription first: the group, its plan and the library's first payload are not per socket.
  const first = await connectAll(1, () => subscribe(P3, owner, OCCUPANCY('Idle'), { l: library.id }, () => {}));
  const rssBefore = await settle();
  // 50 connections at a time: 200 at once kept this process too busy to send connection_init within
  // the gateway's 3 s (close 4408) for some of the last thousands. A refused socket is tried again.
  let refused = 0;
  const idle: Sub[] = [];
  while (idle.length < IDLE_SOCKETS) {
    const batch = Array.from({ length: Math.min(50, IDLE_SOCKETS - idle.length) }, () => subscribe(P3, owner, OCCUPANCY('Idle'), { l: library.id }, () => {}));
    const results = await Promise.allSettled(batch.map((b) => b.ready));
    results.forEach((r, i) => (r.status === 'fulfilled' ? idle.push(batch[i]!) : (refused++, batch[i]!.ws.terminate())));
    if (refused > IDLE_SOCKETS / 10) throw new Error(`${refused} sockets refused while opening ${IDLE_SOCKETS}`);
  }
  const rssAfter = await settle();
  const s3 = await stats(P3);
  const perSocket = (rssAfter - rssBefore) / IDLE_SOCKETS;
  console.log(`\nIdle sockets on a fresh gateway (GC before and after): ${s3.sockets} sockets with one subscription each (${s3.groups} group): RSS ${(rssBefore / 1024).toFixed(0)} → ${(rssAfter / 1024).toFixed(0)} MB, ${perSocket.toFixed(1)} KB per socket (goal ≤ 20 KB: ${perSocket <= 20 ? 'met' : 'NOT met'}); ${refused} refused and retried`);
  await closeAll([...first, ...idle]);
  }
} finally {
  for (const g of gateways) g.kill('SIGTERM');
  await sleep(1_500);
  const dbs = await admin.query(`select datname from pg_database where datname like '${tag}%'`);
  for (const { datname } of dbs.rows) await admin.query(`drop database if exists ${datname} with (force)`);
  await admin.end();
  await rm(dataDir, { recursive: true, force: true });
}
