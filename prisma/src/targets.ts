// Where a database lives, and how to open, create and drop one. Two kinds: a PostgreSQL server
// (adapter-pg, pooled) and an embedded PGlite data directory (one in-process instance per directory).
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';

export type DatabaseTarget =
  | { kind: 'postgres'; url: string }
  | { kind: 'pglite'; dataDir: string };

export interface OpenDatabase {
  adapter: SqlMigrationAwareDriverAdapterFactory;
  /** Runs one SQL statement; used for health checks. */
  ping(): Promise<void>;
  /** Runs one read-only query (migration bookkeeping). */
  query<R>(sql: string): Promise<R[]>;
  close(): Promise<void>;
}

const DB_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export function assertDatabaseName(name: string): string {
  if (!DB_NAME.test(name)) throw new Error(`invalid database name "${name}"`);
  return name;
}

/** The URL of another database on the same server as `url`. */
export function siblingDatabaseUrl(url: string, dbName: string): string {
  const u = new URL(url);
  u.pathname = `/${assertDatabaseName(dbName)}`;
  return u.toString();
}

export function describeTarget(t: DatabaseTarget): string {
  if (t.kind === 'pglite') return `pglite:${t.dataDir}`;
  const u = new URL(t.url);
  return `postgres://${u.host}${u.pathname}`;
}

// Embedded databases are small and many share one process: PostgreSQL's default 128 MB of shared
// buffers per PGlite instance would dominate its memory (measured: +185 MB RSS per extra instance,
// +19 MB with these settings).
const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB', '-c', 'work_mem=4MB', '-c', 'maintenance_work_mem=16MB', '-c', 'wal_buffers=1MB'];

/** Extensions the tenant schema uses (seat_allocations' exclusion constraint needs btree_gist). */
export const PGLITE_EXTENSIONS = { btree_gist };

// PGlite: one instance per data directory per process, shared by every user in the process, and
// one process per directory (data-dir-lock.ts).
const pglites = new Map<string, { db: Promise<{ pg: PGlite; lock: DataDirLock }>; refs: number }>();

const newPglite = (dir: string) => new PGlite(dir, { startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS], extensions: PGLITE_EXTENSIONS });

/**
 * A new directory is initialised beside its final name and renamed into place when complete, so a
 * process killed during initdb never leaves a half-made directory that aborts every later start.
 * One left by an older version (files, but no PG_VERSION) holds no data yet: it is moved aside.
 */
async function ensureInitialised(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION')) && existsSync(join(dataDir, 'global', 'pg_control'))) return;
  await mkdir(dirname(dataDir), { recursive: true });
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
    const aside = `${dataDir}.incomplete-${Date.now()}`;
    await rename(dataDir, aside);
    console.warn(`studyspot: ${dataDir} was an interrupted initialisation (no PG_VERSION); moved it to ${aside} and starting it afresh`);
  }
  const staging = `${dataDir}.init-${process.pid}`;
  // Staging directories of processes killed during initdb hold nothing: clear them away.
  const prefix = `${basename(dataDir)}.init-`;
  for (const name of await readdir(dirname(dataDir))) if (name.startsWith(prefix)) await rm(join(dirname(dataDir), name), { recursive: true, force: true });
  const fresh = newPglite(staging);
  await fresh.waitReady;
  await fresh.close();
  await rm(dataDir, { recursive: true, force: true });
  await rename(staging, dataDir);
}

/** PGlite fails to open a damaged directory with a bare `Aborted()`: say which directory, and what to do. */
export class EmbeddedDatabaseError extends Error {
  constructor(dataDir: string, cause: unknown) {
    super(
      `cannot open the embedded database at ${dataDir} (PGlite: ${(cause as Error).message || String(cause)}). It was left untouched; ` +
        'move it away to start that database afresh, or restore it from a copy',
    );
    this.name = 'EmbeddedDatabaseError';
  }
}

async function acquirePglite(dataDir: string): Promise<PGlite> {
  let entry = pglites.get(dataDir);
  if (!entry) {
    entry = {
      refs: 0,
      db: (async () => {
        await mkdir(dirname(dataDir), { recursive: true });
        const lock = await lockDataDir(dataDir);
        try {
          await ensureInitialised(dataDir);
          const pg = newPglite(dataDir);
          try {
            await pg.waitReady;
          } catch (err) {
            throw new EmbeddedDatabaseError(dataDir, err);
          }
          return { pg, lock };
        } catch (err) {
          await lock.release();
          throw err;
        }
      })(),
    };
    pglites.set(dataDir, entry);
    entry.db.catch(() => pglites.delete(dataDir));
  }
  entry.refs++;
  return (await entry.db).pg;
}

async function closePglite(entry: { db: Promise<{ pg: PGlite; lock: DataDirLock }> }): Promise<void> {
  const { pg, lock } = await entry.db;
  try {
    await pg.close();
  } finally {
    await lock.release();
  }
}

async function releasePglite(dataDir: string): Promise<void> {
  const entry = pglites.get(dataDir);
  if (!entry) return;
  entry.refs--;
  if (entry.refs > 0) return;
  pglites.delete(dataDir);
  await closePglite(entry);
}

let adapterHook: (<F extends object>(factory: F) => F) | null = null;

/** Lets the runtime wrap every adapter opened from now on (tracing: a span per query); null removes it. */
export function setAdapterHook(hook: (<F extends object>(factory: F) => F) | null): void {
  adapterHook = hook;
}

const hooked = <F extends object>(factory: F): F => (adapterHook ? adapterHook(factory) : factory);

export interface OpenOptions {
  /** Upper bound of connections this handle may hold (PostgreSQL only). */
  poolMax?: number;
  /** Idle connections are closed after this many ms (PostgreSQL only). */
  idleTimeoutMs?: number;
}

/** How long work waits for a pooled connection (DATABASE_POOL_WAIT_MS, default 15 s). */
export function poolWaitMs(): number {
  const v = Number(process.env.DATABASE_POOL_WAIT_MS);
  return Number.isInteger(v) && v >= 100 && v <= 300_000 ? v : 15_000;
}

export async function openDatabase(target: DatabaseTarget, opts: OpenOptions = {}): Promise<OpenDatabase> {
  if (target.kind === 'pglite') {
    const db = await acquirePglite(target.dataDir);
    let closed = false;
    return {
      adapter: hooked(new PrismaPGlite(db)),
      ping: async () => void (await db.query('select 1')),
      query: async <R>(sql: string) => (await db.query<R>(sql)).rows,
      close: async () => {
        if (closed) return;
        closed = true;
        await releasePglite(target.dataDir);
      },
    };
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: opts.poolMax ?? 5,
    idleTimeoutMillis: opts.idleTimeoutMs ?? 30_000,
    // How long a query may wait for one of the pool's connections (queued behind others included):
    // a burst of a thousand short transactions on a busy 2-core machine waits several seconds.
    // DATABASE_POOL_WAIT_MS sets it (the test suite's thousand-caller bursts allow a minute).
    connectionTimeoutMillis: poolWaitMs(),
  });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  let closed = false;
  return {
    adapter: hooked(new PrismaPg(pool)),
    ping: async () => void (await pool.query('select 1')),
    query: async <R>(sql: string) => (await pool.query(sql)).rows as R[],
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** Runs `fn` on a connection to the server's maintenance ("postgres") database. */
export async function withServerConnection<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  // Maintenance connection to the server's "postgres" database.
  const client = new pg.Client({ connectionString: siblingDatabaseUrl(url, 'postgres'), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database if it does not exist. Returns true when it was created now. */
export async function createDatabase(target: DatabaseTarget): Promise<boolean> {
  if (target.kind === 'pglite') {
    await mkdir(target.dataDir, { recursive: true });
    return false;
  }
  const name = assertDatabaseName(new URL(target.url).pathname.slice(1));
  return withServerConnection(target.url, async (c) => {
    const exists = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) return false;
    try {
      await c.query(`create database "${name}"`);
      return true;
    } catch (err) {
      // Two provisioners raced: 42P04 duplicate_database (or a unique violation in pg_database).
      const code = (err as { code?: string }).code;
      if (code === '42P04' || code === '23505') return false;
      throw err;
    }
  });
}

export async function dropDatabase(target: DatabaseTarget): Promise<void> {
  if (target.kind === 'pglite') {
    await releaseAllPglite(target.dataDir);
    await rm(target.dataDir, { recursive: true, force: true });
    return;
  }
  const name = assertDatabaseName(new URL(target.url).pathname.slice(1));
  await withServerConnection(target.url, (c) => c.query(`drop database if exists "${name}" with (force)`));
}

async function releaseAllPglite(dataDir: string): Promise<void> {
  const entry = pglites.get(dataDir);
  if (!entry) return;
  pglites.delete(dataDir);
  await closePglite(entry);
}

/** The PostgreSQL version a server answers with (its maintenance database), or the error it gave. */
export async function serverAnswers(url: string): Promise<{ version: string } | { error: string }> {
  try {
    return await withServerConnection(url, async (c) => ({ version: String((await c.query('show server_version')).rows[0]?.server_version ?? '') }));
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0]!.slice(0, 200) };
  }
}
