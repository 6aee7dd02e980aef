// Two replicas started together on one empty database both try to seed the demo tenant: one seeds,
// the other starts without seeding, and the logins file holds the passwords of the one that did.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SLUG, readDemoLogins, seedDemo } from '@studyspot/gateway';
import { createPlatform } from '@studyspot/runtime';
import { createLogger } from '@studyspot/runtime/observability';
import { verifyPassword } from '@studyspot/runtime/security';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

let w: TestWorld;
const dataDir = mkdtempSync(join(tmpdir(), 'studyspot-seed-'));

beforeAll(async () => {
  w = await createTestWorld({ dataDir });
});
afterAll(async () => {
  await w?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('lets one of two replicas seed the demo tenant; the other starts without seeding', async () => {
  const replica = await createPlatform(w.config, createLogger('replica', 'silent'));
  try {
    const seeded = await Promise.all([seedDemo(w.platform), seedDemo(replica)]);
    expect(seeded.filter(Boolean)).toHaveLength(1);
    const demo = await w.platform.core.tenant.findMany({ where: { slug: DEMO_SLUG }, include: { users: { where: { role: 'OWNER' } } } });
    expect(demo.map((t) => t.status)).toEqual(['ACTIVE']);
    // The logins file is the seeding replica's: its owner password signs in; no temporary file is left.
    const logins = readDemoLogins(w.platform)!;
    expect(await verifyPassword(demo[0]!.users[0]!.passwordHash!, logins.owner.password)).toBe(true);
    expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // A later start sees the tenant and seeds nothing.
    expect(await seedDemo(replica)).toBe(false);
  } finally {
    await replica.close();
  }
});
