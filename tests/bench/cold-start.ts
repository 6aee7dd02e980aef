// `pnpm bench:start`: cold start time and memory of the embedded `pnpm start` process.
// Runs gateway/src/main.ts on a fresh data directory (first run: creates PGlite databases, migrates,
// seeds), then again on the same directory (restart), and reports time to ready and resident memory
// after start and after a burst of queries. Loopback only, bounded: 2 starts, 300 queries each.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../gateway/src/main.ts', import.meta.url));
const QUERY = '{ currentTenant { name libraries { edges { node { name seatCount students(first: 5) { edges { node { name payments { edges { node { amountPaise } } } } } } } } } } }';

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

async function run(dataDir: string) {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, STUDYSPOT_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not ready in 120 s')), 120_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /ready at (\S+)/.exec(out);
      if (m && out.includes('More: pnpm run token')) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  const readyMs = performance.now() - t0;
  const rssReady = rssMb(child.pid!);
  const token = /OWNER of demo: (\S+)/.exec(out)![1]!;
  const q0 = performance.now();
  for (let i = 0; i < 300; i++) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: QUERY }) });
    if (!res.ok) throw new Error(`query failed: ${res.status}`);
    await res.arrayBuffer();
  }
  const perQuery = (performance.now() - q0) / 300;
  const rssAfter = rssMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  return { readyMs, rssReady, rssAfter, perQuery };
}

const dataDir = mkdtempSync(join(tmpdir(), 'studyspot-bench-'));
try {
  const first = await run(dataDir);
  const again = await run(dataDir);
  const row = (name: string, r: typeof first) =>
    `${name.padEnd(28)} ${String(Math.round(r.readyMs)).padStart(6)} ms   RSS ${String(r.rssReady).padStart(4)} MB ready, ${String(r.rssAfter).padStart(4)} MB after 300 queries   ${r.perQuery.toFixed(1)} ms/query (3 subgraphs, 1 client)`;
  console.log(row('first run (create + seed)', first));
  console.log(row('restart (existing data)', again));
  console.log(`restart / first run time ratio: ${(again.readyMs / first.readyMs).toFixed(2)}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
