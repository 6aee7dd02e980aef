// Every query and mutation of identity and tenancy × every kind of caller: no token, an expired or
// tampered token, each role, and a caller from another tenant. The table below says who may call
// what; a test fails when an operation exists that the table does not cover.
import { randomUUID } from 'node:crypto';
import { identitySubgraph } from '@studyspot/identity';
import { buildSubgraph, rootFieldAccess, type Role } from '@studyspot/runtime';
import { hashPassword } from '@studyspot/runtime/security';
import { tenancySubgraph } from '@studyspot/tenancy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupergraphWorld, gql, type GqlResult, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let victimId: string;
let victimTenantId: string;
type Caller = 'anonymous' | 'expired' | 'tampered' | Role | 'OWNER_OF_OTHER_TENANT';
const CALLERS: Caller[] = ['anonymous', 'expired', 'tampered', 'SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'OWNER', 'MANAGER', 'STAFF', 'STUDENT', 'OWNER_OF_OTHER_TENANT'];
const tokens = new Map<Caller, string | undefined>();

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true });
  const core = w.world.platform.core;
  const victim = await core.user.create({ data: { name: 'Victim Staff', email: 'victim@alpha.test', role: 'STAFF', tenantId: w.a.id, passwordHash: await hashPassword('victim password 123') } });
  victimId = victim.id;
  const t = await w.world.platform.core.tenant.create({ data: { slug: 'matrix-victim', name: 'Matrix victim', dbName: `${w.world.db.prefix}t_matrix_victim`, status: 'ACTIVE' } });
  victimTenantId = t.id;
  const user = (role: Role, tenantId: string | null) => w.tokenFor({ sub: randomUUID(), role, tenantId });
  for (const role of ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'] as const) tokens.set(role, user(role, null));
  for (const role of ['MANAGER', 'STAFF', 'STUDENT'] as const) tokens.set(role, user(role, w.a.id));
  tokens.set('OWNER', w.ownerToken(w.a));
  tokens.set('OWNER_OF_OTHER_TENANT', w.ownerToken(w.b));
  tokens.set('anonymous', undefined);
  tokens.set('expired', w.tokenFor({ sub: w.a.ownerId, role: 'OWNER', tenantId: w.a.id }, -60));
  const good = w.ownerToken(w.a).split('.');
  tokens.set('tampered', `${good[0]}.${Buffer.from(JSON.stringify({ role: 'SUPER_ADMIN', tid: null, sub: w.a.ownerId, iss: 'studyspot', aud: 'studyspot-api', exp: 4e9 })).toString('base64url')}.${good[2]}`);
});
afterAll(async () => {
  await w?.close();
});

const PLATFORM: Role[] = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'];
const PLATFORM_ADMINS: Role[] = ['SUPER_ADMIN', 'ADMIN'];
const EVERYONE: Role[] = [...PLATFORM, 'OWNER', 'MANAGER', 'STAFF', 'STUDENT'];

interface Operation {
  /** GraphQL document; `$caller` in it is replaced by a per-caller suffix. */
  doc: string;
  variables?: (caller: string) => Record<string, unknown>;
  /** Roles that pass authorization (everyone else: FORBIDDEN; anonymous: UNAUTHENTICATED). Public operations: 'public'. */
  allowed: Role[] | 'public';
  /** What a caller from another tenant gets although the role is allowed: the other tenant's data stays out of reach. */
  otherTenant?: (r: GqlResult) => void;
}

const A = () => w.a;
const payloadCode = (field: string) => (r: GqlResult) => expect((r.data?.[field] as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);

const MATRIX: Record<string, Operation> = {
  // identity
  'Query.me': { doc: '{ me { id } }', allowed: EVERYONE },
  'Query.verifyToken': { doc: '{ verifyToken { role } }', allowed: EVERYONE },
  'Query.user': { doc: 'query($id: ID!) { user(id: $id) { id } }', variables: () => ({ id: victimId }), allowed: [...PLATFORM, 'OWNER', 'MANAGER'], otherTenant: (r) => expect(r.data).toEqual({ user: null }) },
  'Query.users': {
    doc: '{ users(first: 100) { edges { node { tenant { id } } } } }',
    allowed: [...PLATFORM, 'OWNER', 'MANAGER'],
    otherTenant: (r) => expect((r.data!.users as { edges: { node: { tenant: { id: string } } }[] }).edges.every((e) => e.node.tenant.id === w.b.id)).toBe(true),
  },
  'Query.auditLogs': {
    doc: '{ auditLogs(first: 100) { edges { node { tenant { id } } } } }',
    allowed: [...PLATFORM_ADMINS, 'OWNER'],
    otherTenant: (r) => expect((r.data!.auditLogs as { edges: { node: { tenant: { id: string } | null } }[] }).edges.every((e) => e.node.tenant?.id === w.b.id)).toBe(true),
  },
  'Mutation.login': { doc: 'mutation { login(input: { email: "nobody@x.test", password: "wrong password 1" }) { userErrors { code } } }', allowed: 'public' },
  'Mutation.requestOtp': { doc: 'mutation { requestOtp(input: { tenantSlug: "alpha", phone: "9800000000" }) { userErrors { code } } }', allowed: 'public' },
  'Mutation.loginWithOtp': { doc: 'mutation { loginWithOtp(input: { tenantSlug: "alpha", phone: "9800000000", code: "000000" }) { userErrors { code } } }', allowed: 'public' },
  'Mutation.refreshSession': { doc: 'mutation { refreshSession(refreshToken: "not-a-token") { userErrors { code } } }', allowed: 'public' },
  'Mutation.logout': { doc: 'mutation { logout { revoked } }', allowed: EVERYONE },
  'Mutation.changePassword': { doc: 'mutation { changePassword(input: { currentPassword: "wrong one 12345", newPassword: "another long one 1" }) { userErrors { code } } }', allowed: EVERYONE },
  'Mutation.createUser': {
    doc: 'mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } userErrors { code } } }',
    variables: (c) => ({ i: { name: 'New Staff', role: 'STAFF', email: `matrix-${c.toLowerCase()}@alpha.test`, tenantId: A().id } }),
    allowed: [...PLATFORM_ADMINS, 'OWNER'],
    otherTenant: (r) => expect((r.data!.createUser as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['NOT_ALLOWED']),
  },
  'Mutation.updateUser': { doc: 'mutation($id: ID!) { updateUser(id: $id, input: { name: "Renamed" }) { userErrors { code } } }', variables: () => ({ id: victimId }), allowed: [...PLATFORM_ADMINS, 'OWNER'], otherTenant: payloadCode('updateUser') },
  'Mutation.deactivateUser': { doc: 'mutation($id: ID!) { deactivateUser(id: $id) { userErrors { code } } }', variables: () => ({ id: victimId }), allowed: [...PLATFORM_ADMINS, 'OWNER'], otherTenant: payloadCode('deactivateUser') },
  'Mutation.reactivateUser': { doc: 'mutation($id: ID!) { reactivateUser(id: $id) { userErrors { code } } }', variables: () => ({ id: victimId }), allowed: [...PLATFORM_ADMINS, 'OWNER'], otherTenant: payloadCode('reactivateUser') },
  'Mutation.setUserPassword': { doc: 'mutation($id: ID!) { setUserPassword(id: $id) { userErrors { code } } }', variables: () => ({ id: victimId }), allowed: [...PLATFORM_ADMINS, 'OWNER'], otherTenant: payloadCode('setUserPassword') },
  // tenancy
  'Query.tenant': { doc: 'query($id: ID!) { tenant(id: $id) { id } }', variables: () => ({ id: A().id }), allowed: [...PLATFORM, 'OWNER', 'MANAGER', 'STAFF'], otherTenant: (r) => expect(r.data).toEqual({ tenant: null }) },
  'Query.currentTenant': { doc: '{ currentTenant { id } }', allowed: [...PLATFORM, 'OWNER', 'MANAGER', 'STAFF'], otherTenant: (r) => expect(r.data).toEqual({ currentTenant: { id: w.b.id } }) },
  'Query.tenants': { doc: '{ tenants(first: 5) { edges { node { id } } } }', allowed: PLATFORM },
  'Mutation.createTenant': {
    doc: 'mutation($i: CreateTenantInput!) { createTenant(input: $i) { tenant { status } userErrors { code } } }',
    variables: (c) => ({ i: { name: 'Matrix', slug: `matrix-${c.toLowerCase().replace(/_/g, '-')}`, owner: { name: 'M Owner', email: `owner-${c.toLowerCase()}@matrix.test` } } }),
    allowed: PLATFORM_ADMINS,
  },
  'Mutation.retryTenantProvisioning': { doc: 'mutation($id: ID!) { retryTenantProvisioning(id: $id) { userErrors { code } } }', variables: () => ({ id: victimTenantId }), allowed: PLATFORM_ADMINS },
  'Mutation.updateTenant': { doc: 'mutation($id: ID!) { updateTenant(id: $id, input: { contactEmail: "desk@alpha.test" }) { userErrors { code } } }', variables: () => ({ id: A().id }), allowed: [...PLATFORM_ADMINS, 'OWNER'], otherTenant: payloadCode('updateTenant') },
  'Mutation.suspendTenant': { doc: 'mutation($id: ID!) { suspendTenant(id: $id, reason: "matrix") { userErrors { code } } }', variables: () => ({ id: victimTenantId }), allowed: PLATFORM_ADMINS },
  'Mutation.reactivateTenant': { doc: 'mutation($id: ID!) { reactivateTenant(id: $id) { userErrors { code } } }', variables: () => ({ id: victimTenantId }), allowed: PLATFORM_ADMINS },
  'Mutation.deleteTenant': { doc: 'mutation($id: ID!) { deleteTenant(id: $id) { userErrors { code } } }', variables: () => ({ id: victimTenantId }), allowed: PLATFORM_ADMINS },
  'Mutation.restoreTenant': { doc: 'mutation($id: ID!) { restoreTenant(id: $id) { userErrors { code } } }', variables: () => ({ id: victimTenantId }), allowed: PLATFORM_ADMINS },
  'Mutation.purgeTenant': { doc: 'mutation($id: ID!) { purgeTenant(id: $id) { userErrors { code } } }', variables: () => ({ id: victimTenantId }), allowed: ['SUPER_ADMIN'] },
  // the placement map (platform roles read it; only super admins change it). The register call names a
  // port nothing listens on, so an allowed caller gets a user error and nothing is registered.
  'Query.databaseServers': { doc: '{ databaseServers { id name } }', allowed: PLATFORM },
  'Mutation.registerDatabaseServer': { doc: 'mutation($n: String!) { registerDatabaseServer(input: { name: $n, url: "postgresql://postgres@127.0.0.1:1/" }) { userErrors { code } } }', variables: (c) => ({ n: `matrix-${c.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` }), allowed: ['SUPER_ADMIN'] },
  'Mutation.setDatabaseServerState': { doc: 'mutation($id: ID!) { setDatabaseServerState(id: $id, state: OPEN) { userErrors { code } } }', variables: () => ({ id: randomUUID() }), allowed: ['SUPER_ADMIN'] },
  // moves (an unknown server: an allowed caller gets NOT_FOUND and nothing moves)
  'Query.tenantMoves': { doc: 'query($id: ID!) { tenantMoves(tenantId: $id) { id } }', variables: () => ({ id: victimTenantId }), allowed: PLATFORM },
  'Mutation.moveTenant': { doc: 'mutation($id: ID!, $s: ID!) { moveTenant(input: { tenantId: $id, serverId: $s }) { userErrors { code } } }', variables: () => ({ id: victimTenantId, s: randomUUID() }), allowed: ['SUPER_ADMIN'] },
  // test clocks (platform only: no tenant role reaches them, its own tenant's included)
  'Query.testClocks': { doc: '{ testClocks { id } }', allowed: PLATFORM },
  'Query.testClock': { doc: 'query($id: ID!) { testClock(id: $id) { id } }', variables: () => ({ id: randomUUID() }), allowed: PLATFORM },
  'Mutation.createTestClock': { doc: 'mutation($n: String!) { createTestClock(name: $n) { testClock { id } userErrors { code } } }', variables: (c) => ({ n: `matrix ${c}` }), allowed: PLATFORM_ADMINS },
  'Mutation.attachTestClock': { doc: 'mutation($c: ID!, $t: ID!) { attachTestClock(testClockId: $c, tenantId: $t) { userErrors { code } } }', variables: () => ({ c: randomUUID(), t: victimTenantId }), allowed: PLATFORM_ADMINS },
  'Mutation.advanceTestClock': { doc: 'mutation($c: ID!) { advanceTestClock(id: $c, to: "2030-01-01T00:00:00Z") { userErrors { code } } }', variables: () => ({ c: randomUUID() }), allowed: PLATFORM_ADMINS },
  'Mutation.deleteTestClock': { doc: 'mutation($c: ID!) { deleteTestClock(id: $c) { userErrors { code } } }', variables: () => ({ c: randomUUID() }), allowed: PLATFORM_ADMINS },
};

function expectedFor(op: Operation, caller: Caller): 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN' {
  if (caller === 'expired' || caller === 'tampered') return 'UNAUTHENTICATED';
  if (op.allowed === 'public') return 'ok';
  if (caller === 'anonymous') return 'UNAUTHENTICATED';
  const role: Role = caller === 'OWNER_OF_OTHER_TENANT' ? 'OWNER' : caller;
  return op.allowed.includes(role) ? 'ok' : 'FORBIDDEN';
}

describe('authorization matrix (identity, tenancy)', () => {
  it('covers every query and mutation the two subgraphs have', () => {
    const fields = [identitySubgraph, tenancySubgraph].flatMap((m) => rootFieldAccess(buildSubgraph(m)).map((f) => `${f.type}.${f.field}`));
    expect(Object.keys(MATRIX).sort()).toEqual([...new Set(fields)].sort());
  });

  it('agrees with the @auth rules declared in the SDL', () => {
    const declared = new Map([identitySubgraph, tenancySubgraph].flatMap((m) => rootFieldAccess(buildSubgraph(m)).map((f): [string, string] => [`${f.type}.${f.field}`, f.access])));
    for (const [name, op] of Object.entries(MATRIX)) expect([name, op.allowed === 'public']).toEqual([name, declared.get(name) === 'public']);
  });

  const cases = Object.entries(MATRIX).flatMap(([name, op]) => CALLERS.map((caller) => [name, caller, op] as const));
  it.each(cases)('%s as %s', async (_name, caller, op) => {
    const r = await gql(w.gateway.url, op.doc, { token: tokens.get(caller), variables: op.variables?.(caller), headers: { 'x-forwarded-for': `10.99.${CALLERS.indexOf(caller)}.1` } });
    const expected = expectedFor(op, caller);
    const authCodes = (r.errors ?? []).map((e) => e.extensions?.code).filter((c) => c === 'UNAUTHENTICATED' || c === 'FORBIDDEN');
    if (expected === 'ok') {
      expect(authCodes).toEqual([]);
      expect(r.errors).toBeUndefined();
      if (caller === 'OWNER_OF_OTHER_TENANT') op.otherTenant?.(r);
    } else {
      expect(authCodes).toEqual([expected]);
      if (caller === 'expired' || caller === 'tampered') expect(r.status).toBe(401);
      // Nothing leaks: no data at all, or only nulls for the refused fields.
      for (const value of Object.values(r.data ?? {})) expect(value).toBeNull();
    }
  });
});
