// The placement map through the gateway (real PostgreSQL): the primary server is in the map from the
// first migration; a second server is registered (here the same local cluster reached by another host
// name, so the map's mechanics are tested without a second cluster); new tenants go to the open server
// with the fewest tenants under its capacity; drained and closed servers take none; concurrent
// creations never overshoot a capacity; a tenant on the second server is served through the map and
// stays out of another tenant's reach.
import { randomUUID } from 'node:crypto';
import { testDatabaseUrl } from '@studyspot/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupergraphWorld, gql, type SupergraphWorld } from './support/supergraph.ts';

const onPostgres = Boolean(testDatabaseUrl());
let w: SupergraphWorld;
let superAdmin: string;

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true });
  superAdmin = w.tokenFor({ sub: '00000000-0000-4000-8000-00000000000b', role: 'SUPER_ADMIN', tenantId: null });
});
afterAll(async () => {
  await w?.close();
});

type Server = { id: string; name: string; host: string; capacity: number | null; state: string; tenantCount: number };
const SERVER = 'id name host capacity state tenantCount';
const servers = async () => ((await gql(w.gateway.url, `{ databaseServers { ${SERVER} } }`, { token: superAdmin })).data!.databaseServers as Server[]);
const byName = async (name: string) => (await servers()).find((s) => s.name === name)!;

async function register(input: Record<string, unknown>) {
  const r = await gql(w.gateway.url, `mutation($i: RegisterDatabaseServerInput!) { registerDatabaseServer(input: $i) { server { ${SERVER} } userErrors { code message field } } }`, { token: superAdmin, variables: { i: input } });
  return r.data!.registerDatabaseServer as { server: Server | null; userErrors: { code: string; message: string; field: string[] }[] };
}
async function setState(id: string, state: string) {
  const r = await gql(w.gateway.url, `mutation($id: ID!, $s: DatabaseServerState!) { setDatabaseServerState(id: $id, state: $s) { server { ${SERVER} } userErrors { code } } }`, { token: superAdmin, variables: { id, s: state } });
  return r.data!.setDatabaseServerState as { server: Server | null; userErrors: { code: string }[] };
}
async function create(slug: string) {
  const r = await gql(
    w.gateway.url,
    'mutation($i: CreateTenantInput!) { createTenant(input: $i) { tenant { id status database { name server { name host } } } ownerInitialPassword userErrors { code message } } }',
    { token: superAdmin, variables: { i: { name: `${slug} centre`, slug, state: 'KA', owner: { name: `${slug} owner`, email: `owner@${slug}.example` } } } },
  );
  if (r.errors) throw new Error(r.raw);
  return r.data!.createTenant as { tenant: { id: string; status: string; database: { name: string; server: { name: string; host: string } } } | null; userErrors: { code: string; message: string }[] };
}

/** The local test server under another host name: a second entry in the map, the same cluster. */
function secondServerUrl(): string {
  const u = new URL(testDatabaseUrl()!);
  u.hostname = u.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  u.pathname = '/';
  u.password = '';
  return u.toString();
}

describe.skipIf(!onPostgres)('placement map', () => {
  it('starts with the primary server holding every tenant', async () => {
    const list = await servers();
    expect(list.map((s) => [s.name, s.state, s.capacity])).toEqual([['primary', 'OPEN', null]]);
    expect(list[0]!.tenantCount).toBeGreaterThanOrEqual(2);
    expect(list[0]!.host).toBe(new URL(testDatabaseUrl()!).host);
  });

  it('refuses a server URL with a password, a database or no answer, and a taken name', async () => {
    const good = secondServerUrl();
    const withPassword = Object.assign(new URL(good), { password: 'secret' }).toString();
    expect((await register({ name: 'pg-x', url: withPassword })).userErrors.map((e) => [e.code, e.field])).toEqual([['INVALID_INPUT', ['input', 'url']]]);
    expect((await register({ name: 'pg-x', url: `${good}somedb` })).userErrors[0]!.message).toMatch(/must not name a database/);
    const silent = await register({ name: 'pg-x', url: 'postgresql://postgres@127.0.0.1:1/' });
    expect(silent.userErrors[0]!.message).toMatch(/did not answer/);
    expect((await register({ name: 'Bad Name!', url: good })).userErrors[0]!.field).toEqual(['input', 'name']);
    expect((await register({ name: 'primary', url: good })).userErrors[0]!.message).toMatch(/registered already/);
    // A pooler's server itself (directUrl) is checked like url.
    expect((await register({ name: 'pg-x', url: good, directUrl: 'postgresql://postgres@127.0.0.1:1/' })).userErrors.map((e) => [e.code, e.field, e.message])).toEqual([
      ['INVALID_INPUT', ['input', 'directUrl'], expect.stringMatching(/did not answer at directUrl/)],
    ]);
    expect((await register({ name: 'pg-x', url: good, directUrl: `${good}db` })).userErrors.map((e) => [e.field, e.message])).toEqual([[['input', 'directUrl'], expect.stringMatching(/^directUrl must not name a database/)]]);
    expect((await servers()).map((s) => s.name)).toEqual(['primary']);
  });

  it('places new tenants on the open server with the fewest tenants, and honours drain, close and capacity', async () => {
    const primary = await byName('primary');
    const added = await register({ name: 'pg-2', url: secondServerUrl(), capacity: primary.tenantCount + 2 });
    expect(added.userErrors).toEqual([]);
    expect(added.server).toMatchObject({ name: 'pg-2', state: 'OPEN', tenantCount: 0, host: new URL(secondServerUrl()).host });
    // pg-2 has fewer tenants: it takes the next ones until it has as many as primary.
    const first = await create(`place-${randomUUID().slice(0, 6)}`);
    expect(first.tenant).toMatchObject({ status: 'ACTIVE', database: { server: { name: 'pg-2', host: new URL(secondServerUrl()).host } } });
    // Drained, primary takes none: the rest go to pg-2 until its capacity.
    expect((await setState(primary.id, 'DRAINING')).server!.state).toBe('DRAINING');
    const second = await create(`place-${randomUUID().slice(0, 6)}`);
    expect(second.tenant!.database.server.name).toBe('pg-2');
    // Concurrent creations never overshoot a capacity: pg-2 has room for `room`, the others are refused.
    const pg2 = await byName('pg-2');
    const room = pg2.capacity! - pg2.tenantCount;
    const burst = await Promise.all(Array.from({ length: room + 3 }, () => create(`burst-${randomUUID().slice(0, 6)}`)));
    expect(burst.filter((b) => b.tenant).length).toBe(room);
    expect(burst.filter((b) => !b.tenant).map((b) => b.userErrors.map((e) => e.code))).toEqual(Array.from({ length: 3 }, () => ['NO_DATABASE_SERVER']));
    expect((await byName('pg-2')).tenantCount).toBe(pg2.capacity);
    // Closed pg-2 and drained primary: nowhere to go. Reopened primary: back there.
    await setState(pg2.id, 'CLOSED');
    expect((await create(`place-${randomUUID().slice(0, 6)}`)).userErrors.map((e) => e.code)).toEqual(['NO_DATABASE_SERVER']);
    await setState(primary.id, 'OPEN');
    expect((await create(`place-${randomUUID().slice(0, 6)}`)).tenant!.database.server.name).toBe('primary');
    expect((await setState(randomUUID(), 'OPEN')).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  });

  it('serves a tenant on the second server through the map, and keeps it out of another tenant\'s reach', async () => {
    const pg2 = await byName('pg-2');
    await gql(w.gateway.url, `mutation { setDatabaseServerState(id: "${pg2.id}", state: OPEN) { userErrors { code } } }`, { token: superAdmin });
    const primary = await byName('primary');
    await setState(primary.id, 'DRAINING');
    // Room on pg-2 for one more.
    await w.world.platform.core.databaseServer.update({ where: { id: pg2.id }, data: { capacity: pg2.tenantCount + 1 } });
    const slug = `far-${randomUUID().slice(0, 6)}`;
    const far = await create(slug);
    await setState(primary.id, 'OPEN');
    expect(far.tenant!.database.server.name).toBe('pg-2');
    const tenantId = far.tenant!.id;
    const owner = w.tokenFor({ sub: randomUUID(), role: 'OWNER', tenantId });
    const made = await gql(w.gateway.url, 'mutation { createLibrary(input: { name: "Far Reading Room", address: "1 Road", city: "Pune", capacity: 10 }) { library { id name } userErrors { code } } }', { token: owner });
    expect(made.data).toMatchObject({ createLibrary: { library: { name: 'Far Reading Room' }, userErrors: [] } });
    const libraryId = (made.data!.createLibrary as { library: { id: string } }).library.id;
    expect((await gql(w.gateway.url, '{ libraries { edges { node { name } } } }', { token: owner })).data).toEqual({ libraries: { edges: [{ node: { name: 'Far Reading Room' } }] } });
    // Tenant A (on primary) cannot see it, and its owner cannot see A's.
    const aOwner = w.ownerToken(w.a);
    expect((await gql(w.gateway.url, '{ library(id: $id) { id } }'.replace('$id', JSON.stringify(libraryId)), { token: aOwner })).data).toEqual({ library: null });
    const aLibraries = (await gql(w.gateway.url, '{ libraries { edges { node { id } } } }', { token: aOwner })).data!.libraries as { edges: { node: { id: string } }[] };
    expect(aLibraries.edges.map((e) => e.node.id)).not.toContain(libraryId);
    expect((await gql(w.gateway.url, `{ library(id: "${w.a.libraryId}") { id } }`, { token: owner })).data).toEqual({ library: null });
    expect((await gql(w.gateway.url, `{ tenant(id: "${w.a.id}") { id } }`, { token: owner })).data).toEqual({ tenant: null });
  });

  it('answers each of two registrations in one document with its server', async () => {
    const doc = `mutation($u: String!) {
      a: registerDatabaseServer(input: { name: "pg-3", url: $u, capacity: 1 }) { server { name } userErrors { code } }
      b: registerDatabaseServer(input: { name: "pg-4", url: $u, capacity: 1 }) { server { name } userErrors { code } }
    }`;
    const r = await gql(w.gateway.url, doc, { token: superAdmin, variables: { u: secondServerUrl() } });
    expect(r.data).toEqual({ a: { server: { name: 'pg-3' }, userErrors: [] }, b: { server: { name: 'pg-4' }, userErrors: [] } });
    for (const name of ['pg-3', 'pg-4']) await setState((await byName(name)).id, 'CLOSED');
  });
});
