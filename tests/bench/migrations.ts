// `pnpm bench:migrations`: the migration job (`pnpm db:migrate`'s migrateAllTenants) over 1,000
// tenant databases placed on two PostgreSQL clusters (ops/pg-clusters.sh: 5441 and 5442), each one
// migration behind: the newest tenant migration in prisma/tenant/migrations. Figures: wall time,
// tenants per second, per-tenant p50/p99, against a baseline measured in the same run — the same
// migration applied to 20 tenants one at a time — and the resume: the job stopped half way (`--limit`,
// as a canary batch or a crash would leave it) is continued by the next run.
// BENCH_TENANTS (1000), BENCH_CONCURRENCY (4 per server). Everything it makes is dropped at the end.
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, latestMigration, migrateAllTenants, migrateCore, openCoreClient, schemaLocation, type TenantMigrationReport } from '@studyspot/db';
import pg from 'pg';
import { CLUSTER_PORTS, clusterUrl, clustersUp, percentile } from '../support/clusters.ts';

const N = Number(process.env.BENCH_TENANTS ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const PORTS = CLUSTER_PORTS;
const up = clustersUp(PORTS);
if (!up.ok) throw new Error(`ops/pg-clusters.sh: ${up.error}`);
const tag = `bench_mig_${randomBytes(3).toString('hex')}`;
const url = clusterUrl;
const pct = (xs: number[], p: number) => (xs.length ? percentile(xs, p) : 0);

// The tenant migrations without the newest: what the databases have before the job.
const full = schemaLocation('tenant');
const newest = (await latestMigration(full))!;
const behindDir = mkdtempSync(join(tmpdir(), 'studyspot-mig-'));
cpSync(full.migrationsDir, behindDir, { recursive: true });
rmSync(join(behindDir, newest), { recursive: true });
const behind = { schemaPath: full.schemaPath, migrationsDir: behindDir };
const previous = readdirSync(behindDir).filter((d) => /^\d/.test(d)).sort().at(-1)!;

const coreUrl = url(PORTS[0]!, `${tag}_core`);
const admins = await Promise.all(PORTS.map(async (p) => {
  const c = new pg.Client(url(p, 'postgres'));
  await c.connect();
  return c;
}));
const server = { kind: 'postgres' as const, coreUrl };
let core: Awaited<ReturnType<typeof openCoreClient>> | null = null;
const dbs: [number, string][] = [];
try {
  let t = performance.now();
  await migrateCore(server);
  core = await openCoreClient({ kind: 'postgres', url: coreUrl }, { poolMax: 10 });
  const servers = [];
  for (const [i, port] of PORTS.entries()) servers.push((await core.prisma.databaseServer.create({ data: { name: `pg-${i + 1}`, url: `postgresql://postgres@127.0.0.1:${port}/` } })).id);
  // A template one migration behind on each cluster, then the tenants from it, alternating clusters.
  for (const port of PORTS) await applyMigrations({ kind: 'postgres', url: url(port, `${tag}_tpl`) }, behind).catch(async () => {
    await admins[PORTS.indexOf(port)]!.query(`create database "${tag}_tpl"`);
    await applyMigrations({ kind: 'postgres', url: url(port, `${tag}_tpl`) }, behind);
  });
  const rows = [];
  for (let i = 0; i < N; i++) {
    const s = i % PORTS.length;
    const name = `${tag}_t${i}`;
    await admins[s]!.query(`create database "${name}" template "${tag}_tpl" strategy file_copy`);
    dbs.push([PORTS[s]!, name]);
    rows.push({ id: randomUUID(), slug: `${tag.replace(/_/g, '-')}-${i}`, name: `Bench ${i}`, dbName: name, serverId: servers[s]!, status: 'ACTIVE' as const, schemaVersion: previous });
  }
  await core.prisma.tenant.createMany({ data: rows });
  console.log(`${N} tenant databases over ${PORTS.length} clusters, one migration behind (${newest}), made from templates in ${((performance.now() - t) / 1000).toFixed(0)} s`);

  // Baseline: the same migration on 20 tenants, one at a time.
  const sample = rows.slice(0, 20);
  t = performance.now();
  const alone: number[] = [];
  for (const r of sample) {
    const s = performance.now();
    await applyMigrations({ kind: 'postgres', url: url(PORTS[rows.indexOf(r) % PORTS.length]!, r.dbName) }, full);
    alone.push(performance.now() - s);
  }
  await core.prisma.tenant.updateMany({ where: { id: { in: sample.map((r) => r.id) } }, data: { schemaVersion: newest } });
  const aloneMs = (performance.now() - t) / sample.length;

  // The job over the rest, cut off after half (as a crash would), then run again to the end.
  const reports: TenantMigrationReport[] = [];
  t = performance.now();
  const half = Math.floor((N - sample.length) / 2);
  const first = await migrateAllTenants(server, core.prisma, {
    concurrency: CONCURRENCY,
    location: full,
    onReport: (r) => void reports.push(r),
    // Stopped half way (as a crashed or canary run would be): the next run goes on from there.
    limit: half,
  });
  const cut = first.length;
  const firstMs = performance.now() - t;
  const t2 = performance.now();
  const second = await migrateAllTenants(server, core.prisma, { concurrency: CONCURRENCY, location: full, onReport: (r) => void reports.push(r) });
  const wallMs = firstMs + (performance.now() - t2);
  const failed = reports.filter((r) => r.error);
  const per = reports.filter((r) => !r.error).map((r) => r.ms);
  const left = await core.prisma.tenant.count({ where: { schemaVersion: { not: newest } } });
  console.table([
    {
      tenants: reports.length,
      wall: `${(wallMs / 1000).toFixed(1)} s`,
      'tenants/s': (reports.length / (wallMs / 1000)).toFixed(1),
      'per tenant p50': `${pct(per, 50).toFixed(0)} ms`,
      'per tenant p99': `${pct(per, 99).toFixed(0)} ms`,
      'alone (baseline)': `${aloneMs.toFixed(0)} ms`,
      'speed-up vs one at a time': `${((aloneMs * reports.length) / wallMs).toFixed(1)}×`,
      concurrency: `${CONCURRENCY} per server × ${PORTS.length}`,
      failed: failed.length,
      'behind after': left,
    },
  ]);
  console.log(`resumable: the first run did ${cut}, the second the other ${second.length}; no tenant twice: ${new Set(reports.map((r) => r.tenantId)).size === reports.length}`);
  if (failed.length || left) process.exitCode = 1;
} finally {
  await core?.close();
  for (const [port, name] of dbs) await admins[PORTS.indexOf(port)]!.query(`drop database if exists "${name}"`).catch(() => {});
  for (const a of admins) await a.query(`drop database if exists "${tag}_tpl"`).catch(() => {});
  await admins[0]!.query(`drop database if exists "${tag}_core" with (force)`).catch(() => {});
  for (const a of admins) await a.end();
  rmSync(behindDir, { recursive: true, force: true });
}
