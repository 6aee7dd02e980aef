// Tenancy through the gateway: an admin creates tenants (20 at once on real PostgreSQL), a failure
// midway leaves FAILED and a retry succeeds, suspension blocks a tenant's users in every subgraph
// within a second, deletion is soft and purge drops the database after the grace period.
import { createDatabase, openTenantClient, tenantDatabaseName, tenantTarget } from '@studyspot/db';
import { testDatabaseUrl } from '@studyspot/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, login } from './support/auth.ts';
import { createSupergraphWorld, gql, OWNER_PASSWORD, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let admin: string;
const onPostgres = Boolean(testDatabaseUrl());

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true });
  admin = w.tokenFor({ sub: '00000000-0000-4000-8000-00000000000a', role: 'ADMIN', tenantId: null });
});
afterAll(async () => {
  await w?.close();
});

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateTenantInput!) {
    createTenant(input: $input) {
      tenant { id slug status failureReason database { name host } }
      ownerId
      ownerInitialPassword
      userErrors { code message field }
    }
  }
`;
type Created = { tenant: { id: string; slug: string; status: string; failureReason: string | null; database: { name: string } } | null; ownerId: string | null; ownerInitialPassword: string | null; userErrors: { code: string; field: string[] | null }[] };

const create = async (slug: string, extra: Record<string, unknown> = {}) =>
  (await gql(w.gateway.url, CREATE, { token: admin, variables: { input: { name: `${slug} centre`, slug, state: 'KA', owner: { name: `${slug} owner`, email: `owner@${slug}.example` }, ...extra } } })).data!
    .createTenant as Created;

async function databaseExists(name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: testDatabaseUrl()! });
  await c.connect();
  try {
    return (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await c.end();
  }
}

describe('creating tenants', () => {
  it('creates the row, its database with every migration and the owner, who then sees only their tenant', async () => {
    const r = await create('gamma', { gstin: '29AAPFU0939F1ZR', contactPhone: '98450 12345' });
    expect(r.userErrors).toEqual([]);
    expect(r.tenant).toMatchObject({ slug: 'gamma', status: 'ACTIVE', failureReason: null, database: { name: tenantDatabaseName('gamma', w.world.db.prefix) } });
    const migrations = await w.world.platform.tenants.withTenant(r.tenant!.id, (db) => db.$queryRaw<{ n: bigint }[]>`select count(*) n from _prisma_migrations where finished_at is not null`);
    expect(Number(migrations[0]!.n)).toBeGreaterThanOrEqual(1);

    const owner = (await login(w.gateway.url, 'owner@gamma.example', r.ownerInitialPassword!)).tokens!;
    const mine = await gql(w.gateway.url, '{ currentTenant { slug gstin state contactPhone database { name } stats { libraryCount studentCount staffAccounts } } }', { token: owner.accessToken });
    expect(mine.data).toEqual({ currentTenant: { slug: 'gamma', gstin: '29AAPFU0939F1ZR', state: 'KA', contactPhone: '919845012345', database: null, stats: { libraryCount: 0, studentCount: 0, staffAccounts: 1 } } });
    const others = await gql(w.gateway.url, 'query($id: ID!) { tenant(id: $id) { slug } }', { token: owner.accessToken, variables: { id: w.a.id } });
    expect(others.data).toEqual({ tenant: null });
    expect(codes(await gql(w.gateway.url, '{ tenants { edges { node { slug } } } }', { token: owner.accessToken }))).toEqual(['FORBIDDEN']);
  });

  it('refuses a taken slug, a malformed GSTIN and a bad slug as userErrors, writing nothing', async () => {
    const before = await w.world.platform.core.tenant.count();
    expect((await create('alpha')).userErrors).toEqual([{ code: 'SLUG_TAKEN', message: 'A tenant with slug "alpha" already exists', field: ['input', 'slug'] }]);
    expect((await create('delta', { gstin: 'NOT-A-GSTIN' })).userErrors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
    // The check character (GSTN's mod-36 scheme) catches a mistyped GSTIN; the state code must be the state's.
    const typo = (await create('delta', { gstin: '29AAPFU0939F1ZV' })).userErrors;
    expect(typo).toEqual([{ code: 'INVALID_INPUT', message: "GSTIN's check character is wrong (V; these 14 characters give R): a typing mistake?", field: ['input', 'gstin'] }]);
    const elsewhere = (await create('delta', { gstin: '27AAPFU0939F1ZV' })).userErrors;
    expect(elsewhere).toEqual([{ code: 'INVALID_INPUT', message: 'GSTIN starts with 27 (Maharashtra), but the state is Karnataka (29)', field: ['input', 'gstin'] }]);
    expect((await create('Bad Slug!')).userErrors.map((e) => e.field)).toEqual([['input', 'slug']]);
    expect(await w.world.platform.core.tenant.count()).toBe(before);
  });

  it.runIf(onPostgres)('provisions 20 tenants concurrently, each with its own migrated database', async () => {
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => create(`bulk-${i}`)));
    const ms = performance.now() - started;
    console.log(`[figures] 20 tenants provisioned concurrently through the gateway in ${Math.round(ms)} ms (${Math.round(ms / 20)} ms per tenant)`);
    expect(results.map((r) => [r.userErrors, r.tenant?.status])).toEqual(Array(20).fill([[], 'ACTIVE']));
    for (const r of results) expect(await databaseExists(r.tenant!.database.name)).toBe(true);
    const counts = await Promise.all(results.map((r) => w.world.platform.tenants.withTenant(r.tenant!.id, (db) => db.library.count())));
    expect(counts).toEqual(Array(20).fill(0));
  });

  it('leaves FAILED with the reason when provisioning fails midway, and a retry succeeds', async () => {
    // Break it for real, midway: the database exists already and holds a type the first migration creates.
    const target = tenantTarget(w.world.db.server, { dbName: tenantDatabaseName('broken', w.world.db.prefix), server: { url: null } });
    await createDatabase(target);
    const squatter = await openTenantClient(target, { poolMax: 1 });
    await squatter.prisma.$executeRawUnsafe("create type \"StudentStatus\" as enum ('SQUATTER')");
    await squatter.close();

    const r = await create('broken');
    expect(r.tenant!.status).toBe('FAILED');
    expect(r.tenant!.failureReason).toMatch(/type "StudentStatus" already exists/);
    expect(r.userErrors.map((e) => e.code)).toEqual(['PROVISIONING_FAILED']);
    const ownerLogin = await login(w.gateway.url, 'owner@broken.example', r.ownerInitialPassword!);
    expect(ownerLogin.errors.map((e) => e.code)).toEqual(['ACCOUNT_DISABLED']);

    const fix = await openTenantClient(target, { poolMax: 1 });
    await fix.prisma.$executeRawUnsafe('drop type "StudentStatus"');
    await fix.close();
    const retry = await gql(w.gateway.url, 'mutation($id: ID!) { retryTenantProvisioning(id: $id) { tenant { status failureReason } userErrors { code } } }', { token: admin, variables: { id: r.tenant!.id } });
    expect(retry.data).toEqual({ retryTenantProvisioning: { tenant: { status: 'ACTIVE', failureReason: null }, userErrors: [] } });
    expect((await login(w.gateway.url, 'owner@broken.example', r.ownerInitialPassword!)).errors).toEqual([]);
  });
});

describe('suspension', () => {
  const EVERY_SUBGRAPH = '{ me { id } currentTenant { slug } students { edges { node { id } } } payments { edges { node { id } } } notifications { edges { node { id } } } }';

  it("blocks the tenant's users in every subgraph within a second, while platform admins keep access", async () => {
    const owner = (await login(w.gateway.url, 'owner@beta.test', OWNER_PASSWORD)).tokens!;
    expect((await gql(w.gateway.url, EVERY_SUBGRAPH, { token: owner.accessToken })).errors).toBeUndefined();

    const s = await gql(w.gateway.url, 'mutation($id: ID!) { suspendTenant(id: $id, reason: "unpaid invoice") { tenant { status suspensionReason } userErrors { code } } }', { token: admin, variables: { id: w.b.id } });
    expect(s.data).toEqual({ suspendTenant: { tenant: { status: 'SUSPENDED', suspensionReason: 'unpaid invoice' }, userErrors: [] } });
    const t0 = Date.now();
    let blocked = await gql(w.gateway.url, EVERY_SUBGRAPH, { token: owner.accessToken });
    while (!blocked.errors && Date.now() - t0 < 2_000) blocked = await gql(w.gateway.url, EVERY_SUBGRAPH, { token: owner.accessToken });
    const took = Date.now() - t0;
    console.log(`[figures] suspension took effect after ${took} ms`);
    expect(took).toBeLessThan(1_100);
    expect(blocked.data).toBeNull();
    expect(new Set(codes(blocked))).toEqual(new Set(['TENANT_SUSPENDED']));
    expect(blocked.errors!.map((e) => e.path?.[0]).sort()).toEqual(['currentTenant', 'me', 'notifications', 'payments', 'students']);
    expect((await login(w.gateway.url, 'owner@beta.test', OWNER_PASSWORD)).errors.map((e) => e.code)).toEqual(['TENANT_SUSPENDED']);

    const asAdmin = await gql(w.gateway.url, '{ currentTenant { status } students { edges { node { name } } } }', { token: admin, headers: { 'x-tenant-id': w.b.id } });
    expect(asAdmin.data).toEqual({ currentTenant: { status: 'SUSPENDED' }, students: { edges: [{ node: { name: 'Kavya Nair' } }] } });

    await gql(w.gateway.url, 'mutation($id: ID!) { reactivateTenant(id: $id) { tenant { status } } }', { token: admin, variables: { id: w.b.id } });
    expect((await gql(w.gateway.url, EVERY_SUBGRAPH, { token: owner.accessToken })).errors).toBeUndefined();
    const audit = await w.world.platform.core.auditLog.findMany({ where: { targetId: w.b.id, action: { in: ['tenant.suspend', 'tenant.reactivate'] } }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => [a.action, a.actorRole])).toEqual([['tenant.suspend', 'ADMIN'], ['tenant.reactivate', 'ADMIN']]);
  });

  it('refuses transitions that do not fit the status', async () => {
    const r = await gql(w.gateway.url, 'mutation($id: ID!) { reactivateTenant(id: $id) { userErrors { code message } } }', { token: admin, variables: { id: w.a.id } });
    expect(r.data).toEqual({ reactivateTenant: { userErrors: [{ code: 'INVALID_STATE', message: 'Not possible while the tenant is ACTIVE' }] } });
  });
});

describe('deletion and purge', () => {
  it('soft-deletes, refuses to purge inside the grace period, then drops the database', async () => {
    const r = await create('doomed');
    const id = r.tenant!.id;
    const dbName = r.tenant!.database.name;
    const del = await gql(w.gateway.url, 'mutation($id: ID!) { deleteTenant(id: $id) { tenant { status deletedAt } } }', { token: admin, variables: { id } });
    expect((del.data!.deleteTenant as { tenant: { status: string } }).tenant.status).toBe('DELETED');
    expect((await login(w.gateway.url, 'owner@doomed.example', r.ownerInitialPassword!)).errors.map((e) => e.code)).toEqual(['ACCOUNT_DISABLED']);

    const superAdmin = w.tokenFor({ sub: '00000000-0000-4000-8000-00000000000b', role: 'SUPER_ADMIN', tenantId: null });
    const PURGE = 'mutation($id: ID!) { purgeTenant(id: $id) { tenant { database { purgedAt } } userErrors { code } } }';
    expect(codes(await gql(w.gateway.url, PURGE, { token: admin, variables: { id } }))).toEqual(['FORBIDDEN']);
    expect((await gql(w.gateway.url, PURGE, { token: superAdmin, variables: { id } })).data).toEqual({ purgeTenant: { tenant: null, userErrors: [{ code: 'GRACE_PERIOD' }] } });
    if (onPostgres) expect(await databaseExists(dbName)).toBe(true);

    await w.world.platform.core.tenant.update({ where: { id }, data: { deletedAt: new Date(Date.now() - 31 * 86_400_000) } });
    const purged = await gql(w.gateway.url, PURGE, { token: superAdmin, variables: { id } });
    expect((purged.data!.purgeTenant as { tenant: { database: { purgedAt: string | null } } }).tenant.database.purgedAt).not.toBeNull();
    if (onPostgres) expect(await databaseExists(dbName)).toBe(false);
    const restore = await gql(w.gateway.url, 'mutation($id: ID!) { restoreTenant(id: $id) { userErrors { code } } }', { token: admin, variables: { id } });
    expect(restore.data).toEqual({ restoreTenant: { userErrors: [{ code: 'INVALID_STATE' }] } });
  });
});

describe('listing and stats', () => {
  it('lists tenants with filters and Relay pages (platform roles)', async () => {
    const support = w.tokenFor({ sub: '00000000-0000-4000-8000-00000000000c', role: 'SUPPORT', tenantId: null });
    const q = 'query($f: TenantFilter, $after: String) { tenants(first: 2, after: $after, filter: $f) { edges { node { slug status } } pageInfo { hasNextPage endCursor } } }';
    const p1 = await gql(w.gateway.url, q, { token: support, variables: { f: { search: 'ALPHA' } } });
    expect(p1.data).toEqual({ tenants: { edges: [{ node: { slug: 'alpha', status: 'ACTIVE' } }], pageInfo: { hasNextPage: false, endCursor: expect.any(String) } } });
    const deleted = await gql(w.gateway.url, q, { token: support, variables: { f: { status: 'DELETED' } } });
    expect((deleted.data!.tenants as { edges: { node: { slug: string } }[] }).edges.map((e) => e.node.slug)).toContain('doomed');
  });

  it('gathers Tenant.stats from the subgraphs that own each count', async () => {
    const r = await gql(w.gateway.url, '{ currentTenant { stats { tenantId libraryCount seatCount studentCount activeStudentCount paymentCount revenuePaise notificationCount staffAccounts studentAccounts } } }', { token: w.ownerToken(w.a) });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      currentTenant: { stats: { tenantId: w.a.id, libraryCount: 1, seatCount: 12, studentCount: 3, activeStudentCount: 3, paymentCount: 3, revenuePaise: 120000 + 120001 + 120002, notificationCount: 3, staffAccounts: expect.any(Number), studentAccounts: expect.any(Number) } },
    });
  });
});
