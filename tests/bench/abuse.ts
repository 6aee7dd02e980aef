// `pnpm bench:abuse`: how fast the gateway refuses the worst operations, and what they cost it in
// memory. Starts the embedded `pnpm start` process on a fresh data directory, then sends each bomb
// 100 times (sequentially, loopback only) and a cheap signed-in query as the baseline of the same
// run; prints p50/p99 per bomb, the ratio to the baseline, and the gateway's RSS before and after.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeyRing, signAccessToken } from '@studyspot/runtime/security';
import { whenReady } from './ready.ts';
import { percentile as pct } from '../support/clusters.ts';

const MAIN = fileURLToPath(new URL('../../gateway/src/main.ts', import.meta.url));
const N = 100;

const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);

const dataDir = mkdtempSync(join(tmpdir(), 'studyspot-bench-abuse-'));
const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
  env: { ...process.env, STUDYSPOT_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: '', REDIS_URL: '' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
try {
  const ready = await whenReady(child);
  const { url } = ready;
  const out = ready.out();
  const owner = /OWNER of demo: (\S+)/.exec(out)![1]!;
  const tenantId = /--tenant (\S+)/.exec(out)![1]!;
  const secrets = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as { jwtKeys: string };
  const student = signAccessToken(KeyRing.parse(secrets.jwtKeys), { sub: '00000000-0000-4000-8000-000000000001', role: 'STUDENT', tenantId }, 3600);

  const send = async (body: string, token?: string) => {
    const t0 = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
    const text = await res.text();
    return { ms: performance.now() - t0, status: res.status, code: (/"code":"([A-Z_]+)"/.exec(text) ?? [])[1] ?? '-' };
  };
  const nest = (n: number) => `{ myStudentProfile { library { ${'seats { library { '.repeat(n)}id${' } }'.repeat(n)} } } }`;
  const frags = Array.from({ length: 40 }, (_, i) => `fragment F${i} on User { ${i < 39 ? `...F${i + 1} ...F${i + 1}` : 'id'} }`).join(' ');
  const bombs: [string, string, string | undefined][] = [
    ["student's nested seats (153-byte shape)", JSON.stringify({ query: nest(2) }), student],
    ['10,000 aliased logins, anonymous', JSON.stringify({ query: `mutation { ${Array.from({ length: 10_000 }, (_, i) => `a${i}: login(input: { email: "a@b.c", password: "p" }) { accessToken }`).join(' ')} }` }), undefined],
    ['10,000 aliases of a cheap field', JSON.stringify({ query: `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(' ')} }` }), owner],
    ['2,000 aliased me (token limit)', JSON.stringify({ query: `{ ${Array.from({ length: 2_000 }, (_, i) => `a${i}: me { id }`).join(' ')} }` }), owner],
    ['fragment bomb (2^40 fields)', JSON.stringify({ query: `{ me { ...F0 } } ${frags}` }), owner],
    ['three nested pages of 100 (cost)', JSON.stringify({ query: '{ libraries(first: 100) { edges { node { students(first: 100) { edges { node { payments(first: 100) { edges { node { id } } } } } } } } } }' }), owner],
  ];

  // Warm up both paths, then the baseline: a cheap signed-in query answered by a subgraph.
  for (let i = 0; i < 20; i++) await send(JSON.stringify({ query: '{ me { id name } }' }), owner);
  const baseline: number[] = [];
  for (let i = 0; i < N; i++) baseline.push((await send(JSON.stringify({ query: '{ me { id name } }' }), owner)).ms);
  const rssBefore = rssMb(child.pid!);
  const base50 = pct(baseline, 50);
  console.log(`baseline { me { id name } } (answered)       p50 ${base50.toFixed(2)} ms   p99 ${pct(baseline, 99).toFixed(2)} ms`);
  let worst99 = 0;
  for (const [name, body, token] of bombs) {
    const times: number[] = [];
    let outcome = '';
    for (let i = 0; i < N; i++) {
      const r = await send(body, token);
      times.push(r.ms);
      outcome = `${r.status} ${r.code}`;
    }
    worst99 = Math.max(worst99, pct(times, 99));
    console.log(
      `${name.padEnd(42)} p50 ${pct(times, 50).toFixed(2).padStart(6)} ms   p99 ${pct(times, 99).toFixed(2).padStart(6)} ms   ${(pct(times, 50) / base50).toFixed(2)}x baseline p50   ${(body.length / 1024).toFixed(0).padStart(4)} KB   → ${outcome}`,
    );
  }
  const health = await fetch(url.replace('/graphql', '/healthz'));
  const rssAfter = rssMb(child.pid!);
  console.log(`worst refusal p99 ${worst99.toFixed(2)} ms; gateway RSS ${rssBefore} MB before, ${rssAfter} MB after ${bombs.length * N} bombs (${rssAfter - rssBefore >= 0 ? '+' : ''}${rssAfter - rssBefore} MB); /healthz ${health.status}`);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
