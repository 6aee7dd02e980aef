// The services layout: each subgraph on its own HTTP port, the gateway calling them over HTTP.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type GatewayServer } from '@studyspot/gateway';
import { createPlatform, HEADER, identityHeaders, type Config, type RunningServer, type SubgraphName } from '@studyspot/runtime';
import { createLogger } from '@studyspot/runtime/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServicesLayout, type ServicesLayout } from './support/services.ts';
import { gql, seedTenant, type SeededTenant } from './support/supergraph.ts';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';

let world: TestWorld;
let layout: ServicesLayout;
let gateway: GatewayServer;
let subgraphs: Map<SubgraphName, RunningServer>;
let a: SeededTenant;

beforeAll(async () => {
  world = await createTestWorld();
  a = await seedTenant(world, 'alpha', ['Rohan Patil', 'Sneha Joshi']);
  // The gateway process: its own platform (as in `pnpm dev`), same databases and secret.
  layout = await startServicesLayout(world);
  ({ gateway, subgraphs } = layout);
});

afterAll(async () => {
  await layout?.close();
  await world?.close();
});

describe('subgraphs over HTTP', () => {
  it('answers a cross-subgraph query through the gateway', async () => {
    const r = await gql(
      gateway.url,
      '{ currentTenant { slug libraries { edges { node { name students { edges { node { name payments { edges { node { amountPaise } } } } } } } } } } }',
      { token: world.token({ sub: a.ownerId, role: 'OWNER', tenantId: a.id }) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      currentTenant: {
        slug: 'alpha',
        libraries: {
          edges: [
            {
              node: {
                name: 'alpha reading room',
                students: {
                  edges: [
                    { node: { name: 'Rohan Patil', payments: { edges: [{ node: { amountPaise: 120000 } }] } } },
                    { node: { name: 'Sneha Joshi', payments: { edges: [{ node: { amountPaise: 120001 } }] } } },
                  ],
                },
              },
            },
          ],
        },
      },
    });
  });

  it('a subgraph refuses requests that do not carry the gateway secret', async () => {
    const url = subgraphs.get('campus')!.url;
    const claims = { sub: a.ownerId, role: 'OWNER' as const, tenantId: a.id };
    const forged = identityHeaders({ requestId: 'r1', claims, actingTenantId: null }, 'not-the-secret');
    for (const headers of [{}, forged]) {
      const r = await gql(url, '{ students { edges { node { name } } } }', { headers });
      expect(r.status).toBe(401);
      expect(r.data).toBeUndefined();
      expect(r.errors).toEqual([{ message: 'Subgraphs accept requests only from the gateway', extensions: { code: 'UNAUTHENTICATED' } }]);
    }
    const genuine = identityHeaders({ requestId: 'r2', claims, actingTenantId: null }, world.config.gatewaySecret);
    const ok = await gql(url, '{ students { edges { node { name } } } }', { headers: genuine });
    expect(ok.data).toEqual({ students: { edges: [{ node: { name: 'Rohan Patil' } }, { node: { name: 'Sneha Joshi' } }] } });
    expect(genuine[HEADER.requestId]).toBe('r2');
  });

  it("keeps subgraphs' error codes through the gateway, also for an answer the subgraph gives with HTTP 400", async () => {
    const owner = world.token({ sub: a.ownerId, role: 'OWNER', tenantId: a.id });
    const long = await gql(gateway.url, 'query($s: String) { students(search: $s) { edges { node { name } } } }', { token: owner, variables: { s: 'x'.repeat(201) } });
    expect(long.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(long.errors?.[0]?.message).toContain('at most 200 characters');
    const page = await gql(gateway.url, '{ students(first: 1000) { edges { node { name } } } }', { token: owner });
    expect(page.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    // A subgraph answers a variable that does not fit its type with HTTP 400 and a coded body; the
    // gateway normally refuses such values first, so call the data source with one directly.
    const { SubgraphDataSource } = await import('../gateway/src/remote-data-source.ts');
    const source = new SubgraphDataSource('campus', subgraphs.get('campus')!.url, world.platform);
    const identity = { requestId: 'r3', claims: { sub: a.ownerId, role: 'OWNER' as const, tenantId: a.id }, actingTenantId: null };
    const context = { identity, logger: world.platform.logger };
    const res = await source.process({
      kind: 0 as never,
      request: { query: 'query($d: Date!) { occupancyTimeline(libraryId: "x", date: $d) { hour } }', variables: { d: '2026-02-30' }, http: { method: 'POST', url: '', headers: new Headers() as never } },
      context,
    } as never);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('resolves the tenant of a user who signs in, over HTTP too', async () => {
    const r = await gql(gateway.url, 'mutation { login(input: { email: "owner@alpha.test", password: "lamp orbit cactus 42" }) { user { tenant { slug } } userErrors { code } } }');
    expect(r.data).toEqual({ login: { user: { tenant: { slug: 'alpha' } }, userErrors: [] } });
  });

  it('runs a tenant on a test clock over HTTP too: its requests read the clock, an advance runs its platform billing', async () => {
    const { randomUUID } = await import('node:crypto');
    const { addDays, clock, istDay, istInstant } = await import('@studyspot/runtime');
    const admin = world.token({ sub: randomUUID(), role: 'SUPER_ADMIN', tenantId: null });
    const owner = world.token({ sub: a.ownerId, role: 'OWNER', tenantId: a.id });
    const day0 = addDays(istDay(clock.processNow()), 3);
    const start = istInstant(day0, 600);
    const made = await gql(gateway.url, 'mutation($t: DateTime!) { createTestClock(name: "http", frozenTime: $t) { testClock { id } userErrors { code } } }', { token: admin, variables: { t: start.toISOString() } });
    const clockId = (made.data!.createTestClock as { testClock: { id: string } }).testClock.id;
    expect((await gql(gateway.url, 'mutation($c: ID!, $t: ID!) { attachTestClock(testClockId: $c, tenantId: $t) { userErrors { code } } }', { token: admin, variables: { c: clockId, t: a.id } })).data).toEqual({ attachTestClock: { userErrors: [] } });
    const plan = await gql(gateway.url, 'mutation { createPlan(input: { code: "http-trial", name: "Trial", pricePaise: 10000, cycle: MONTHLY, trialDays: 7 }) { plan { id } } }', { token: admin });
    const planId = (plan.data!.createPlan as { plan: { id: string } }).plan.id;
    // The owner's request goes to the billing subgraph over HTTP: the trial starts on the clock's day.
    const sub = await gql(gateway.url, `mutation { subscribeTenant(planId: "${planId}") { subscription { status currentPeriodStart trialEndsAt } userErrors { code } } }`, { token: owner });
    expect(sub.data).toEqual({ subscribeTenant: { subscription: { status: 'TRIALING', currentPeriodStart: day0.toISOString().slice(0, 10), trialEndsAt: addDays(day0, 7).toISOString().slice(0, 10) }, userErrors: [] } });
    // The advance runs in the tenancy subgraph's process, with the other subgraphs' work registered.
    const adv = await gql(gateway.url, 'mutation($c: ID!, $t: DateTime!) { advanceTestClock(id: $c, to: $t) { advance { runs { work runs failed } } userErrors { code } } }', { token: admin, variables: { c: clockId, t: istInstant(addDays(day0, 7), 660).toISOString() } });
    expect(adv.data).toEqual({ advanceTestClock: { advance: { runs: [{ work: 'platform billing', runs: 7, failed: 0 }] }, userErrors: [] } });
    const after = await gql(gateway.url, '{ currentTenant { subscription { status currentPeriodStart } } }', { token: owner });
    expect(after.data).toEqual({ currentTenant: { subscription: { status: 'ACTIVE', currentPeriodStart: addDays(day0, 7).toISOString().slice(0, 10) } } });
  });

  it('reports subgraph readiness at the gateway, and stays ready (degraded) when one is down', async () => {
    const ready = await fetch(new URL('/readyz', gateway.url));
    const body = (await ready.json()) as { checks: Record<string, string> };
    expect(ready.status).toBe(200);
    expect(Object.keys(body.checks).filter((k) => k.startsWith('subgraph:')).sort()).toEqual(
      ['billing', 'campus', 'communications', 'engagement', 'identity', 'insights', 'tenancy'].map((n) => `subgraph:${n}`),
    );
    await subgraphs.get('communications')!.close();
    // One subgraph down does not take the gateway out of the balancer: it still serves the rest.
    const down = await fetch(new URL('/readyz', gateway.url));
    expect(down.status).toBe(200);
    const downBody = (await down.json()) as { status: string; checks: Record<string, string> };
    expect(downBody.status).toBe('degraded');
    expect(downBody.checks['subgraph:communications']).toMatch(/^degraded: /);
    expect(downBody.checks['subgraph:campus']).toBe('ok');
    const owner = world.token({ sub: a.ownerId, role: 'OWNER', tenantId: a.id });
    expect((await gql(gateway.url, '{ currentTenant { name } }', { token: owner })).data).toEqual({ currentTenant: { name: expect.any(String) } });
    subgraphs.delete('communications');
  });
});

describe('subgraphs over Unix domain sockets (SUBGRAPH_SOCKET_DIR)', () => {
  it('serves the gateway over <dir>/<name>.sock: answers arrive though every subgraph URL names a closed port', async () => {
    const w = await createTestWorld();
    const dir = await mkdtemp(join(tmpdir(), 'studyspot-sockets-'));
    let sockets: ServicesLayout | null = null;
    let gw: GatewayServer | null = null;
    let platform: Awaited<ReturnType<typeof createPlatform>> | null = null;
    try {
      const t = await seedTenant(w, 'sockets', ['Asha Rao']);
      w.config.gatewayPath = { ...w.config.gatewayPath, socketDir: dir };
      sockets = await startServicesLayout(w);
      expect((await readdir(dir)).sort()).toEqual(['billing', 'campus', 'communications', 'engagement', 'identity', 'insights', 'tenancy'].map((n) => `${n}.sock`));
      // Port 9 (discard) answers nothing here: only the sockets can carry these fetches.
      const closed = Object.fromEntries([...sockets.subgraphs.keys()].map((n) => [n, 'http://127.0.0.1:9/graphql'])) as Config['subgraphUrls'];
      platform = await createPlatform({ ...w.config, subgraphMode: 'remote', subgraphUrls: closed }, createLogger('gateway-test', 'silent'));
      gw = await startGateway(platform, 0);
      const owner = w.token({ sub: t.ownerId, role: 'OWNER', tenantId: t.id });
      const r = await gql(gw.url, '{ currentTenant { slug } students(first: 5) { edges { node { name payments { edges { node { amountPaise } } } } } } }', { token: owner });
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ currentTenant: { slug: 'sockets' }, students: { edges: [{ node: { name: 'Asha Rao', payments: { edges: [{ node: { amountPaise: 120000 } }] } } }] } });
    } finally {
      await gw?.close();
      await platform?.close();
      await sockets?.close();
      await w.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
