// Tenant migrations as a job (issue 19): a tenant whose database is behind the code's newest
// migration is not served (SERVICE_UNAVAILABLE, reason TENANT_SCHEMA_BEHIND) while other tenants are;
// the job migrates only the tenants behind, per server, records each as it finishes (so a second run
// has nothing to do), and the tenant is served again.
import { latestMigration, migrateAllTenants, schemaLocation } from '@studyspot/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSupergraphWorld, gql, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
beforeAll(async () => {
  w = await createSupergraphWorld();
});
afterAll(async () => {
  await w?.close();
});

it('refuses a tenant whose schema is behind, and the job brings it back', async () => {
  const core = w.world.platform.core;
  const latest = (await latestMigration(schemaLocation('tenant')))!;
  // Tenant B's bookkeeping says it is one migration behind (as after a deploy, before the job ran).
  await core.tenant.update({ where: { id: w.b.id }, data: { schemaVersion: '20000101000000_older' } });
  await new Promise((r) => setTimeout(r, 1_100)); // tenant lookups are trusted for 1 s
  const query = '{ libraries { edges { node { id } } } }';
  const behind = await gql(w.gateway.url, query, { token: w.ownerToken(w.b) });
  expect(behind.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['SERVICE_UNAVAILABLE', 'TENANT_SCHEMA_BEHIND']]);
  expect((await gql(w.gateway.url, query, { token: w.ownerToken(w.a) })).errors).toBeUndefined();
  // The job: only B is behind; it is migrated (its database already has every migration) and recorded.
  const reports = await migrateAllTenants(w.world.config.database, core, { concurrency: 2 });
  expect(reports.map((r) => [r.tenantId, r.server, r.error ?? null])).toEqual([[w.b.id, 'primary', null]]);
  expect((await core.tenant.findUniqueOrThrow({ where: { id: w.b.id } })).schemaVersion).toBe(latest);
  expect(await migrateAllTenants(w.world.config.database, core)).toEqual([]);
  await new Promise((r) => setTimeout(r, 1_100));
  expect((await gql(w.gateway.url, query, { token: w.ownerToken(w.b) })).errors).toBeUndefined();
});

it('migrates only the first tenants behind with a limit (a canary batch), oldest first; the next run goes on', async () => {
  const core = w.world.platform.core;
  const latest = (await latestMigration(schemaLocation('tenant')))!;
  await core.tenant.updateMany({ where: { id: { in: [w.a.id, w.b.id] } }, data: { schemaVersion: '20000101000000_older' } });
  const [older, newer] = (await core.tenant.findMany({ where: { id: { in: [w.a.id, w.b.id] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } })).map((t) => t.id);
  const canary = await migrateAllTenants(w.world.config.database, core, { limit: 1 });
  expect(canary.map((r) => [r.tenantId, r.error ?? null])).toEqual([[older, null]]);
  expect((await core.tenant.findUniqueOrThrow({ where: { id: newer! } })).schemaVersion).not.toBe(latest);
  const rest = await migrateAllTenants(w.world.config.database, core, { limit: 1 });
  expect(rest.map((r) => r.tenantId)).toEqual([newer]);
  expect(await migrateAllTenants(w.world.config.database, core)).toEqual([]);
});
