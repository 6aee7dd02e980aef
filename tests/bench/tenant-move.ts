// `pnpm bench:move`: how long a tenant's writes wait while it moves between two PostgreSQL clusters
// (ops/pg-clusters.sh: 5441 → 5442), by dump/restore and by logical replication, for an empty tenant
// (~10 MB) and one of ~`BENCH_MOVE_MB` (default 70). Four writers insert throughout, each switching to
// the new server when the map flips (as the app does) and retrying a write whose connection the move
// ended. Figures: the writers' baseline latency (p50/p99, measured before the move in the same run),
// the slowest write during the move and its ratio to the baseline p99, the fence's pause, the copy, and
// the check that every acknowledged write is on the target exactly once.
import { dropDatabase, moveTenantDatabase, provisionTenantDatabase, schemaLocation, type MoveMethod } from '@studyspot/db';
import pg from 'pg';
import { clusterUrl, clustersUp, percentile } from '../support/clusters.ts';

const A = 5441;
const B = 5442;
const up = clustersUp([A, B]);
if (!up.ok) throw new Error(`ops/pg-clusters.sh: ${up.error}`);
const url = clusterUrl;
const BIG_MB = Number(process.env.BENCH_MOVE_MB ?? 70);
const WRITERS = 4;

const pct = (xs: number[], p: number) => (xs.length ? percentile(xs, p) : 0);

async function run(method: MoveMethod, sizeMb: number) {
  const db = `bench_move_${method.toLowerCase()}_${sizeMb}`;
  for (const port of [A, B]) await dropDatabase({ kind: 'postgres', url: url(port, db) });
  await provisionTenantDatabase({ kind: 'postgres', url: url(A, db) });
  const seed = new pg.Client(url(A, db));
  await seed.connect();
  if (sizeMb > 0) {
    // ~500 bytes a row with its indexes.
    const rows = Math.round((sizeMb * 1024 * 1024) / 520);
    await seed.query(`insert into students (id, name, phone, address, updated_at) select gen_random_uuid(), 'seed ' || g, 'p' || g, repeat('x', 400), now() from generate_series(1, $1) g`, [rows]);
  }
  const size = Number((await seed.query('select pg_database_size(current_database()) as b')).rows[0].b);
  await seed.end();

  // The "map": where writers go; flipped by the move.
  let where = A;
  const pools = new Map([A, B].map((p) => [p, new pg.Pool({ connectionString: url(p, db), max: WRITERS })]));
  for (const p of pools.values()) p.on('error', () => {});
  const acked: string[] = [];
  const latencies: { at: number; ms: number }[] = [];
  let retries = 0;
  let stop = false;
  const writer = async (n: number) => {
    for (let k = 0; !stop; k++) {
      const name = `w${n}-${k}`;
      const began = performance.now();
      for (;;) {
        try {
          await pools.get(where)!.query(`insert into students (id, name, phone, updated_at) values (gen_random_uuid(), $1, $1, now())`, [name]);
          break;
        } catch {
          retries++;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      latencies.push({ at: began, ms: performance.now() - began });
      acked.push(name);
    }
  };
  const load = Array.from({ length: WRITERS }, (_, n) => writer(n));
  await new Promise((r) => setTimeout(r, 2_000));
  const moveStart = performance.now();
  const baseline = latencies.filter((l) => l.at < moveStart).map((l) => l.ms);
  const report = await moveTenantDatabase({
    source: url(A, db),
    target: url(B, db),
    location: schemaLocation('tenant'),
    method,
    flip: async () => {
      where = B;
    },
  });
  const moveEnd = performance.now();
  await new Promise((r) => setTimeout(r, 500));
  stop = true;
  await Promise.all(load);
  const during = latencies.filter((l) => l.at + l.ms >= moveStart && l.at <= moveEnd).map((l) => l.ms);

  const check = new pg.Client(url(B, db));
  await check.connect();
  const dup = (await check.query(`select count(*)::int as n from (select name from students where name like 'w%' group by name having count(*) > 1) d`)).rows[0].n as number;
  const present = new Set((await check.query<{ name: string }>(`select name from students where name like 'w%'`)).rows.map((r) => r.name));
  await check.end();
  const lost = acked.filter((n) => !present.has(n)).length;
  for (const p of pools.values()) await p.end();
  await dropDatabase({ kind: 'postgres', url: url(B, db) });

  const p99 = pct(baseline, 99);
  const slowest = Math.max(...during);
  return {
    method,
    size: `${(size / 1024 / 1024).toFixed(0)} MB`,
    baseline: `p50 ${pct(baseline, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
    slowestWrite: `${slowest.toFixed(0)} ms (${(slowest / p99).toFixed(0)}× p99)`,
    pause: `${report.pauseMs} ms`,
    copy: `${report.copyMs} ms`,
    total: `${report.totalMs} ms`,
    writes: acked.length,
    retried: retries,
    lost,
    duplicated: dup,
  };
}

const results = [];
for (const size of [0, BIG_MB]) for (const method of ['DUMP', 'LOGICAL'] as const) results.push(await run(method, size));
console.table(results);
const bad = results.filter((r) => r.lost || r.duplicated);
if (bad.length) {
  console.error('bench:move: writes lost or duplicated', bad);
  process.exit(1);
}
