// `pnpm bench:tenant-clients`: what an open tenant client costs, and RSS while one process works
// through 1,000 tenant databases (real PostgreSQL databases made from a migrated template) with the
// production cache (TENANT_CLIENT_MAX=50 clients, 5 connections each).
//   1. per client: 50 clients opened on 50 databases, each running the same few model queries;
//      RSS and JS heap growth per client (after GC), and the time to open and first-query one;
//   2. the loop: every one of the 1,000 tenants leased through the tenant client cache in turn (LRU
//      eviction beyond 50), the same queries; RSS sampled every 50 tenants, its peak against the stated
//      bound: RSS before the loop + 50 clients × 1.5 MB.
// BENCH_TENANTS (1000). Databases bench_tc_<random>_* are dropped at the end.
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { openTenantClient, provisionTenantDatabase, siblingDatabaseUrl, TenantClientCache, type OpenClient, type TenantPrisma } from '@studyspot/db';
import pg from 'pg';

const SERVER = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const N = Number(process.env.BENCH_TENANTS ?? 1_000);
const MAX_CLIENTS = 50;
const tag = `bench_tc_${randomBytes(3).toString('hex')}`;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (the package script does)');
const mb = (b: number) => (b / 1_048_576).toFixed(1);
const rss = () => {
  gc();
  return process.memoryUsage().rss;
};

async function work(db: TenantPrisma) {
  await db.student.findMany({ take: 5, orderBy: { createdAt: 'desc' } });
  await db.due.count({ where: { status: 'OPEN' } });
  await db.seatAllocation.findFirst({ where: { status: 'HELD' }, orderBy: { holdExpiresAt: 'asc' } });
}

const admin = new pg.Client({ connectionString: SERVER });
await admin.connect();
const names = Array.from({ length: N }, (_, i) => `${tag}_${i}`);
const target = (name: string) => ({ kind: 'postgres' as const, url: siblingDatabaseUrl(SERVER, name) });
try {
  console.log(`load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  let t = performance.now();
  await provisionTenantDatabase(target(`${tag}_tpl`));
  for (const name of names) await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${tag}_tpl" STRATEGY FILE_COPY`);
  console.log(`${N} tenant databases made from a migrated template in ${((performance.now() - t) / 1000).toFixed(0)} s`);

  // 1. What one open client costs.
  const warm = await openTenantClient(target(names[0]!), { poolMax: 5 });
  await work(warm.prisma);
  const base = rss();
  const heap0 = process.memoryUsage().heapUsed;
  const open: OpenClient<TenantPrisma>[] = [];
  t = performance.now();
  for (const name of names.slice(1, 1 + MAX_CLIENTS)) {
    const c = await openTenantClient(target(name), { poolMax: 5 });
    await work(c.prisma);
    open.push(c);
  }
  const openMs = (performance.now() - t) / MAX_CLIENTS;
  const perClient = (rss() - base) / MAX_CLIENTS;
  const perHeap = (process.memoryUsage().heapUsed - heap0) / MAX_CLIENTS;
  console.log(`\nper open tenant client (${MAX_CLIENTS} clients, 3 model queries each): ${mb(perClient)} MB RSS, ${mb(perHeap)} MB JS heap; open + first queries ${openMs.toFixed(1)} ms`);
  for (const c of open) await c.close();
  await warm.close();

  // 2. The loop through every tenant with the production cache.
  const ids: string[] = names.map(() => randomUUID());
  const byId = new Map(ids.map((id, i) => [id, names[i]!]));
  const cache = new TenantClientCache({
    maxClients: MAX_CLIENTS,
    resolve: async (id) => ({ id, status: 'ACTIVE', target: target(byId.get(id)!) }),
    open: (tg) => openTenantClient(tg, { poolMax: 5 }),
  });
  const start = rss();
  let peak = start;
  t = performance.now();
  for (const [i, id] of ids.entries()) {
    await cache.withTenant(id, work);
    if (i % 50 === 49) {
      const now = rss();
      peak = Math.max(peak, now);
      if (i % 250 === 249) console.log(`  after ${i + 1} tenants: RSS ${mb(now)} MB, ${cache.stats().open} clients open, ${cache.stats().evictions} evicted`);
    }
  }
  const loopMs = performance.now() - t;
  const bound = start + MAX_CLIENTS * 1.5 * 1_048_576;
  console.log(`\nloop over ${N} tenants: ${(loopMs / N).toFixed(1)} ms per tenant; RSS before ${mb(start)} MB, peak ${mb(peak)} MB (+${mb(peak - start)} MB = ${mb((peak - start) / MAX_CLIENTS)} MB per cached client); bound ${mb(bound)} MB (before + ${MAX_CLIENTS} × 1.5 MB): ${peak <= bound ? 'within' : 'OVER'}`);
  await cache.close();
  console.log(`load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${tag}%`]);
  for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  await admin.end();
}
