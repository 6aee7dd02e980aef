// OpenTelemetry: one trace per request across the gateway and the subgraphs it calls over HTTP (the
// services layout), W3C trace context in between, a span per subgraph fetch and per database query,
// trace ids in log lines. An in-memory exporter stands in for the OTLP collector.
import { Writable } from 'node:stream';
import { SUBGRAPHS, type GatewayServer } from '@studyspot/gateway';
import { serveSubgraph, type RunningServer, type SubgraphName } from '@studyspot/runtime';
import { createLogger, startTracing } from '@studyspot/runtime/observability';
import { createTestWorld, type TestWorld } from '@studyspot/testkit';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServicesLayout, type ServicesLayout } from './support/services.ts';
import { gql, seedTenant, type SeededTenant } from './support/supergraph.ts';

const exporter = new InMemorySpanExporter();
let stopTracing: (() => Promise<void>) | null;
let world: TestWorld;
let layout: ServicesLayout;
let gateway: GatewayServer;
let subgraphs: Map<SubgraphName, RunningServer>;
let a: SeededTenant;
const logLines: string[] = [];

beforeAll(async () => {
  // Tracing starts first, as in a process's main: the databases opened after it are traced.
  stopTracing = startTracing({ service: 'studyspot-test', endpoint: null, exporter });
  world = await createTestWorld();
  a = await seedTenant(world, 'alpha', ['Rohan Patil', 'Sneha Joshi']);
  const sink = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
  layout = await startServicesLayout(world, { logger: createLogger('gateway-test', 'info', sink) });
  ({ gateway, subgraphs } = layout);
});

afterAll(async () => {
  await layout?.close();
  await world?.close();
  await stopTracing?.();
});

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe('traces', () => {
  it('one trace spans the gateway and the subgraphs it called, with a span per fetch and per database query, continuing the caller’s traceparent', async () => {
    exporter.reset();
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const r = await gql(
      gateway.url,
      'query TracedCross { currentTenant { slug libraries { edges { node { students(first: 2) { edges { node { name payments { edges { node { amountPaise } } } } } } } } } } }',
      { token: world.token({ sub: a.ownerId, role: 'OWNER', tenantId: a.id }), headers: { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` } },
    );
    expect(r.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const root = spans.find((s) => s.kind === SpanKind.SERVER && s.attributes['studyspot.service'] === 'gateway');
    expect(root?.name).toBe('POST /graphql');
    expect(root?.attributes['graphql.operation.name']).toBe('TracedCross');
    expect(root?.spanContext().traceId).toBe(callerTrace);
    expect(parentOf(root!)).toBe('00f067aa0ba902b7');
    // Everything of this request is in the caller's trace.
    const mine = spans.filter((s) => s.spanContext().traceId === callerTrace);
    const fetches = mine.filter((s) => s.kind === SpanKind.CLIENT && s.name.startsWith('subgraph '));
    expect(fetches.map((s) => s.name).sort()).toEqual(['subgraph billing', 'subgraph campus', 'subgraph tenancy']);
    for (const sub of ['campus', 'billing'] as const) {
      const fetch = fetches.find((s) => s.name === `subgraph ${sub}`)!;
      // The subgraph's SERVER span is the child of the gateway's fetch span: the context crossed HTTP.
      const server = mine.find((s) => s.kind === SpanKind.SERVER && s.attributes['studyspot.service'] === sub);
      expect(server, `${sub} server span`).toBeDefined();
      expect(parentOf(server!)).toBe(fetch.spanContext().spanId);
      // Its database queries are spans below it.
      const ids = new Set([server!.spanContext().spanId]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const s of mine) {
          if (ids.has(s.spanContext().spanId) || !ids.has(parentOf(s) ?? '')) continue;
          ids.add(s.spanContext().spanId);
          grew = true;
        }
      }
      const queries = mine.filter((s) => ids.has(s.spanContext().spanId) && s.attributes['db.system.name'] === 'postgresql');
      expect(queries.length, `${sub} database spans`).toBeGreaterThan(0);
      expect(queries.some((q) => String(q.attributes['db.query.text']).startsWith('SELECT'))).toBe(true);
    }
    // No span of this request started a trace of its own.
    expect(spans.filter((s) => s.spanContext().traceId !== callerTrace && s.kind === SpanKind.SERVER)).toEqual([]);
  });

  it('a request without traceparent starts its own trace, and log lines written inside it carry the ids', async () => {
    exporter.reset();
    logLines.length = 0;
    // A subgraph that cannot be reached is logged: stop campus for one request.
    const campus = subgraphs.get('campus')!;
    await campus.close();
    const r = await gql(gateway.url, '{ students(first: 1) { edges { node { name } } } }', { token: world.token({ sub: a.ownerId, role: 'OWNER', tenantId: a.id }) });
    expect(r.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    subgraphs.set('campus', await serveSubgraph(SUBGRAPHS.find((m) => m.name === 'campus')!, world.platform, campus.port));
    const root = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER && s.attributes['studyspot.service'] === 'gateway')!;
    const line = logLines.map((l) => JSON.parse(l) as { msg: string; traceId?: string; spanId?: string }).find((l) => l.msg === 'subgraph unreachable');
    expect(line?.traceId).toBe(root.spanContext().traceId);
    expect(line?.spanId).toMatch(/^[0-9a-f]{16}$/);
  });
});
