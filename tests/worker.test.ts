// The worker entry point (issue 19): background work in a process of its own, with probes, stopping
// readiness first on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestWorld, testDatabaseUrl, type TestWorld } from '@studyspot/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

const WORKER = join(import.meta.dirname, '..', 'gateway', 'src', 'processes', 'worker.ts');
const onPostgres = Boolean(testDatabaseUrl());
let w: TestWorld;
const dataDir = mkdtempSync(join(tmpdir(), 'studyspot-worker-'));

beforeAll(async () => {
  w = await createTestWorld();
});
afterAll(async () => {
  await w?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it.skipIf(!onPostgres)('runs the background work with probes, drains readiness on SIGTERM and exits 0', async () => {
  const db = w.config.database as { kind: 'postgres'; coreUrl: string };
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', DATABASE_URL: db.coreUrl, STUDYSPOT_DATA_DIR: dataDir, PORT: '0', SHUTDOWN_DRAIN_MS: '400', TENANT_DB_PREFIX: w.config.tenantDatabasePrefix },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    await expect.poll(() => /probes on port (\d+)/.exec(out)?.[1], { timeout: 60_000, interval: 200 }).toBeTruthy();
    const port = /probes on port (\d+)/.exec(out)![1]!;
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status, err).toBe(200);
    child.kill('SIGTERM');
    // Readiness fails at once; the process is still answering during the drain time.
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status, { timeout: 2_000, interval: 50 }).toBe(503);
    expect(await exited, err).toBe(0);
  } finally {
    child.kill('SIGKILL');
  }
});
