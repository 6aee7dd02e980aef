// Prometheus metrics (prom-client), one registry per process: the gateway's and each subgraph
// process's own `/metrics`. Labels are bounded: operation names are the first 200 a process sees
// (then "other"), error codes are our fixed set, subgraphs five, providers and statuses a handful; no
// tenant or user id is ever a label value.
//
// Who may read them (metricsAccess): METRICS_TOKEN set → "Authorization: Bearer <token>" on the
// service's port; METRICS_PORT set → a separate listener (bind it to a private interface with
// METRICS_HOST, default 127.0.0.1) that needs no token; neither → outside production, loopback
// callers only; in production, no /metrics on the public port without a token.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import perfHooks, { type IntervalHistogram } from 'node:perf_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import type { TenantClientCache } from '@studyspot/db';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ConfigError } from '../config-error.ts';
import type { EventBus } from '../events.ts';
import { annotateOperation } from './tracing.ts';
import { secretMatches } from '../transport.ts';

export const registry = new Registry();

/**
 * prom-client's event-loop delay histogram (nodejs_eventloop_lag_p99_seconds and the rest) samples
 * every 10 ms: alone, ~3 ms of CPU per second in a process that does nothing (measured here; issue 23
 * asks ≤ 2 ms per second for a whole idle process). It is kept, with its names, but it sleeps: it is
 * on while operations arrive and for IDLE_AFTER_MS after the last one. prom-client creates it inside
 * collectDefaultMetrics; it is caught there by lending prom-client a monitorEventLoopDelay that keeps
 * the one it makes.
 */
const IDLE_AFTER_MS = 30_000;
const loopDelay = (() => {
  const original = perfHooks.monitorEventLoopDelay;
  let made: IntervalHistogram | undefined;
  perfHooks.monitorEventLoopDelay = (options) => (made = original(options));
  try {
    collectDefaultMetrics({ register: registry });
  } finally {
    perfHooks.monitorEventLoopDelay = original;
  }
  made?.disable();
  return made;
})();
let lastActivity = 0;
let sleepCheck: NodeJS.Timeout | null = null;

/** Wakes the event-loop delay histogram (an operation arrived); it sleeps again after a quiet spell. */
export function keepMetricsAwake(): void {
  lastActivity = performance.now();
  if (sleepCheck || !loopDelay) return;
  loopDelay.enable();
  const check = () => {
    const quiet = performance.now() - lastActivity;
    if (quiet >= IDLE_AFTER_MS) {
      loopDelay.disable();
      sleepCheck = null;
      return;
    }
    sleepCheck = setTimeout(check, IDLE_AFTER_MS - quiet);
    sleepCheck.unref();
  };
  sleepCheck = setTimeout(check, IDLE_AFTER_MS);
  sleepCheck.unref();
}

/** Whether the histogram is sampling now (tests). */
export const metricsAwake = () => sleepCheck !== null;

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metrics = {
  requests: new Counter({ name: 'studyspot_graphql_requests_total', help: 'GraphQL operations answered, by operation name and outcome (ok, partial: data with errors, error)', labelNames: ['service', 'operation', 'outcome'], registers: [registry] }),
  duration: new Histogram({ name: 'studyspot_graphql_request_duration_seconds', help: 'Time to answer a GraphQL operation', labelNames: ['service', 'operation'], buckets: SECONDS, registers: [registry] }),
  errors: new Counter({ name: 'studyspot_graphql_errors_total', help: 'Errors in GraphQL answers, by code', labelNames: ['service', 'code'], registers: [registry] }),
  subgraphFetch: new Histogram({ name: 'studyspot_subgraph_fetch_duration_seconds', help: 'Gateway → subgraph fetch time, by subgraph and outcome (ok, error: a GraphQL error in the answer, unavailable)', labelNames: ['subgraph', 'outcome'], buckets: SECONDS, registers: [registry] }),
  webhooks: new Counter({ name: 'studyspot_payment_webhooks_total', help: 'Payment provider callbacks, by provider and outcome (processed, duplicate, refused, unknown, malformed, failed)', labelNames: ['provider', 'outcome'], registers: [registry] }),
  sms: new Counter({ name: 'studyspot_sms_messages_total', help: 'SMS send attempts and delivery reports, by resulting status', labelNames: ['status'], registers: [registry] }),
  sweeps: new Counter({ name: 'studyspot_background_tenants_processed_total', help: 'Tenants a background sweep worked on, by sweep', labelNames: ['sweep'], registers: [registry] }),
  sweepDuration: new Histogram({ name: 'studyspot_background_sweep_duration_seconds', help: 'Time of one background sweep run', labelNames: ['sweep'], buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120], registers: [registry] }),
};

/** A gauge whose value is read when scraped. */
export function gaugeFrom(name: string, help: string, labelNames: string[], read: (set: (labels: Record<string, string>, value: number) => void) => void | Promise<void>): Gauge {
  const existing = registry.getSingleMetric(name);
  if (existing) registry.removeSingleMetric(name);
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      await read((labels, value) => this.set(labels, value));
    },
  });
}

/** A counter that follows a running total read when scraped (the tenant cache's and event bus's own counters). */
function counterFrom(name: string, help: string, labelNames: string[], read: () => Record<string, number>): void {
  if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  const last = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      for (const [label, total] of Object.entries(read())) {
        const delta = total - (last.get(label) ?? 0);
        last.set(label, total);
        if (delta > 0) this.inc({ [labelNames[0]!]: label }, delta);
      }
    },
  });
}

type Watched = { tenants: TenantClientCache; events: EventBus };
const watched = new Set<Watched>();
const sum = <K extends string>(read: (w: Watched) => Record<K, number>) => {
  const out = {} as Record<K, number>;
  for (const w of watched) for (const [k, v] of Object.entries(read(w)) as [K, number][]) out[k] = (out[k] ?? 0) + v;
  return out;
};

function registerPlatformMetrics(): void {
  gaugeFrom('studyspot_tenant_clients', 'Open tenant database clients, and how many a request holds', ['state'], (set) => {
    const s = sum((w) => ({ open: w.tenants.stats().open, leased: w.tenants.stats().leased }));
    set({ state: 'open' }, s.open ?? 0);
    set({ state: 'leased' }, s.leased ?? 0);
  });
  counterFrom('studyspot_tenant_client_cache_total', 'Tenant client cache events (hit, miss, eviction, overflow: a lease that waited for room under the connection budget)', ['event'], () =>
    sum((w) => {
      const s = w.tenants.stats();
      return { hit: s.hits, miss: s.misses, eviction: s.evictions, overflow: s.overflows };
    }),
  );
  gaugeFrom('studyspot_event_bus_healthy', 'Whether events reach other processes (1) or stay in this one (0)', ['kind'], (set) => {
    for (const w of watched) set({ kind: w.events.kind }, w.events.healthy ? 1 : 0);
  });
  gaugeFrom('studyspot_event_bus_topics', 'Event bus topics this process listens to', [], (set) => set({}, sum((w) => ({ topics: w.events.stats().topics })).topics ?? 0));
  counterFrom('studyspot_event_bus_events_total', 'Events published by, delivered to, or dropped by this process', ['event'], () =>
    sum((w) => {
      const s = w.events.stats();
      return { published: s.published, delivered: s.delivered, dropped: s.dropped };
    }),
  );
}

/**
 * Adds a platform's tenant client cache and event bus to this process's metrics (a process has one
 * platform; tests run several, summed). Returns the function that removes it again (platform close).
 */
export function watchPlatform(p: Watched): () => void {
  if (!watched.size && !registry.getSingleMetric('studyspot_tenant_clients')) registerPlatformMetrics();
  watched.add(p);
  return () => void watched.delete(p);
}

/** Counts every operation Apollo Server answers: by name and outcome, its time, its errors' codes. */
export function metricsPlugin(service: string): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      keepMetricsAwake();
      const started = performance.now();
      return {
        async willSendResponse({ response, operationName, document }) {
          if (response.body.kind !== 'single') return;
          const { errors, data } = response.body.singleResult;
          // Before the operation is resolved (a validation failure) its name is read off the document.
          const first = document?.definitions.find((d) => d.kind === 'OperationDefinition');
          const name = operationName ?? request.operationName ?? (first && 'name' in first ? first.name?.value : undefined);
          recordOperation(service, name, errors?.map((e) => e.extensions?.code), data, (performance.now() - started) / 1000);
        },
      };
    },
  };
}

/** Records one answered operation (also called for one refused before Apollo Server saw it). */
export function recordOperation(service: string, name: string | null | undefined, codes: unknown[] | undefined, data: unknown, seconds: number): void {
  keepMetricsAwake();
  const operation = operationLabel(name);
  const outcome = !codes?.length ? 'ok' : data ? 'partial' : 'error';
  annotateOperation(name, outcome);
  metrics.requests.inc({ service, operation, outcome });
  metrics.duration.observe({ service, operation }, seconds);
  for (const code of codes ?? []) metrics.errors.inc({ service, code: typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'UNCODED' });
}

const MAX_OPERATIONS = 200;
const seenOperations = new Set<string>();
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/** The label for an operation name: "(anonymous)", a name this process has seen among its first 200, or "other". */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return '(anonymous)';
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= MAX_OPERATIONS || !OPERATION_NAME.test(name)) return 'other';
  seenOperations.add(name);
  return name;
}

export interface MetricsAccessConfig {
  production: boolean;
  token: string | null;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Serves the registry to a caller allowed by the rules above; anyone else gets 404 (nothing to see). */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, access: MetricsAccessConfig, privatePort = false): Promise<void> {
  if (!privatePort && !allowed(req, access)) {
    res.statusCode = 404;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ error: 'not found' }));
    return;
  }
  const body = await registry.metrics();
  res.statusCode = 200;
  res.setHeader('content-type', registry.contentType);
  res.setHeader('cache-control', 'no-store');
  res.end(body);
}

/** The `/metrics` route of a service's own port, under the rules above. */
export function metricsHandler(config: { production: boolean; metrics: { token: string | null } }) {
  const access = { production: config.production, token: config.metrics.token };
  return (req: IncomingMessage, res: ServerResponse): void => void serveMetrics(req, res, access);
}

function allowed(req: IncomingMessage, access: MetricsAccessConfig): boolean {
  if (access.token) {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    return Boolean(m) && secretMatches(m![1], access.token);
  }
  return !access.production && LOOPBACK.has(req.socket.remoteAddress ?? '');
}

/** METRICS_PORT: a listener of its own serving only GET /metrics (no token: keep it on a private interface). */
export async function startMetricsListener(config: { metrics: { port: number | null; host: string }; production: boolean }): Promise<{ port: number; close(): Promise<void> } | null> {
  const { port, host } = config.metrics;
  if (port === null) return null;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') return void serveMetrics(req, res, { production: config.production, token: null }, true);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new ConfigError('METRICS_PORT', err.code === 'EADDRINUSE' ? `port ${port} is already in use` : `cannot listen on ${host}:${port}: ${err.code ?? err.message}`)));
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
