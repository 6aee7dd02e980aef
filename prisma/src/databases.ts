// How StudySpot lays out its databases: a core database, and one database per tenant on the server
// the placement map names (tenants.server_id → database_servers; the primary server is the core's
// own). Embedded mode: one PGlite directory per database, all on the primary.
import { join } from 'node:path';
import type { CorePrisma } from './clients.ts';
import { openTenantClient } from './clients.ts';
import { applyMigrations, latestMigration, schemaLocation, type SchemaLocation } from './migrations.ts';
import { assertDatabaseName, createDatabase, siblingDatabaseUrl, type DatabaseTarget } from './targets.ts';
import { TenantClientCache, type TenantClientCacheOptions, type TenantStatus } from './tenant-clients.ts';

export type DatabaseServer =
  | {
      kind: 'postgres';
      coreUrl: string;
      /**
       * DATABASE_DIRECT_URL: the core's server itself when DATABASE_URL goes through a transaction
       * pooler (PgBouncer): migrations and creating or dropping databases need a session (Prisma's
       * migrations hold an advisory lock). Default: coreUrl.
       */
      directUrl?: string;
    }
  | { kind: 'pglite'; dataDir: string };

export function coreTarget(server: DatabaseServer, purpose: 'serve' | 'admin' = 'serve'): DatabaseTarget {
  return server.kind === 'postgres'
    ? { kind: 'postgres', url: purpose === 'admin' ? (server.directUrl ?? server.coreUrl) : server.coreUrl }
    : { kind: 'pglite', dataDir: join(server.dataDir, 'pglite', 'core') };
}

/** The core's own server in the placement map (the migration creates it). */
export const PRIMARY_SERVER_ID = '00000000-0000-4000-8000-000000000001';

export interface TenantDatabaseRef {
  dbName: string;
  /** The server the map places the tenant on: its URL, or null for the core's own (primary) server;
   * `directUrl` the server itself when `url` is a pooler. */
  server: { url: string | null; directUrl?: string | null };
}

/** What to read of a tenant row to find its database (Prisma `select`). */
export const TENANT_DATABASE_SELECT = { dbName: true, server: { select: { url: true, directUrl: true } } } as const;

/**
 * Where a tenant's database is changed — migrations, creating, dropping, moving: the server itself
 * (`directUrl`), never through a transaction pooler, which cannot keep the session Prisma's migrations
 * lock. Without a pooler, the same place as tenantTarget.
 */
export function tenantAdminTarget(server: DatabaseServer, tenant: TenantDatabaseRef): DatabaseTarget {
  if (tenant.server.url) return { kind: 'postgres', url: siblingDatabaseUrl(tenant.server.directUrl ?? tenant.server.url, tenant.dbName) };
  return server.kind === 'postgres' ? { kind: 'postgres', url: siblingDatabaseUrl(server.directUrl ?? server.coreUrl, tenant.dbName) } : tenantTarget(server, tenant);
}

/** Where a tenant is served from (through its server's pooler, when the map names one). */
export function tenantTarget(server: DatabaseServer, tenant: TenantDatabaseRef): DatabaseTarget {
  if (tenant.server.url) return { kind: 'postgres', url: siblingDatabaseUrl(tenant.server.url, tenant.dbName) };
  return server.kind === 'postgres'
    ? { kind: 'postgres', url: siblingDatabaseUrl(server.coreUrl, tenant.dbName) }
    : { kind: 'pglite', dataDir: join(server.dataDir, 'pglite', 'tenants', assertDatabaseName(tenant.dbName)) };
}

/** A database name for a tenant slug: `<prefix>t_<slug>` with dashes as underscores. */
export function tenantDatabaseName(slug: string, prefix = 'studyspot_'): string {
  return `${prefix}t_${slug.replace(/-/g, '_')}`.slice(0, 63);
}

/** Creates the tenant's database when missing and applies every tenant migration. Safe to repeat. */
export async function provisionTenantDatabase(
  target: DatabaseTarget,
  location: SchemaLocation = schemaLocation('tenant'),
): Promise<{ created: boolean; applied: string[] }> {
  const created = await createDatabase(target);
  // Provisioning is retried after a failure: a migration that failed then is rolled back and rerun.
  const applied = await applyMigrations(target, location, { rollBackFailed: true });
  return { created, applied };
}

export async function migrateCore(server: DatabaseServer): Promise<string[]> {
  const target = coreTarget(server, 'admin');
  await createDatabase(target);
  return applyMigrations(target, schemaLocation('core'));
}

export interface TenantMigrationReport {
  tenantId: string;
  slug: string;
  /** The server (placement map) the tenant's database is on. */
  server: string;
  applied: string[];
  error?: string;
  /** How long this tenant took. */
  ms: number;
}

/**
 * Applies pending tenant migrations, `concurrency` tenants at a time on each server of the placement
 * map (servers in parallel). Each tenant row records the last migration its database has
 * (`schema_version`, written as each tenant finishes), so by default only tenants behind the folder's
 * latest are opened at all — which also makes a run resumable: after a crash the next run starts
 * where it stopped, and a start-up with every tenant up to date costs one core query. `all` checks
 * every tenant's own `_prisma_migrations`.
 */
export async function migrateAllTenants(
  server: DatabaseServer,
  core: CorePrisma,
  opts: { concurrency?: number; onReport?: (r: TenantMigrationReport) => void; location?: SchemaLocation; all?: boolean; /** Only the first N tenants behind (oldest first): a canary batch. */ limit?: number } = {},
): Promise<TenantMigrationReport[]> {
  const location = opts.location ?? schemaLocation('tenant');
  const latest = await latestMigration(location);
  const tenants = await core.tenant.findMany({
    where: { status: { in: ['ACTIVE', 'SUSPENDED'] }, ...(opts.all || !latest ? {} : { OR: [{ schemaVersion: null }, { schemaVersion: { not: latest } }] }) },
    select: { id: true, slug: true, dbName: true, server: { select: { name: true, url: true, directUrl: true } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    ...(opts.limit ? { take: opts.limit } : {}),
  });
  const reports: TenantMigrationReport[] = [];
  const byServer = new Map<string, typeof tenants>();
  for (const t of tenants) {
    const queue = byServer.get(t.server.name);
    if (queue) queue.push(t);
    else byServer.set(t.server.name, [t]);
  }
  const migrateServer = async (queue: typeof tenants) => {
    let next = 0;
    const worker = async () => {
      while (next < queue.length) {
        const t = queue[next++]!;
        const started = performance.now();
        let report: TenantMigrationReport;
        try {
          const applied = await applyMigrations(tenantAdminTarget(server, t), location);
          await core.tenant.update({ where: { id: t.id }, data: { schemaVersion: latest } });
          report = { tenantId: t.id, slug: t.slug, server: t.server.name, applied, ms: Math.round(performance.now() - started) };
        } catch (err) {
          report = { tenantId: t.id, slug: t.slug, server: t.server.name, applied: [], error: (err as Error).message, ms: Math.round(performance.now() - started) };
        }
        reports.push(report);
        opts.onReport?.(report);
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, worker));
  };
  await Promise.all([...byServer.values()].map(migrateServer));
  return reports;
}

/** The tenant client cache wired to the core database. */
export function createTenantClientCache(
  server: DatabaseServer,
  core: CorePrisma,
  opts: Omit<TenantClientCacheOptions, 'resolve' | 'open'> & { poolMax?: number; logQueries?: boolean; latestMigration?: Promise<string | null> } = {},
): TenantClientCache {
  // The newest tenant migration this code ships: a tenant whose database is behind it is not served
  // (TENANT_SCHEMA_BEHIND) until the migration job reaches it. Migration names sort by time.
  const latest = opts.latestMigration ?? latestMigration(schemaLocation('tenant'));
  return new TenantClientCache({
    ...opts,
    resolve: async (tenantId) => {
      if (!/^[0-9a-f-]{36}$/i.test(tenantId)) return null;
      const t = await core.tenant.findUnique({
        where: { id: tenantId },
        select: { id: true, status: true, schemaVersion: true, ...TENANT_DATABASE_SELECT },
      });
      if (!t) return null;
      const need = await latest;
      // A row without a version predates the bookkeeping: served as before.
      const schemaBehind = Boolean(need && t.schemaVersion && t.schemaVersion < need);
      return { id: t.id, status: t.status as TenantStatus, target: tenantTarget(server, t), schemaBehind };
    },
    open: (target) => openTenantClient(target, { poolMax: opts.poolMax ?? 5, logQueries: opts.logQueries }),
  });
}

/** Repository root: where `.data/` (embedded databases, dev keys) lives unless STUDYSPOT_DATA_DIR says otherwise. */
export const REPO_ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');

/** DATABASE_URL selects a PostgreSQL server; without it, embedded PGlite under the data directory. */
export function databaseServerFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseServer {
  if (env.DATABASE_URL) return { kind: 'postgres', coreUrl: env.DATABASE_URL, ...(env.DATABASE_DIRECT_URL ? { directUrl: env.DATABASE_DIRECT_URL } : {}) };
  return { kind: 'pglite', dataDir: env.STUDYSPOT_DATA_DIR ?? join(REPO_ROOT, '.data') };
}
