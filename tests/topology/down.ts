// `pnpm topology:down [--purge]`: stops what `pnpm topology:up` started — the StudySpot processes
// (SIGTERM: each drains and exits), HAProxy, PgBouncer and the private Redis — and nothing else.
// `--purge` also drops the topology's databases and its two PostgreSQL clusters, and .topology/.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { alive, CLUSTERS, DIR, readState, ROOT } from './lib.ts';

const { values } = parseArgs({ options: { purge: { type: 'boolean', default: false } } });
const state = readState();
const pidOf = (file: string) => (existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : 0);

async function stop(pid: number, what: string, graceMs = 10_000): Promise<void> {
  if (!pid || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const end = Date.now() + graceMs;
  while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) {
    process.kill(pid, 'SIGKILL');
    console.log(`topology: ${what} (${pid}) did not stop in ${graceMs / 1000} s: killed`);
  }
}

if (!state) console.log('topology: nothing recorded in .topology/state.json');
else {
  // Gateways first (no new requests), then the subgraphs and the worker.
  const order = [...state.procs].sort((a, b) => Number(b.kind === 'gateway') - Number(a.kind === 'gateway'));
  for (const kind of ['gateway', 'other']) await Promise.all(order.filter((p) => (kind === 'gateway') === (p.kind === 'gateway')).map((p) => stop(p.pid, p.name)));
  await stop(pidOf(state.engines.haproxy), 'haproxy');
  for (const f of state.engines.pgbouncer) await stop(pidOf(f), 'pgbouncer');
  if (state.engines.redisPid) await stop(state.engines.redisPid, 'redis');
  console.log(`topology: stopped ${state.procs.length} processes, HAProxy, ${state.engines.pgbouncer.length} PgBouncers and Redis`);
}
if (values.purge) {
  execFileSync('bash', [join(ROOT, 'ops/pg-clusters.sh'), 'down', ...CLUSTERS.map((c) => String(c.port))], { stdio: 'inherit' });
  // The core database lived on the first cluster, now removed with it.
  rmSync(DIR, { recursive: true, force: true });
  console.log('topology: purged (clusters, databases, .topology/)');
}
