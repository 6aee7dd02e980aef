// Test worlds on real servers: TEST_DATABASE_URL (PostgreSQL) and REDIS_URL when set, otherwise
// embedded PGlite and the in-process bus, announced loudly. Every world gets its own databases
// (a random prefix) and drops them when done.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateCore, siblingDatabaseUrl, type DatabaseServer } from '@studyspot/db';
import { createLogger, createPlatform, KeyRing, signAccessToken, type Claims, type Config, type Platform } from '@studyspot/runtime';
import pg from 'pg';

const warned = new Set<string>();
function warnOnce(key: string, message: string) {
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(`\n${'!'.repeat(78)}\n!! ${message}\n${'!'.repeat(78)}\n`);
}

export interface TestDatabases {
  server: DatabaseServer;
  /** Prefix of every database this world creates; tenant databases use it too. */
  prefix: string;
  dropAll(): Promise<void>;
}

export function testDatabaseUrl(): string | null {
  return process.env.TEST_DATABASE_URL || null;
}

export function testRedisUrl(): string | null {
  const url = process.env.REDIS_URL || null;
  if (!url) warnOnce('redis', 'REDIS_URL is not set: tests fall back to the in-process event bus.');
  return url;
}

/** A fresh, empty database server namespace for one test file. */
export function testDatabases(): TestDatabases {
  const prefix = `sst_${randomBytes(3).toString('hex')}_`;
  const url = testDatabaseUrl();
  if (url) {
    return {
      server: { kind: 'postgres', coreUrl: siblingDatabaseUrl(url, `${prefix}core`) },
      prefix,
      dropAll: () => dropDatabasesWithPrefix(url, prefix),
    };
  }
  warnOnce('pg', 'TEST_DATABASE_URL is not set: tests fall back to embedded PGlite, not a PostgreSQL server.');
  const dataDir = mkdtempSync(join(tmpdir(), 'studyspot-test-'));
  return { server: { kind: 'pglite', dataDir }, prefix, dropAll: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

export async function dropDatabasesWithPrefix(url: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: siblingDatabaseUrl(url, 'postgres') });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${prefix}%`]);
    for (const r of rows) await client.query(`drop database if exists "${r.datname}" with (force)`);
  } finally {
    await client.end();
  }
}

export interface TestWorld {
  platform: Platform;
  config: Config;
  db: TestDatabases;
  token(claims: Claims, ttlSeconds?: number): string;
  close(): Promise<void>;
}

export async function createTestWorld(overrides: Partial<Config> = {}, opts: { logQueries?: boolean } = {}): Promise<TestWorld> {
  const db = testDatabases();
  await migrateCore(db.server);
  const keyRing = KeyRing.generate();
  const config: Config = {
    production: false,
    port: 0,
    database: db.server,
    redisUrl: testRedisUrl(),
    dataDir: db.server.kind === 'pglite' ? db.server.dataDir : tmpdir(),
    keyRing,
    gatewaySecret: randomBytes(24).toString('base64url'),
    subgraphMode: 'local',
    subgraphUrls: { identity: '', tenancy: '', campus: '', billing: '', communications: '' },
    tenantClients: { max: 20, idleMs: 60_000, poolMax: 2 },
    seedDemo: false,
    ...overrides,
  };
  const platform = await createPlatform(config, createLogger('test', process.env.LOG_LEVEL ?? 'silent'), opts);
  return {
    platform,
    config,
    db,
    token: (claims, ttl) => signAccessToken(keyRing, claims, ttl),
    close: async () => {
      await platform.close();
      await db.dropAll();
    },
  };
}
