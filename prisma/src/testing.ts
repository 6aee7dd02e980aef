// Test databases for integration tests: TEST_DATABASE_URL (a PostgreSQL server) when set, otherwise
// a temporary PGlite directory, announced loudly. Each call gets its own database-name prefix.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseServer } from './databases.ts';
import { siblingDatabaseUrl } from './targets.ts';

const warned = new Set<string>();
export function warnOnce(key: string, message: string) {
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

