// The extra PostgreSQL clusters of the move and migration tests, benches and the topology
// (ops/pg-clusters.sh: Debian's packages, wal_level=logical, trust on loopback), and small figures helpers.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const CLUSTER_PORTS: readonly number[] = [5441, 5442];
const SCRIPT = fileURLToPath(new URL('../../ops/pg-clusters.sh', import.meta.url));

/** Starts (or finds running) the clusters on `ports`; the script's error output when it could not. */
export function clustersUp(ports: readonly number[] = CLUSTER_PORTS): { ok: true } | { ok: false; error: string } {
  const r = spawnSync('bash', [SCRIPT, 'up', ...ports.map(String)], { encoding: 'utf8' });
  return r.status === 0 ? { ok: true } : { ok: false, error: r.stderr || `exit ${r.status}` };
}

/** A database on a local cluster, as the postgres user. */
export const clusterUrl = (port: number, db = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${db}`;

/** The p-th percentile (nearest rank) of `xs`; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** One statement on its own connection; the rows. */
export async function sql<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    return (await c.query<R>(text, values)).rows;
  } finally {
    await c.end();
  }
}
