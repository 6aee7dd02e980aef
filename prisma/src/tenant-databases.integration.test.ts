// 50 tenant databases on a real PostgreSQL server (TEST_DATABASE_URL): provisioning, a new migration
// reaching every one of them, and the tenant client cache under concurrent first use and eviction.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases, testDatabaseUrl, type TestDatabases } from './testing.ts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCoreClient, type CorePrisma, type OpenClient } from './clients.ts';
import { coreTarget, createTenantClientCache, migrateAllTenants, migrateCore, provisionTenantDatabase, tenantDatabaseName, tenantTarget } from './databases.ts';
import { createMigration, readMigrationList, schemaLocation, type SchemaLocation } from './migrations.ts';
import { TenantAccessError, type TenantClientCache } from './tenant-clients.ts';

const onPostgres = Boolean(testDatabaseUrl());
// PGlite opens ~1 s and tens of MB per database: the embedded fallback exercises the same code on 4.
const TENANTS = onPostgres ? 50 : 4;

let dbs: TestDatabases;
let core: OpenClient<CorePrisma>;
let tenantIds: string[] = [];
const caches: TenantClientCache[] = [];

function cache(opts: Parameters<typeof createTenantClientCache>[2]) {
  const c = createTenantClientCache(dbs.server, core.prisma, opts);
  caches.push(c);
  return c;
}

/** Connections the server holds to this test's databases (PostgreSQL only). */
async function serverConnections(dbName?: string): Promise<number> {
  const client = new pg.Client({ connectionString: testDatabaseUrl()! });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>(
      dbName ? 'select count(*) n from pg_stat_activity where datname = $1' : 'select count(*) n from pg_stat_activity where datname like $1',
      [dbName ?? `${dbs.prefix}t_%`],
    );
    return Number(r.rows[0]!.n);
  } finally {
    await client.end();
  }
}

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

let migrationNames: string[] = [];

beforeAll(async () => {
  migrationNames = (await readMigrationList(schemaLocation('tenant').migrationsDir)).migrationDirectories.map((d) => d.path);
  dbs = testDatabases();
  await migrateCore(dbs.server);
  core = await openCoreClient(coreTarget(dbs.server), { poolMax: 4 });
  const started = performance.now();
  tenantIds = await pool(TENANTS, 8, async (i) => {
    const slug = `tenant-${i}`;
    const t = await core.prisma.tenant.create({ data: { slug, name: `Tenant ${i}`, dbName: tenantDatabaseName(slug, dbs.prefix) }, include: { server: true } });
    const { created, applied } = await provisionTenantDatabase(tenantTarget(dbs.server, t));
    expect(applied).toEqual(migrationNames);
    if (onPostgres) expect(created).toBe(true);
    await core.prisma.tenant.update({ where: { id: t.id }, data: { status: 'ACTIVE' } });
    return t.id;
  });
  const ms = performance.now() - started;
  console.log(`[figures] provisioned ${TENANTS} tenant databases in ${Math.round(ms)} ms (${Math.round(ms / TENANTS)} ms each, 8 at a time)`);
});

afterAll(async () => {
  for (const c of caches) await c.close();
  await core?.close();
  await dbs?.dropAll();
});

describe('tenant migrations', () => {
  it('recorded every tenant migration in every tenant database as Prisma does', async () => {
    const c = cache({ maxClients: 10 });
    const rows = await pool(TENANTS, 10, (i) =>
      c.withTenant(tenantIds[i]!, (db) =>
        db.$queryRaw<{ migration_name: string; finished_at: Date | null; applied_steps_count: number }[]>`select migration_name, finished_at, applied_steps_count from _prisma_migrations order by migration_name`,
      ),
    );
    const initial = (await readFile(join(schemaLocation('tenant').migrationsDir, 'migration_lock.toml'), 'utf8')).includes('postgresql');
    expect(initial).toBe(true);
    expect(migrationNames[0]).toMatch(/^\d{14}_init$/);
    for (const r of rows) {
      expect(r.map((m) => m.migration_name)).toEqual(migrationNames);
      for (const m of r) {
        expect(m.finished_at).toBeInstanceOf(Date);
        expect(m.applied_steps_count).toBe(1);
      }
    }
  });

  it('db:migrate:new writes a migration from the schema diff and db:migrate adds the column to every tenant database', async () => {
    // Work on a copy of prisma/tenant so the real schema stays untouched.
    const dir = await mkdtemp(join(tmpdir(), 'tenant-schema-'));
    await cp(join(schemaLocation('tenant').migrationsDir, '..'), dir, { recursive: true, filter: (src) => !src.includes('generated') });
    const loc: SchemaLocation = { schemaPath: join(dir, 'schema.prisma'), migrationsDir: join(dir, 'migrations') };
    const schema = await readFile(loc.schemaPath, 'utf8');
    const withNickname = schema.replace(/^(\s+)email(\s+)String\?$/m, '$1email$2String?\n$1nickname String?');
    expect(withNickname).not.toBe(schema);
    await writeFile(loc.schemaPath, withNickname);

    const created = await createMigration(loc, 'add_nickname');
    expect(created?.name).toMatch(/^\d{14}_add_nickname$/);
    expect(created?.sql).toContain('ALTER TABLE "students" ADD COLUMN     "nickname" TEXT;');
    expect(await createMigration(loc, 'again')).toBeNull();

    const started = performance.now();
    const first = await migrateAllTenants(dbs.server, core.prisma, { location: loc, concurrency: 8 });
    const ms = performance.now() - started;
    console.log(`[figures] applied one migration to ${TENANTS} tenant databases in ${Math.round(ms)} ms`);
    expect(first).toHaveLength(TENANTS);
    expect(first.every((r) => !r.error && r.applied.length === 1 && r.applied[0] === created!.name)).toBe(true);

    const second = await migrateAllTenants(dbs.server, core.prisma, { location: loc });
    expect(second.every((r) => !r.error && r.applied.length === 0)).toBe(true);

    const c = cache({ maxClients: 10 });
    const columns = await pool(TENANTS, 10, (i) =>
      c.withTenant(tenantIds[i]!, (db) =>
        db.$queryRaw<{ n: bigint }[]>`select count(*) n from information_schema.columns where table_name = 'students' and column_name = 'nickname'`,
      ),
    );
    expect(columns.map((r) => Number(r[0]!.n))).toEqual(Array(TENANTS).fill(1));
  });
});

describe('tenant client cache', () => {
  it('opens one client for 100 concurrent first uses of a tenant', async () => {
    const c = cache({ maxClients: 5 });
    const counts = await Promise.all(Array.from({ length: 100 }, () => c.withTenant(tenantIds[0]!, (db) => db.student.count())));
    expect(counts).toEqual(Array(100).fill(0));
    expect(c.stats()).toMatchObject({ misses: 1, hits: 99, open: 1, evictions: 0 });
  });

  it('stays within its bound while serving every tenant under concurrent load', async () => {
    // Only this cache's connections on the server (the earlier tests' caches keep theirs idle).
    for (const old of caches.splice(0)) await old.close();
    const c = cache({ maxClients: onPostgres ? 10 : 2, poolMax: 2 });
    let peakConnections = 0;
    let peakClients = 0;
    const ops = onPostgres ? 600 : 40;
    const started = performance.now();
    await pool(ops, 20, async (i) => {
      // Skewed like real traffic: 80% of requests go to 8 busy tenants, the rest anywhere.
      const tenantId = tenantIds[i % 5 === 4 ? (i * 7) % TENANTS : i % Math.min(8, TENANTS)]!;
      const n = await c.withTenant(tenantId, (db) => db.library.count());
      expect(n).toBe(0);
      const now = c.stats();
      peakClients = Math.max(peakClients, now.open + now.closing);
      if (onPostgres && i % 50 === 0) peakConnections = Math.max(peakConnections, await serverConnections());
    });
    const ms = performance.now() - started;
    const s = c.stats();
    console.log(`[figures] cache under load: ${ops} ops over ${TENANTS} tenants, 20 concurrent, max 10 clients, 80% on 8 tenants: ${JSON.stringify(s)}, ${Math.round(ops / (ms / 1000))} ops/s, peak ${peakClients} clients open or closing, peak ${peakConnections} server connections`);
    expect(s.hits + s.misses).toBe(ops);
    expect(s.evictions).toBeGreaterThan(0);
    expect(s.open).toBeLessThanOrEqual(onPostgres ? 10 : 2);
    expect(s.leased).toBe(0);
    // The budget: clients open or still closing never above 10, × 2 connections each, as the
    // server counts them; a lease needing an 11th client waited for room.
    expect(peakClients).toBeLessThanOrEqual(onPostgres ? 10 : 2);
    expect(s.overflows).toBeGreaterThan(0);
    if (onPostgres) expect(peakConnections).toBeLessThanOrEqual(2 * 10);
  });

  it('keeps to its connection budget: a lease waits for a client to be released, or fails with CONNECTION_BUDGET', async () => {
    const c = cache({ maxClients: 2, budgetWaitMs: 300 });
    const [a, b] = [await c.lease(tenantIds[0]!), await c.lease(tenantIds[1]!)];
    // Both clients are leased: a third tenant waits, and gets room once one is released.
    const third = c.lease(tenantIds[2]!);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.stats()).toMatchObject({ open: 2, waiting: 1 });
    a.release();
    const lease = await third;
    expect(await lease.prisma.student.count()).toBe(0);
    expect(c.stats().open).toBe(2);
    // Nothing released this time: the wait ends with the stable code after budgetWaitMs.
    const t0 = performance.now();
    await expect(c.lease(tenantIds[3]!)).rejects.toMatchObject({ code: 'CONNECTION_BUDGET' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    // A tenant whose client is already open is served at once, budget or not.
    const again = await c.lease(tenantIds[1]!);
    again.release();
    b.release();
    lease.release();
    expect(c.stats()).toMatchObject({ open: 2, leased: 0, waiting: 0 });
  });

  it('serves leases waiting for room in turn: none is overtaken by later ones', async () => {
    const c = cache({ maxClients: 1, budgetWaitMs: 5_000 });
    const order: string[] = [];
    const first = await c.lease(tenantIds[0]!);
    // Three tenants queue behind the one client, in this order.
    const waiting = [1, 2, 3].map((i) =>
      c.lease(tenantIds[i]!).then(async (l) => {
        order.push(`t${i}`);
        await new Promise((r) => setTimeout(r, 20));
        l.release();
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(c.stats().waiting).toBe(3);
    first.release();
    // A newcomer arriving now queues behind them instead of taking the next free place.
    const late = c.lease(tenantIds[4]!).then((l) => {
      order.push('t4');
      l.release();
    });
    await Promise.all([...waiting, late]);
    expect(order).toEqual(['t1', 't2', 't3', 't4']);
    expect(c.stats()).toMatchObject({ open: 1, leased: 0, waiting: 0 });
  });

  it('never closes a client that is serving a request', async () => {
    const c = cache({ maxClients: 2 });
    const held = await c.lease(tenantIds[0]!);
    for (let i = 1; i < Math.min(TENANTS, 12); i++) await c.withTenant(tenantIds[i]!, (db) => db.student.count());
    expect(c.stats().evictions).toBeGreaterThan(0);
    // The leased client survived the churn and still answers.
    expect(await held.prisma.student.count()).toBe(0);
    held.release();
    await c.withTenant(tenantIds[1]!, (db) => db.student.count());
    await c.withTenant(tenantIds[2]!, (db) => db.student.count());
    expect(c.stats().open).toBeLessThanOrEqual(2);
  });

  it('evicts idle clients after the grace period', async () => {
    const c = cache({ maxClients: 10, idleMs: 150 });
    await c.withTenant(tenantIds[0]!, (db) => db.student.count());
    await c.withTenant(tenantIds[1]!, (db) => db.student.count());
    expect(c.stats().open).toBe(2);
    await new Promise((r) => setTimeout(r, 600));
    expect(c.stats()).toMatchObject({ open: 0, evictions: 2 });
  });

  it.runIf(onPostgres)('bounds each client pool', async () => {
    const c = cache({ maxClients: 5, poolMax: 2 });
    const dbName = tenantDatabaseName('tenant-3', dbs.prefix);
    await c.withTenant(tenantIds[3]!, async (db) => {
      const sleeps = Array.from({ length: 8 }, () => db.$queryRaw`select pg_sleep(0.2)::text as slept`);
      await new Promise((r) => setTimeout(r, 100));
      expect(await serverConnections(dbName)).toBeLessThanOrEqual(2);
      await Promise.all(sleeps);
    });
  });

  it('refuses unknown, malformed and suspended tenants with typed errors', async () => {
    const c = cache({ maxClients: 5, resolveTtlMs: 0 });
    const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof TenantAccessError ? e.code : String(e)));
    expect(await codeOf(c.lease('00000000-0000-4000-8000-000000000000'))).toBe('TENANT_NOT_FOUND');
    expect(await codeOf(c.lease('not-a-uuid'))).toBe('TENANT_NOT_FOUND');
    await core.prisma.tenant.update({ where: { id: tenantIds[1]! }, data: { status: 'SUSPENDED' } });
    try {
      expect(await codeOf(c.lease(tenantIds[1]!))).toBe('TENANT_SUSPENDED');
    } finally {
      await core.prisma.tenant.update({ where: { id: tenantIds[1]! }, data: { status: 'ACTIVE' } });
    }
    expect(await codeOf(c.withTenant(tenantIds[1]!, (db) => db.student.count()))).toBe('ok');
  });

  it('closes every client on shutdown and refuses new leases', async () => {
    const c = cache({ maxClients: 10, poolMax: 2 });
    await pool(Math.min(TENANTS, 6), 6, (i) => c.withTenant(tenantIds[i]!, (db) => db.student.count()));
    expect(c.stats().open).toBe(Math.min(TENANTS, 6));
    await c.close();
    expect(c.stats().open).toBe(0);
    await expect(c.lease(tenantIds[0]!)).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    if (onPostgres) {
      for (const c2 of caches) if (c2 !== c) await c2.close();
      // A backend leaves pg_stat_activity a moment after its client disconnects.
      await expect.poll(() => serverConnections(), { timeout: 3_000, interval: 100 }).toBe(0);
    }
  });
});
