// `pnpm topology:chaos`: breaks the running topology (`pnpm topology:up`) under a steady mixed load
// and prints what it cost. Loopback only, bounded in time; it stops and starts only the topology's
// own processes (and its private Redis).
//   load: 8 loops over 20 sample tenants on both clusters — a query (libraries), a mutation
//   (createStudent), one live subscription (libraryOccupancy) per tenant through HAProxy;
//   (a) a rolling restart of every process (each subgraph replica, each gateway, the worker) as
//       Kubernetes rolls its Deployments side by side: one replica of every kind at a time (all
//       the "-1"s and the worker, then all the "-2"s), each SIGTERM'd, started again and ready
//       before the next wave → failed requests (goal 0) and every live subscriber back with a fresh
//       snapshot;
//   (b) kill -9 of one process of every kind (a replica of each subgraph, a gateway, the worker),
//       one at a time → failed requests (goal: no more than were in flight, 8 loops → ≤ 8) and the
//       time until it was started again and back in HAProxy;
//   (b') kill -9 of one cluster's PgBouncer → only that cluster's tenants fail, with
//       SERVICE_UNAVAILABLE; recovery time once it is started again;
//   (c) one PostgreSQL cluster stopped → only its tenants fail, with SERVICE_UNAVAILABLE; recovery
//       time when it is started again;
//   (d) the private Redis restarted empty → requests answered with 5xx (goal 0);
//   (e) a tenant outside the sample moved to the other cluster while four clients write to it, by
//       dump and restore, then back by logical replication → the writes' pause (goal ≤ 1 s), lost
//       and duplicated writes (goal 0 each) (move-phase.ts).
// Exit code 1 when any phase misses its goal.
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@studyspot/runtime';
import { signAccessToken } from '@studyspot/runtime/security';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { movePhase, spareTenant, type MoveFigures } from './move-phase.ts';
import { alive, API_PORT, CLUSTERS, DIR, processEnv, readState, REDIS_PORT, startProcess, SUBGRAPHS, writeState, type Proc } from './lib.ts';

const state = readState();
if (!state) throw new Error('no topology: run pnpm topology:up first');
const config = loadConfig(processEnv(state) as NodeJS.ProcessEnv);
const API = `http://127.0.0.1:${API_PORT}/graphql`;
const tenants = state.sample.slice(0, 20).map((t) => ({ ...t, token: signAccessToken(config.keyRing, { sub: randomUUID(), role: 'OWNER', tenantId: t.id }, 3_600), libraryId: '' }));

type Result = { ok: boolean; status: number; code?: string };
async function gql(token: string, query: string, variables?: Record<string, unknown>): Promise<Result & { data?: Record<string, unknown> }> {
  try {
    const r = await fetch(API, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(10_000) });
    const body = (await r.json().catch(() => ({}))) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] };
    return { ok: r.status === 200 && !body.errors, status: r.status, code: body.errors?.[0]?.extensions?.code, data: body.data };
  } catch (err) {
    return { ok: false, status: 0, code: (err as Error).name };
  }
}

// Each sample tenant gets a library to write students into and to watch.
for (const t of tenants) {
  const lib = await gql(t.token, 'mutation { createLibrary(input: { name: "Chaos Room", address: "1 Road", city: "Pune", capacity: 50 }) { library { id } } }');
  const id = (lib.data?.createLibrary as { library: { id: string } | null } | undefined)?.library?.id;
  if (!id) throw new Error(`could not set up tenant ${t.id}: ${JSON.stringify(lib)}`);
  t.libraryId = id;
}

// The load.
let phase = 'warm-up';
const tally = new Map<string, { requests: number; failed: number; codes: Map<string, number> }>();
const count = (r: Result, server: string) => {
  const key = phase.startsWith('cluster') || phase.startsWith('pgbouncer') ? `${phase}: ${server} tenants` : phase;
  const t = tally.get(key) ?? { requests: 0, failed: 0, codes: new Map() };
  tally.set(key, t);
  t.requests++;
  if (!r.ok) {
    t.failed++;
    const k = `${r.status}:${r.code ?? ''}`;
    t.codes.set(k, (t.codes.get(k) ?? 0) + 1);
  }
};
let running = true;
let seq = 0;
const loops = Array.from({ length: 8 }, async (_, n) => {
  while (running) {
    const t = tenants[(seq++ + n) % tenants.length]!;
    count(await gql(t.token, '{ libraries(first: 5) { edges { node { id } } } }'), t.server);
    const phone = `9${String(Date.now() % 1e9).padStart(9, '0')}`.slice(0, 10);
    count(await gql(t.token, 'mutation($i: StudentInput!) { createStudent(input: $i) { student { id } userErrors { code } } }', { i: { name: `chaos ${n} ${seq}`, phone, libraryId: t.libraryId } }), t.server);
  }
});

// One live subscription per tenant, reconnecting as the stock client does.
const subs: { client: Client; snapshots: number; closes: number[] }[] = [];
for (const t of tenants) {
  const s = { client: null as unknown as Client, snapshots: 0, closes: [] as number[] };
  s.client = createClient({
    url: API.replace('http', 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: () => ({ authorization: `Bearer ${t.token}` }),
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async () => new Promise((r) => setTimeout(r, 200 + Math.random() * 300)),
    on: { closed: (e) => void s.closes.push((e as { code: number }).code) },
  });
  s.client.subscribe({ query: 'subscription($l: ID!) { libraryOccupancy(libraryId: $l) { sequence } }', variables: { l: t.libraryId } }, { next: () => void s.snapshots++, error: () => {}, complete: () => {} });
  subs.push(s);
}
await new Promise((r) => setTimeout(r, 3_000));

const ready = async (port: number) => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
async function waitReady(p: Proc, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await ready(p.port))) {
    if (Date.now() > end) throw new Error(`${p.name} not ready; see ${p.log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
async function exited(pid: number, ms = 20_000) {
  const end = Date.now() + ms;
  while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}
function replace(p: Proc): Proc {
  const fresh = startProcess({ name: p.name, port: p.port, kind: p.kind }, state!);
  state!.procs = state!.procs.map((x) => (x.name === p.name ? fresh : x));
  writeState(state!);
  return fresh;
}

// (a) Rolling restart.
phase = 'rolling restart';
const before = subs.map((s) => s.snapshots);
const rollStart = performance.now();
const exitTimes: number[] = [];
const waves = new Map<string, Proc[]>();
for (const p of state.procs) {
  const replica = /-(\d+)$/.exec(p.name)?.[1] ?? '1';
  waves.set(replica, [...(waves.get(replica) ?? []), p]);
}
for (const wave of waves.values()) {
  await Promise.all(wave.map(async (p) => {
    const t = performance.now();
    process.kill(p.pid, 'SIGTERM');
    if (!(await exited(p.pid))) throw new Error(`${p.name} did not exit within 20 s of SIGTERM`);
    exitTimes.push(performance.now() - t);
    await waitReady(replace(p));
  }));
  // HAProxy takes them back after two passing checks a second apart.
  await new Promise((r) => setTimeout(r, 2_500));
}
const rollMs = performance.now() - rollStart;
await new Promise((r) => setTimeout(r, 3_000));
const resubscribed = subs.filter((s, i) => s.snapshots > before[i]!).length;

// (b) kill -9 of one process of each kind.
const kills: { what: string; recoveredMs: number }[] = [];
for (const name of [...SUBGRAPHS.map((s) => `${s}-1`), 'gateway-1', 'worker']) {
  phase = `kill -9 ${name}`;
  const p = state.procs.find((x) => x.name === name)!;
  const t = performance.now();
  process.kill(p.pid, 'SIGKILL');
  await exited(p.pid);
  const fresh = replace(p);
  await waitReady(fresh);
  await new Promise((r) => setTimeout(r, 2_500));
  kills.push({ what: name, recoveredMs: Math.round(performance.now() - t) });
}

/** Ms from `since` until a pg-b tenant is answered again (-1: not within 30 s); then 2 s of steady load. */
async function pgbAnswersAgain(since: number): Promise<number> {
  const probe = tenants.find((t) => t.server === 'pg-b')!;
  let ms = -1;
  for (let i = 0; i < 120; i++) {
    if ((await gql(probe.token, '{ libraries(first: 1) { edges { node { id } } } }')).ok) {
      ms = Math.round(performance.now() - since);
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, 2_000));
  return ms;
}

// (b') kill -9 of pg-b's PgBouncer: only pg-b's tenants fail (coded), until it is started again.
phase = 'pgbouncer pg-b killed';
const bouncerPid = Number(readFileSync(state.engines.pgbouncer[1]!, 'utf8'));
process.kill(bouncerPid, 'SIGKILL');
await exited(bouncerPid);
await new Promise((r) => setTimeout(r, 3_000));
phase = 'pgbouncer pg-b started again';
const bouncerBack = performance.now();
execFileSync('pgbouncer', ['-d', ...(process.getuid?.() === 0 ? ['-u', 'postgres'] : []), join(DIR, 'pgbouncer', `${CLUSTERS[1]!.name}.ini`)], { stdio: 'inherit' });
const bouncerRecoveredMs = await pgbAnswersAgain(bouncerBack);

// (e) A tenant moved while written to: to the other cluster by dump, back by logical replication.
const moves: MoveFigures[] = [];
const moved = await spareTenant(tenants.map((t) => t.id));
const sign = (c: { sub: string; role: string; tenantId: string | null }) => signAccessToken(config.keyRing, c as never, 3_600);
for (const method of ['DUMP', 'LOGICAL'] as const) {
  phase = `tenant move (${method}): other tenants`;
  moves.push(await movePhase(gql, sign, method, moved));
}

// (c) One PostgreSQL cluster stopped: its tenants get a coded error, the others nothing; then back.
phase = 'cluster pg-b stopped';
const pgVersion = (await import('node:fs')).readdirSync('/usr/lib/postgresql').sort().at(-1)!;
const ctl = (action: string) => new Promise<void>((res, rej) => spawn('pg_ctlcluster', ['--skip-systemctl-redirect', pgVersion, 'studyspot5442', action, ...(action === 'stop' ? ['-m', 'fast'] : [])], { stdio: 'ignore' }).on('exit', (c) => (c === 0 ? res() : rej(new Error(`pg_ctlcluster ${action}: ${c}`)))));
await ctl('stop');
await new Promise((r) => setTimeout(r, 8_000));
phase = 'cluster pg-b started again';
const restartedAt = performance.now();
await ctl('start');
const clusterRecoveredMs = await pgbAnswersAgain(restartedAt);

// (d) Redis restarted empty.
phase = 'redis restarted empty';
if (state.engines.redisPid) {
  process.kill(state.engines.redisPid, 'SIGKILL');
  await exited(state.engines.redisPid);
}
await new Promise((r) => setTimeout(r, 2_000));
const r = spawn('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { detached: true, stdio: 'ignore' });
r.unref();
state.engines.redisPid = r.pid!;
writeState(state);
await new Promise((res) => setTimeout(res, 5_000));

running = false;
await Promise.all(loops);
await Promise.all(subs.map((s) => s.client.dispose()));

const rows = [...tally].map(([p, t]) => ({ phase: p, requests: t.requests, failed: t.failed, codes: [...t.codes].map(([k, n]) => `${k}×${n}`).join(' ') || '-' }));
console.table(rows);
console.log(`rolling restart of ${state.procs.length} processes in ${waves.size} waves in ${(rollMs / 1000).toFixed(0)} s; SIGTERM to exit ${Math.round(Math.min(...exitTimes))}–${Math.round(Math.max(...exitTimes))} ms; live subscribers back with a fresh snapshot: ${resubscribed} of ${subs.length}`);
for (const k of kills) console.log(`kill -9 ${k.what}: started again and in HAProxy ${k.recoveredMs} ms after the kill`);
for (const m of moves) {
  console.log(
    `tenant move ${m.method} ${m.from} → ${m.to}: ${m.state}; writes paused ${m.pauseMs} ms (longest gap between acknowledged writes ${m.longestGapMs} ms, from ${m.gapAtMs} ms after the move was asked for; slowest write ${m.slowestWriteMs} ms: ${m.slowestAttempts.join(', ')}), whole move ${m.totalMs} ms; ` +
      `${m.acknowledged} writes acknowledged, ${m.lost} lost, ${m.duplicated} duplicated; sent again after ${Object.entries(m.retried).map(([k, n]) => `${k}×${n}`).join(' ') || 'nothing'}${m.error ? `; ${m.error}` : ''}`,
  );
}
console.log(`pgbouncer pg-b killed: its tenants answered again ${bouncerRecoveredMs} ms after it was started`);
console.log(`cluster pg-b: its tenants answered again ${clusterRecoveredMs} ms after it was started`);
const other = tally.get('cluster pg-b stopped: pg-a tenants');
const failedIn = (p: string) => tally.get(p)?.failed ?? 0;
const fivexx = [...(tally.get('redis restarted empty')?.codes ?? new Map())].filter(([k]) => k.startsWith('5')).reduce((n, [, c]) => n + c, 0);
const stoppedCodes = [...(tally.get('cluster pg-b stopped: pg-b tenants')?.codes.keys() ?? [])].filter((k) => !k.endsWith(':SERVICE_UNAVAILABLE'));
const killOver = kills.map((k) => [k.what, failedIn(`kill -9 ${k.what}`)] as const).filter(([, n]) => n > 8);
const moveMissed = moves.flatMap((m) => [
  m.state !== 'DONE' && `move ${m.method} ${m.state}`,
  (m.pauseMs ?? Infinity) > 1_000 && `move ${m.method} paused writes ${m.pauseMs} ms`,
  // A write queued in the source's pooler at the flip must fail at once and be retried, not wait
  // out the pooler's query_wait_timeout (5 s): the mover closes the database there.
  m.slowestWriteMs > 3_000 && `move ${m.method}: a write took ${m.slowestWriteMs} ms (${m.slowestAttempts.join(', ')})`,
  m.lost > 0 && `move ${m.method} lost ${m.lost} writes`,
  m.duplicated > 0 && `move ${m.method} duplicated ${m.duplicated} writes`,
  m.acknowledged === 0 && `move ${m.method}: no write acknowledged`,
]);
const bouncerOther = tally.get('pgbouncer pg-b killed: pg-a tenants')?.failed ?? 0;
const bouncerCodes = [...(tally.get('pgbouncer pg-b killed: pg-b tenants')?.codes.keys() ?? [])].filter((k) => !k.endsWith(':SERVICE_UNAVAILABLE'));
const missed = [failedIn('rolling restart') > 0 && 'rolling restart had failed requests',
  bouncerOther > 0 && `pg-a tenants failed ${bouncerOther} requests while pg-b's PgBouncer was down`,
  bouncerCodes.length > 0 && `pg-b tenants got other than SERVICE_UNAVAILABLE without their PgBouncer: ${bouncerCodes.join(' ')}`,
  bouncerRecoveredMs < 0 && 'pg-b tenants did not recover after PgBouncer restarted',
  ...killOver.map(([w, n]) => `kill -9 ${w} failed ${n} requests (more than the 8 in flight)`),
  ...moveMissed,
  ...[...tally].filter(([p, t]) => p.startsWith('tenant move') && t.failed > 0).map(([p, t]) => `${p}: ${t.failed} failed`), (other?.failed ?? 0) > 0 && 'pg-a tenants failed while pg-b was down', stoppedCodes.length > 0 && `pg-b tenants got other than SERVICE_UNAVAILABLE: ${stoppedCodes.join(' ')}`, clusterRecoveredMs < 0 && 'pg-b tenants did not recover', resubscribed < subs.length && 'not every live subscriber came back', fivexx > 0 && 'Redis restart gave 5xx'].filter(Boolean);
if (missed.length) {
  console.error(`chaos: missed: ${missed.join('; ')}`);
  process.exitCode = 1;
}
