// The whole supergraph through the gateway over HTTP, subgraphs in-process (the embedded layout).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupergraphWorld, gql, seedTenant, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
beforeAll(async () => {
  w = await createSupergraphWorld();
});
afterAll(async () => {
  await w?.close();
});

const CROSS = /* GraphQL */ `
  query TenantOverview {
    currentTenant {
      slug
      libraries(first: 5) {
        edges {
          node {
            name
            seatCount
            students(first: 2) {
              edges { node { name payments { edges { node { amountPaise } } } } }
              pageInfo { hasNextPage endCursor }
            }
          }
        }
      }
    }
    notifications(first: 1) { edges { node { body student { name library { name } } } } }
    me { name role tenant { slug } }
  }
`;

describe('supergraph (in-process subgraphs)', () => {
  it('answers a query spanning all five subgraphs', async () => {
    const r = await gql(w.gateway.url, CROSS, { token: w.ownerToken(w.a) });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      currentTenant: {
        slug: 'alpha',
        libraries: {
          edges: [
            {
              node: {
                name: 'alpha reading room',
                seatCount: 12,
                students: {
                  edges: [
                    { node: { name: 'Rohan Patil', payments: { edges: [{ node: { amountPaise: 120000 } }] } } },
                    { node: { name: 'Sneha Joshi', payments: { edges: [{ node: { amountPaise: 120001 } }] } } },
                  ],
                  pageInfo: { hasNextPage: true, endCursor: expect.any(String) },
                },
              },
            },
          ],
        },
      },
      notifications: { edges: [{ node: { body: 'hello Rohan Patil', student: { name: 'Rohan Patil', library: { name: 'alpha reading room' } } } }] },
      me: { name: 'alpha owner', role: 'OWNER', tenant: { slug: 'alpha' } },
    });
  });

  it('pages through a connection with the end cursor', async () => {
    const q = `query($after: String) { students(first: 2, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor } } }`;
    const token = w.ownerToken(w.a);
    const p1 = await gql(w.gateway.url, q, { token });
    const page1 = p1.data!.students as { edges: { node: { name: string } }[]; pageInfo: { endCursor: string; hasNextPage: boolean } };
    const p2 = await gql(w.gateway.url, q, { token, variables: { after: page1.pageInfo.endCursor } });
    const page2 = p2.data!.students as typeof page1;
    expect([...page1.edges, ...page2.edges].map((e) => e.node.name)).toEqual(['Rohan Patil', 'Sneha Joshi', 'Imran Shaikh']);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses anonymous access to tenant data with UNAUTHENTICATED and no data', async () => {
    const r = await gql(w.gateway.url, '{ students { edges { node { name } } } }');
    // Refused by the gateway before planning: a request error, so no `data` at all.
    expect(r.status).toBe(401);
    expect(r.data).toBeUndefined();
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('answers 401 for a tampered, expired or malformed token', async () => {
    const good = w.ownerToken(w.a);
    const [h, p, s] = good.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: 'SUPER_ADMIN' })).toString('base64url')}.${s}`;
    const garbled = `${h}.${p!.slice(0, -2)}xx.${s}`;
    const expired = w.tokenFor({ sub: w.a.ownerId, role: 'OWNER', tenantId: w.a.id }, -5);
    for (const [headers, message] of [
      [{ authorization: `Bearer ${tampered}` }, 'Invalid access token'],
      [{ authorization: `Bearer ${garbled}` }, 'Malformed access token'],
      [{ authorization: `Bearer ${expired}` }, 'Access token expired'],
      [{ authorization: 'Basic abc' }, 'Authorization header must be "Bearer <token>"'],
    ] as const) {
      const r = await gql(w.gateway.url, '{ me { name } }', { headers });
      expect(r.status).toBe(401);
      expect(r.errors).toEqual([{ message, extensions: { code: 'UNAUTHENTICATED' } }]);
    }
  });

  it('keeps tenants apart: ids of another tenant resolve to nothing', async () => {
    const token = w.ownerToken(w.b);
    const r = await gql(
      w.gateway.url,
      `query($t: ID!, $s: ID!, $l: ID!, $p: ID!, $n: ID!, $u: ID!) {
        tenant(id: $t) { name } student(id: $s) { name } library(id: $l) { name }
        payment(id: $p) { amountPaise } notification(id: $n) { body } user(id: $u) { name }
      }`,
      { token, variables: { t: w.a.id, s: w.a.studentIds[0], l: w.a.libraryId, p: w.a.paymentIds[0], n: w.a.notificationIds[0], u: w.a.ownerId } },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ tenant: null, student: null, library: null, payment: null, notification: null, user: null });
    const own = await gql(w.gateway.url, '{ students { edges { node { name } } } }', { token });
    expect(own.data).toEqual({ students: { edges: [{ node: { name: 'Kavya Nair' } }] } });
  });

  it('lets a platform admin act on a tenant chosen with X-Tenant-Id, and asks for one otherwise', async () => {
    const token = w.tokenFor({ sub: randomUUID(), role: 'SUPPORT', tenantId: null });
    const r = await gql(w.gateway.url, '{ libraries { edges { node { name } } } }', { token, headers: { 'x-tenant-id': w.b.id } });
    expect(r.data).toEqual({ libraries: { edges: [{ node: { name: 'beta reading room' } }] } });
    const none = await gql(w.gateway.url, '{ libraries { edges { node { name } } } }', { token });
    expect(none.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tenants = await gql(w.gateway.url, '{ tenants(first: 10) { edges { node { slug status } } } }', { token });
    expect(tenants.data).toEqual({ tenants: { edges: [{ node: { slug: 'alpha', status: 'ACTIVE' } }, { node: { slug: 'beta', status: 'ACTIVE' } }] } });
  });

  it('ignores X-Tenant-Id from tenant roles', async () => {
    const r = await gql(w.gateway.url, '{ students { edges { node { name } } } }', { token: w.ownerToken(w.b), headers: { 'x-tenant-id': w.a.id } });
    expect(r.data).toEqual({ students: { edges: [{ node: { name: 'Kavya Nair' } }] } });
  });

  it('forbids what a role does not grant', async () => {
    const r = await gql(w.gateway.url, '{ tenants { edges { node { slug } } } }', { token: w.ownerToken(w.a) });
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const staff = w.tokenFor({ sub: randomUUID(), role: 'STAFF', tenantId: w.a.id });
    // The front desk takes payments but does not refund them or touch the gateway accounts.
    const refund = await gql(w.gateway.url, 'mutation($p: ID!) { refundPayment(input: { paymentId: $p, idempotencyKey: "staff-refund-1" }) { refund { id } } }', { token: staff, variables: { p: w.a.paymentIds[0] } });
    expect(refund.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const accounts = await gql(w.gateway.url, '{ gatewayAccounts { provider } }', { token: staff });
    expect(accounts.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('answers TENANT_SUSPENDED for a suspended tenant within a second', async () => {
    const c = await seedTenant(w.world, 'gamma', ['Arjun Mehta']);
    const token = w.ownerToken(c);
    expect((await gql(w.gateway.url, '{ students { edges { node { name } } } }', { token })).errors).toBeUndefined();
    await w.world.platform.core.tenant.update({ where: { id: c.id }, data: { status: 'SUSPENDED' } });
    await new Promise((r) => setTimeout(r, 1_100));
    const r = await gql(w.gateway.url, '{ students { edges { node { name } } } }', { token });
    expect(r.errors).toEqual([expect.objectContaining({ message: 'This tenant is suspended', extensions: expect.objectContaining({ code: 'TENANT_SUSPENDED' }) })]);
  });

  it('masks unexpected failures: no SQL, no stack, and the request id in the header', async () => {
    const d = await seedTenant(w.world, 'delta', ['Meera Iyer']);
    await w.world.platform.tenants.withTenant(d.id, (db) => db.$executeRawUnsafe('alter table payments rename to payments_gone'));
    const requestId = 'test-req-42';
    const r = await gql(w.gateway.url, '{ payments { edges { node { id } } } }', { token: w.ownerToken(d), headers: { 'x-request-id': requestId } });
    expect(r.headers.get('x-request-id')).toBe(requestId);
    expect(r.errors).toEqual([{ message: 'Internal server error', path: ['payments'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(r.raw).not.toMatch(/payments_gone|relation|select|at .*\.ts/i);
  });

  it('rejects a forged cursor as bad input', async () => {
    const r = await gql(w.gateway.url, '{ students(after: "bm9wZQ") { edges { cursor } } }', { token: w.ownerToken(w.a) });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('serves /healthz and /readyz', async () => {
    const base = new URL(w.gateway.url);
    const health = await fetch(new URL('/healthz', base));
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(new URL('/readyz', base));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', events: 'ok', subgraphs: 'ok' } });
  });

  it('shows a browser the local explorer (nothing from the internet), and a GraphQL client the API', async () => {
    const res = await fetch(w.gateway.url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/explorer/app.js">');
    // Every script and stylesheet is the gateway's own; the only outside address is the Sandbox link.
    expect([...html.matchAll(/(?:src|href)="(https?:[^"]+)"/g)].map((m) => new URL(m[1]!).host)).toEqual(['studio.apollographql.com']);
    const js = await fetch(new URL('/explorer/app.js', w.gateway.url));
    expect([js.status, js.headers.get('content-type')]).toEqual([200, 'application/javascript; charset=utf-8']);
    const body = await js.text();
    expect(body.length).toBeGreaterThan(500_000);
    expect(body).not.toMatch(/https:\/\/(unpkg|cdn\.jsdelivr|esm\.sh|embeddable-sandbox)/);
    expect((await fetch(new URL('/explorer/app.css', w.gateway.url))).status).toBe(200);
    // A GET with a query is still the API, whatever the Accept header.
    const api = await fetch(`${w.gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json', 'apollo-require-preflight': '1' } });
    expect(await api.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
