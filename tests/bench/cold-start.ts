// `pnpm bench:start`: how long `pnpm start` takes to be ready, measured the way a newcomer runs it
// (the whole command: turbo's db:generate, pnpm, tsx), on a fresh data directory (first run: create
// the PGlite databases, migrate, seed) and again on the same directory (warm start), then once more
// after 20 more tenants were created, to show that a warm start does not grow with tenants. Also the
// gateway process's resident memory and the time per query of a cross-subgraph query.
// Warm starts are measured twice each and the faster kept. Loopback only, bounded: 9 starts,
// 300 queries per measured start, 20 tenants.
// "Before" is the command as it was until the newcomer issue, run in the same session for the
// ratio: turbo's uncached codegen (every package regenerated), a nested `pnpm --filter` and an
// esbuild bundle on every start. "Now" is `pnpm start`: codegen from turbo's cache, keyed on the
// SDL and configs, and the bundle reused when none of its inputs changed.
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { whenReady } from './ready.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const QUERY = '{ currentTenant { name libraries { edges { node { name seatCount students(first: 5) { edges { node { name payments { edges { node { amountPaise } } } } } } } } } } }';

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

/** The gateway's own node process under `pnpm start` (pnpm → turbo/pnpm → tsx → node). */
function gatewayPid(root: number): number {
  const children = (pid: number): number[] => {
    try {
      return readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      return [];
    }
  };
  const queue = [root];
  let found = root;
  while (queue.length) {
    const pid = queue.shift()!;
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmd.includes('dist/gateway.js') || cmd.includes('src/main.ts')) found = pid;
    queue.push(...children(pid));
  }
  return found;
}

interface Run {
  child: ChildProcess;
  url: string;
  out: string;
  readyMs: number;
}

const BEFORE =
  'pnpm exec turbo run db:generate && pnpm exec turbo run codegen --force && pnpm --filter @studyspot/gateway exec sh -c "node scripts/build.mjs --force && exec node dist/gateway.js"';

async function start(dataDir: string, how: 'now' | 'before' = 'now'): Promise<Run> {
  const t0 = performance.now();
  const [cmd, args] = how === 'now' ? ['pnpm', ['start']] : ['sh', ['-c', BEFORE]];
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, STUDYSPOT_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '', TURBO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const { url, out } = await whenReady(child);
  return { child, url, out: out(), readyMs: performance.now() - t0 };
}

async function stop(run: Run): Promise<void> {
  const exited = new Promise((r) => run.child.on('exit', r));
  process.kill(-run.child.pid!, 'SIGTERM');
  await exited;
  // The lock is released when the gateway process is gone; wait for the whole group.
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-run.child.pid!, 0);
      await new Promise((r) => setTimeout(r, 50));
    } catch {
      return;
    }
  }
}

const gql = async (url: string, query: string, token?: string, variables?: object) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
  if (!res.ok) throw new Error(`query failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { data: Record<string, unknown> };
};

async function measureQueries(run: Run) {
  const token = /OWNER of demo: (\S+)/.exec(run.out)![1]!;
  const pid = gatewayPid(run.child.pid!);
  const rssReady = rssMb(pid);
  const q0 = performance.now();
  for (let i = 0; i < 300; i++) await gql(run.url, QUERY, token);
  return { rssReady, rssAfter: rssMb(pid), perQuery: (performance.now() - q0) / 300 };
}

/** Lets the kernel write out what the previous run left dirty before the next start is timed. */
function settle() {
  execSync('sync');
}

const dataDir = mkdtempSync(join(tmpdir(), 'studyspot-bench-'));
const beforeDir = mkdtempSync(join(tmpdir(), 'studyspot-bench-before-'));
try {
  // The same two starts the way the command was before, on their own data directory.
  const beforeFirst = await start(beforeDir, 'before');
  await stop(beforeFirst);
  settle();
  const beforeWarm1 = await start(beforeDir, 'before');
  await stop(beforeWarm1);
  settle();
  const beforeWarm2 = await start(beforeDir, 'before');
  await stop(beforeWarm2);
  const beforeWarmMs = Math.min(beforeWarm1.readyMs, beforeWarm2.readyMs);
  settle();

  const first = await start(dataDir);
  const firstQ = await measureQueries(first);
  await stop(first);

  // Each warm start is measured twice and the faster kept: the machine's own noise (the kernel still
  // writing out the previous run's files) is not what is being measured.
  settle();
  const warmFirst = await start(dataDir);
  await stop(warmFirst);
  settle();
  const warmAgain = await start(dataDir);
  const warm = { ...warmAgain, readyMs: Math.min(warmFirst.readyMs, warmAgain.readyMs) };
  const warmQ = await measureQueries(warmAgain);
  // Twenty more tenants, created the way an admin does, before the next start.
  const admin = /SUPER_ADMIN\s+mutation \{ login\(input: \{ email: "([^"]+)", password: "([^"]+)" \}/.exec(warmAgain.out)!;
  const signIn = await gql(warmAgain.url, 'mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }', undefined, { e: admin[1], p: admin[2] });
  const adminToken = (signIn.data.login as { accessToken: string }).accessToken;
  for (let i = 0; i < 20; i++) {
    const r = await gql(warmAgain.url, 'mutation($i: CreateTenantInput!) { createTenant(input: $i) { tenant { status } } }', adminToken, {
      i: { name: `Bench Library ${i}`, slug: `bench-${i}`, owner: { name: `Owner ${i}`, email: `owner${i}@bench.example` } },
    });
    if ((r.data.createTenant as { tenant: { status: string } }).tenant.status !== 'ACTIVE') throw new Error('tenant not provisioned');
  }
  await stop(warmAgain);

  settle();
  const manyFirst = await start(dataDir);
  await stop(manyFirst);
  settle();
  const manyAgain = await start(dataDir);
  const many = { ...manyAgain, readyMs: Math.min(manyFirst.readyMs, manyAgain.readyMs) };
  const manyQ = await measureQueries(manyAgain);
  await stop(manyAgain);

  const row = (name: string, r: Run, q: Awaited<ReturnType<typeof measureQueries>>) =>
    `${name.padEnd(34)} ${String(Math.round(r.readyMs)).padStart(6)} ms to ready   RSS ${String(q.rssReady).padStart(4)} MB ready, ${String(q.rssAfter).padStart(4)} MB after 300 queries   ${q.perQuery.toFixed(1)} ms/query`;
  console.log('`pnpm start`, whole command (turbo, pnpm, node), embedded PGlite:');
  console.log(row('first run (create, migrate, seed)', first, firstQ));
  console.log(row('warm start, 1 tenant', warm, warmQ));
  console.log(row('warm start, 21 tenants', many, manyQ));
  console.log(`warm / first: ${(warm.readyMs / first.readyMs).toFixed(2)}; warm with 21 tenants / warm with 1: ${(many.readyMs / warm.readyMs).toFixed(2)}`);
  console.log('\nThe command as it was before (uncached codegen, nested pnpm, a bundle every start), same run:');
  console.log(`first run  before ${String(Math.round(beforeFirst.readyMs)).padStart(6)} ms   now ${String(Math.round(first.readyMs)).padStart(6)} ms   now / before ${(first.readyMs / beforeFirst.readyMs).toFixed(2)}`);
  console.log(`warm start before ${String(Math.round(beforeWarmMs)).padStart(6)} ms   now ${String(Math.round(warm.readyMs)).padStart(6)} ms   now / before ${(warm.readyMs / beforeWarmMs).toFixed(2)}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(beforeDir, { recursive: true, force: true });
}
