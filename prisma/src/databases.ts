// How StudySpot lays out its databases: a core database, and one database per tenant on the server
// the placement map names (tenants.server_id → database_servers; the primary server is the core's
// own). Embedded mode: one PGlite directory per database, all on the primary.
import { join } from 'node:path';
import type { CorePrisma } from './clients.ts';
import { openTenantClient } from './clients.ts';
import { applyMigrations, latestMigration, schemaLocation, type SchemaLocation } from './migrations.ts';
import { assertDatabaseName, createDatabase, siblingDatabaseUrl, type DatabaseTarget } from './targets.ts';
import { TenantClientCache, type TenantClientCacheOptions, type TenantStatus } from './tenant-clients.ts';

export type DatabaseServer = { kind: 'postgres'; coreUrl: string } | { kind: 'pglite'; dataDir: string };

export function coreTarget(server: DatabaseServer): DatabaseTarget {
  return server.kind === 'postgres'
    ? { kind: 'postgres', url: server.coreUrl }
    : { kind: 'pglite', dataDir: join(server.dataDir, 'pglite', 'core') };
}

/** The core's own server in the placement map (the migration creates it). */
export const PRIMARY_SERVER_ID = '00000000-0000-4000-8000-000000000001';

export interface TenantDatabaseRef {
  dbName: string;
  /** The server the map places the tenant on: its URL, or null for the core's own (primary) server. */
  server: { url: string | null };
}

/** What to read of a tenant row to find its database (Prisma `select`). */
export const TENANT_DATABASE_SELECT = { dbName: true, server: { select: { url: true } } } as const;

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
  const target = coreTarget(server);
  await createDatabase(target);
  return applyMigrations(target, schemaLocation('core'));
}

export interface TenantMigrationReport {
  tenantId: string;
  slug: string;
  applied: string[];
  error?: string;
}

/** Applies pending tenant migrations to every tenant database that exists, a few at a time. */
/**
 * Applies pending tenant migrations. Each tenant row records the last migration its database has
 * (`schema_version`), so by default only tenants behind the folder's latest are opened at all: a
 * start-up with every tenant up to date costs one core query, however many tenants there are.
 * `all` checks every tenant's own `_prisma_migrations` (what `pnpm db:migrate` does).
 */
export async function migrateAllTenants(
  server: DatabaseServer,
  core: CorePrisma,
  opts: { concurrency?: number; onReport?: (r: TenantMigrationReport) => void; location?: SchemaLocation; all?: boolean } = {},
): Promise<TenantMigrationReport[]> {
  const location = opts.location ?? schemaLocation('tenant');
  const latest = await latestMigration(location);
  const tenants = await core.tenant.findMany({
    where: { status: { in: ['ACTIVE', 'SUSPENDED'] }, ...(opts.all || !latest ? {} : { OR: [{ schemaVersion: null }, { schemaVersion: { not: latest } }] }) },
    select: { id: true, slug: true, ...TENANT_DATABASE_SELECT },
    orderBy: { createdAt: 'asc' },
  });
  const reports: TenantMigrationReport[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tenants.length) {
      const t = tenants[next++]!;
      let report: TenantMigrationReport;
      try {
        const applied = await applyMigrations(tenantTarget(server, t), location);
        await core.tenant.update({ where: { id: t.id }, data: { schemaVersion: latest } });
        report = { tenantId: t.id, slug: t.slug, applied };
      } catch (err) {
        report = { tenantId: t.id, slug: t.slug, applied: [], error: (err as Error).message };
      }
      reports.push(report);
      opts.onReport?.(report);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, tenants.length) }, worker));
  return reports;
}

/** The tenant client cache wired to the core database. */
export function createTenantClientCache(
  server: DatabaseServer,
  core: CorePrisma,
  opts: Omit<TenantClientCacheOptions, 'resolve' | 'open'> & { poolMax?: number; logQueries?: boolean } = {},
): TenantClientCache {
  return new TenantClientCache({
    ...opts,
    resolve: async (tenantId) => {
      if (!/^[0-9a-f-]{36}$/i.test(tenantId)) return null;
      const t = await core.tenant.findUnique({
        where: { id: tenantId },
        select: { id: true, status: true, ...TENANT_DATABASE_SELECT },
      });
      return t ? { id: t.id, status: t.status as TenantStatus, target: tenantTarget(server, t) } : null;
    },
    open: (target) => openTenantClient(target, { poolMax: opts.poolMax ?? 5, logQueries: opts.logQueries }),
  });
}

/** Repository root: where `.data/` (embedded databases, dev keys) lives unless STUDYSPOT_DATA_DIR says otherwise. */
export const REPO_ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');

/** DATABASE_URL selects a PostgreSQL server; without it, embedded PGlite under the data directory. */
export function databaseServerFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseServer {
  if (env.DATABASE_URL) return { kind: 'postgres', coreUrl: env.DATABASE_URL };
  return { kind: 'pglite', dataDir: env.STUDYSPOT_DATA_DIR ?? join(REPO_ROOT, '.data') };
}
