// Issue 23: one-fetch operations forwarded without re-execution, the lean /graphql path, and trusted
// documents. Two gateways on one platform — the forwarding one and one with GATEWAY_FORWARD off —
// answer the same requests; their answers (status, body, headers) must be the same. Every other test
// file runs with GATEWAY_FORWARD_VERIFY=1 (vitest.config.ts), which checks the same thing for every
// operation they send.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startGateway, type GatewayServer } from '@studyspot/gateway';
import { metrics } from '@studyspot/runtime/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupergraphWorld, gql, OWNER_PASSWORD, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let general: GatewayServer;
let owner: string;

beforeAll(async () => {
  w = await createSupergraphWorld();
  owner = w.ownerToken(w.a);
  const cfg = w.world.config;
  cfg.gatewayPath = { ...cfg.gatewayPath, forward: false };
  general = await startGateway(w.world.platform, 0);
  cfg.gatewayPath = { ...cfg.gatewayPath, forward: true };
});
afterAll(async () => {
  await general?.close();
  await w?.close();
});

const stats = () => ({ ...w.gateway.forwarding! });
/** Fetches made to the campus subgraph in this process (both gateways), from the metrics. */
const campusFetches = async () =>
  (await metrics.subgraphFetch.get()).values.filter((v) => v.metricName?.endsWith('_count') && v.labels.subgraph === 'campus').reduce((n, v) => n + v.value, 0);
const HEADERS = ['content-type', 'content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-resource-policy', 'access-control-allow-origin', 'cache-control', 'vary'];

async function both(query: string, opts: { token?: string; variables?: Record<string, unknown> } = {}) {
  const [fast, slow] = await Promise.all([gql(w.gateway.url, query, opts), gql(general.url, query, opts)]);
  expect(fast.status).toBe(slow.status);
  expect(JSON.parse(fast.raw)).toEqual(JSON.parse(slow.raw));
  expect(JSON.stringify(JSON.parse(fast.raw))).toBe(JSON.stringify(JSON.parse(slow.raw)));
  for (const h of HEADERS) expect([h, fast.headers.get(h)]).toEqual([h, slow.headers.get(h)]);
  expect(fast.headers.get('x-request-id')).toMatch(/.+/);
  return fast;
}

describe('forwarding without re-execution', () => {
  it('forwards a one-fetch query as the subgraph answered it, with the general path’s answer and headers', async () => {
    const before = stats();
    const r = await both(`{ students(first: 5) { edges { node { id name phone } } } }`, { token: owner });
    expect((r.data!.students as { edges: unknown[] }).edges).toHaveLength(3);
    expect(stats().forwarded).toBe(before.forwarded + 1);
    expect(stats().verified).toBe(before.verified + 1);
  });

  it('forwards aliases, fragments and variables, and sends only the variables the fetch uses', async () => {
    const before = stats();
    const q = `query Roster($n: Int) { roster: students(first: $n) { ...Page } }
      fragment Page on StudentConnection { edges { node { id who: name } } }`;
    const r = await both(q, { token: owner, variables: { n: 2, undeclared: 'x' } });
    expect(r.errors).toBeUndefined();
    expect((r.data!.roster as { edges: { node: { who: string } }[] }).edges.map((e) => typeof e.node.who)).toEqual(['string', 'string']);
    expect(stats().forwarded).toBe(before.forwarded + 1);
  });

  it('keeps the general path for a cross-subgraph query, introspection and a root __typename', async () => {
    const before = stats();
    await both(`{ currentTenant { name libraries { edges { node { name } } } } me { name role } }`, { token: owner });
    await both(`{ __typename students(first: 1) { edges { node { id } } } }`, { token: owner });
    await both(`{ __schema { queryType { name } } }`, { token: owner });
    expect(stats().forwarded).toBe(before.forwarded);
  });

  it('hands an answer with errors to the general path without fetching twice: the same codes and masking', async () => {
    const student = w.tokenFor({ sub: w.a.studentIds[0]!, role: 'STUDENT', tenantId: w.a.id });
    const before = stats();
    const fetches0 = await campusFetches();
    const r = await both(`{ students(first: 5) { edges { node { id } } } }`, { token: student });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // One campus fetch on each gateway: the handed-over answer was not fetched again.
    expect((await campusFetches()) - fetches0).toBe(2);
    expect(stats().handedOver).toBe(before.handedOver + 1);
    expect(stats().forwarded).toBe(before.forwarded);
  });

  it('runs a forwarded mutation once', async () => {
    const count = async () => ((await gql(w.gateway.url, `{ students(first: 100) { edges { node { id } } } }`, { token: owner })).data!.students as { edges: unknown[] }).edges.length;
    const n = await count();
    const before = stats();
    const r = await gql(w.gateway.url, `mutation($i: StudentInput!) { createStudent(input: $i) { student { name } userErrors { code } } }`, { token: owner, variables: { i: { name: 'Forwarded Once', phone: '9123400001' } } });
    expect(r.data).toEqual({ createStudent: { student: { name: 'Forwarded Once' }, userErrors: [] } });
    expect(stats().forwarded).toBe(before.forwarded + 1);
    expect(await count()).toBe(n + 1);
  });

  it('signs in through the forwarding path (an anonymous public mutation)', async () => {
    const before = stats();
    const r = await both(`mutation($i: LoginInput!) { login(input: $i) { userErrors { code } } }`, { variables: { i: { email: 'nobody@alpha.test', password: 'wrong wrong wrong' } } });
    expect((r.data!.login as { userErrors: { code: string }[] }).userErrors[0]?.code).toBe('INVALID_CREDENTIALS');
    expect(stats().forwarded).toBe(before.forwarded + 1);
    const ok = await gql(w.gateway.url, `mutation($i: LoginInput!) { login(input: $i) { accessToken user { name } } }`, { variables: { i: { email: 'owner@alpha.test', password: OWNER_PASSWORD } } });
    expect(ok.data?.login).toMatchObject({ user: { name: 'alpha owner' } });
  });

  it('answers refusals exactly as before: limits, bad tokens, bad variables, bad JSON, oversized bodies', async () => {
    await both(`{ students(first: "abc") { edges { node { id } } } }`, { token: owner });
    await both(`query($n: Int) { students(first: $n) { edges { node { id } } } }`, { token: owner, variables: { n: 'many' } });
    await both(`{ students(first: 5) { edges { node { id } } } }`, { token: 'not-a-token' });
    await both(`{ students(first: 5) { edges { node { id } } } }`);
    for (const url of [w.gateway.url, general.url]) {
      const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
      expect([bad.status, ((await bad.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code]).toEqual([400, 'BAD_REQUEST']);
      const big = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ __typename }`, pad: 'x'.repeat(200_000) }) });
      expect([big.status, ((await big.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      const batch = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
      expect(batch.status).toBe(400);
    }
  });
});

// The product's manifests: the frontend operations the tests check, and the dashboard's and insights page's.
const manifest = Object.assign(
  {},
  ...['./generated/persisted-documents.json', '../gateway/dashboard/generated/persisted-documents.json'].map((f) => JSON.parse(readFileSync(new URL(f, import.meta.url), 'utf8')) as Record<string, string>),
) as Record<string, string>;
const hashOf = (name: string) => {
  const entry = Object.entries(manifest).find(([, text]) => new RegExp(`^(query|mutation) ${name}\\b`).test(text));
  if (!entry) throw new Error(`${name} is not in the product's manifests`);
  return entry[0];
};

async function post(url: string, body: object, token?: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] } };
}

describe('trusted documents', () => {
  it('admits a manifest document by its hash, in both request forms and over GET, with the same answer as its text', async () => {
    const [hash, text] = Object.entries(manifest).find(([, t]) => t.startsWith('query DashboardLibraries'))!;
    const byText = await post(w.gateway.url, { query: text }, owner);
    const byDocumentId = await post(w.gateway.url, { documentId: hash }, owner);
    const byApq = await post(w.gateway.url, { extensions: { persistedQuery: { version: 1, sha256Hash: hash.replace('sha256:', '') } } }, owner);
    expect(byDocumentId).toEqual(byText);
    expect(byApq).toEqual(byText);
    const get = await fetch(`${w.gateway.url}?documentId=${encodeURIComponent(hash)}`, { headers: { authorization: `Bearer ${owner}`, 'apollo-require-preflight': '1' } });
    expect({ status: get.status, body: await get.json() }).toEqual(byText);
  });

  it('refuses an unknown hash and a hash that does not match the text sent with it', async () => {
    const unknown = await post(w.gateway.url, { documentId: `sha256:${'0'.repeat(64)}` }, owner);
    expect([unknown.status, unknown.body.errors?.[0]?.extensions?.code]).toEqual([400, 'PERSISTED_QUERY_NOT_FOUND']);
    const mismatch = await post(w.gateway.url, { query: '{ me { name } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }, owner);
    expect([mismatch.status, mismatch.body.errors?.[0]?.extensions?.code]).toEqual([400, 'BAD_REQUEST']);
    const malformed = await post(w.gateway.url, { documentId: 'abc' }, owner);
    expect(malformed.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('TRUSTED_DOCUMENTS=anonymous refuses other documents from callers without a token; =all from everyone', async () => {
    const cfg = w.world.config;
    const login = (email: string) => ({ documentId: hashOf('DashboardLogin'), variables: { email, password: OWNER_PASSWORD } });
    for (const mode of ['anonymous', 'all'] as const) {
      cfg.gatewayPath = { ...cfg.gatewayPath, trusted: mode };
      const gw = await startGateway(w.world.platform, 0);
      try {
        const signIn = await post(gw.url, login('owner@alpha.test'));
        expect(signIn.body.errors).toBeUndefined();
        const adHoc = await post(gw.url, { query: `mutation { login(input: { email: "owner@alpha.test", password: "${OWNER_PASSWORD}" }) { accessToken } }` });
        expect([adHoc.status, adHoc.body.errors?.[0]?.extensions?.code]).toEqual([400, 'PERSISTED_QUERY_NOT_IN_LIST']);
        // The manifest's text, sent as text and spaced differently, is the same trusted document.
        const spaced = manifest[hashOf('DashboardLogin')]!.replace(/ \{ /g, ' {\n  ');
        expect((await post(gw.url, { query: spaced, variables: { email: 'owner@alpha.test', password: OWNER_PASSWORD } })).body.errors).toBeUndefined();
        const signedIn = await post(gw.url, { query: '{ me { name } }' }, owner);
        if (mode === 'anonymous') expect(signedIn.body.data).toEqual({ me: { name: 'alpha owner' } });
        else expect(signedIn.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      } finally {
        await gw.close();
      }
    }
    cfg.gatewayPath = { ...cfg.gatewayPath, trusted: 'off' };
  });

  it('publishes hashes that are the SHA-256 of their documents', () => {
    for (const [hash, text] of Object.entries(manifest)) expect(hash).toBe(`sha256:${createHash('sha256').update(text).digest('hex')}`);
    expect(Object.keys(manifest).length).toBeGreaterThanOrEqual(10);
  });
});
