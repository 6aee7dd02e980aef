// Metrics and traces, in the services layout (subgraphs on their own HTTP ports, the gateway calling
// them over HTTP), on real PostgreSQL and Redis when configured.
import type { IncomingMessage } from 'node:http';
import type { GatewayServer } from '@studyspot/gateway';
import { type RunningServer, type SubgraphName } from '@studyspot/runtime';
import { serveMetrics } from '@studyspot/runtime/observability';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServicesLayout, type ServicesLayout } from './support/services.ts';
import { gql, seedTenant, type SeededTenant } from './support/supergraph.ts';

let world: TestWorld;
let layout: ServicesLayout;
let gateway: GatewayServer;
let subgraphs: Map<SubgraphName, RunningServer>;
let a: SeededTenant;
let owner: string;
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

beforeAll(async () => {
  world = await createTestWorld();
  a = await seedTenant(world, 'alpha', ['Rohan Patil', 'Sneha Joshi']);
  layout = await startServicesLayout(world, { config: { metrics: { token: METRICS_TOKEN, port: null, host: '127.0.0.1' } } });
  ({ gateway, subgraphs } = layout);
  owner = world.token({ sub: a.ownerId, role: 'OWNER', tenantId: a.id });
});

afterAll(async () => {
  await layout?.close();
  await world?.close();
});

/** Samples of the Prometheus text format: `name{labels} value`, keyed by name and sorted labels. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels = [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => `${k}=${v}`).sort().join(',');
    out.set(`${m[1]}{${labels}}`, Number(m[3]));
  }
  return out;
}

async function scrape(url: string, token = METRICS_TOKEN): Promise<Map<string, number>> {
  const res = await fetch(url.replace('/graphql', '/metrics'), { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

const delta = (before: Map<string, number>, after: Map<string, number>, key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);

describe('metrics', () => {
  it('counts a known set of requests by operation and outcome, errors by code, subgraph fetches, and the tenant client cache', async () => {
    const before = await scrape(gateway.url);
    for (let i = 0; i < 3; i++) {
      const r = await gql(gateway.url, 'query MetricsStudents { students(first: 5) { edges { node { name } } } }', { token: owner });
      expect(r.errors).toBeUndefined();
    }
    const cross = await gql(gateway.url, 'query MetricsCross { currentTenant { slug libraries { edges { node { students(first: 2) { edges { node { name payments { edges { node { amountPaise } } } } } } } } } } }', { token: owner });
    expect(cross.errors).toBeUndefined();
    expect((await gql(gateway.url, 'query MetricsBadToken { me { name } }', { token: `${owner}x` })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(gateway.url, 'query MetricsInvalid { students { nope } }', { token: owner })).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const deep = `query MetricsDeep { ${'students { edges { node { library { '.repeat(5)}name${' } } } }'.repeat(5)} }`;
    expect((await gql(gateway.url, deep, { token: owner })).errors?.[0]?.extensions?.code).toBe('OPERATION_TOO_COMPLEX');
    const after = await scrape(gateway.url);

    const req = (operation: string, outcome: string) => delta(before, after, `studyspot_graphql_requests_total{operation=${operation},outcome=${outcome},service=gateway}`);
    expect(req('MetricsStudents', 'ok')).toBe(3);
    expect(req('MetricsCross', 'ok')).toBe(1);
    expect(req('MetricsBadToken', 'error')).toBe(1);
    expect(req('MetricsInvalid', 'error')).toBe(1);
    expect(req('MetricsDeep', 'error')).toBe(1);
    expect(delta(before, after, 'studyspot_graphql_request_duration_seconds_count{operation=MetricsStudents,service=gateway}')).toBe(3);
    const code = (c: string) => delta(before, after, `studyspot_graphql_errors_total{code=${c},service=gateway}`);
    expect([code('UNAUTHENTICATED'), code('GRAPHQL_VALIDATION_FAILED'), code('OPERATION_TOO_COMPLEX')]).toEqual([1, 1, 1]);
    // students ×3 → campus ×3; the cross query: tenancy, campus, billing once each.
    const fetches = (s: string) => delta(before, after, `studyspot_subgraph_fetch_duration_seconds_count{outcome=ok,subgraph=${s}}`);
    expect({ campus: fetches('campus'), tenancy: fetches('tenancy'), billing: fetches('billing') }).toEqual({ campus: 4, tenancy: 1, billing: 1 });
    // The subgraph servers count what they answered, under the planner's names for the fetches
    // (MetricsStudents__campus__0…); one registry per process, here one process.
    const campusAnswers = [...after.keys()].filter((k) => /^studyspot_graphql_requests_total\{operation=Metrics\w+__campus__\d+,outcome=ok,service=campus\}$/.test(k));
    expect(campusAnswers.reduce((n, k) => n + delta(before, after, k), 0)).toBe(4);
    expect(after.get('studyspot_tenant_clients{state=open}')).toBeGreaterThanOrEqual(1);
    // One lease of the tenant's client per subgraph request that reads the tenant database: campus ×4, billing ×1.
    expect(delta(before, after, 'studyspot_tenant_client_cache_total{event=hit}') + delta(before, after, 'studyspot_tenant_client_cache_total{event=miss}')).toBe(5);
    expect(after.get('studyspot_live{measure=sockets}')).toBe(0);
    expect(after.has(`studyspot_event_bus_healthy{kind=${world.platform.events.kind}}`)).toBe(true);
    expect(after.get('process_resident_memory_bytes{}')).toBeGreaterThan(10_000_000);
    // No tenant or user id is a label value.
    for (const key of after.keys()) expect(key.includes(a.id) || key.includes(a.ownerId)).toBe(false);
  });

  it('is not public: a token on the service port, 404 without it; loopback only when no token is set; never public in production', async () => {
    const url = gateway.url.replace('/graphql', '/metrics');
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(404);
    expect((await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    // A subgraph process without a token (the world's config): loopback callers only, outside production.
    expect((await fetch(subgraphs.get('campus')!.url.replace('/graphql', '/metrics'))).status).toBe(200);
    const call = async (remoteAddress: string, production: boolean) => {
      let status = 0;
      const res = { statusCode: 0, setHeader() {}, end() { status = this.statusCode; } };
      await serveMetrics({ headers: {}, socket: { remoteAddress } } as unknown as IncomingMessage, res as never, { production, token: null });
      return status;
    };
    expect(await call('10.1.2.3', false)).toBe(404);
    expect(await call('127.0.0.1', false)).toBe(200);
    expect(await call('127.0.0.1', true)).toBe(404);
  });
});
