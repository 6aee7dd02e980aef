// OpenTelemetry traces. Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or …_TRACES_ENDPOINT) is set: then each
// process (gateway, subgraph) registers a tracer provider exporting over OTLP/HTTP in batches, and
//   - every HTTP request to /graphql is a SERVER span, continuing the caller's W3C trace context;
//   - every gateway → subgraph fetch is a CLIENT span (INTERNAL in the one-process layout) whose
//     context travels to the subgraph in `traceparent`, so one trace spans every process it touched;
//   - every database query is a span (the Prisma driver adapter is wrapped, @studyspot/db);
//   - @apollo/gateway's own spans (plan, execute, fetch) join the same trace;
//   - log lines written inside a span carry its traceId and spanId.
// When not configured nothing is registered, wrapped or injected: each hook is one boolean check.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { setAdapterHook } from '@studyspot/db';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { ServerResponse } from 'node:http';
import type { NextFunction, Request } from 'express';

let enabled = false;

export const tracingEnabled = (): boolean => enabled;
const tracer = () => trace.getTracer('studyspot');

/**
 * Starts tracing for this process when an endpoint is configured (or an exporter is given: tests use
 * an in-memory one, exported span by span). Call before the platform opens its databases. Returns the
 * function that flushes and stops it, or null when tracing stays off.
 */
export function startTracing(opts: { service: string; endpoint: string | null; exporter?: SpanExporter }): (() => Promise<void>) | null {
  const exporter = opts.exporter ?? (opts.endpoint ? new OTLPTraceExporter({ url: opts.endpoint }) : null);
  if (!exporter) return null;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.service }),
    spanProcessors: [opts.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  // The global tracer provider, the AsyncLocalStorage context manager and the W3C propagators.
  provider.register();
  enabled = true;
  setAdapterHook(traceQueries);
  return async () => {
    enabled = false;
    setAdapterHook(null);
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  };
}

/** Runs `fn` in a span of its own (a child of the active one); without tracing, just runs it. */
export async function traced<T>(name: string, kind: SpanKind, attributes: Attributes, fn: (span?: Span) => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

export { SpanKind };

/** Adds `traceparent` (and `tracestate`) of the active span to outgoing headers. */
export function injectTraceContext(headers: Record<string, string>): void {
  if (enabled) propagation.inject(context.active(), headers);
}

/** Express middleware: the request is a SERVER span continuing the caller's trace context. */
export function traceRequests(service: string) {
  // Express's request, or a plain one (the gateway's lean /graphql path has no originalUrl).
  return (req: Pick<Request, 'headers'> & { method?: string; originalUrl?: string; url?: string }, res: ServerResponse, next: NextFunction): void => {
    if (!enabled) return next();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer().startSpan(`${req.method} ${(req.originalUrl ?? req.url ?? '').split('?')[0]}`, { kind: SpanKind.SERVER, attributes: { 'studyspot.service': service, 'http.request.method': req.method ?? '' } }, parent);
    res.once('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/** Names the active span's operation (Apollo plugins call it once the operation is known). */
export function annotateOperation(name: string | null | undefined, outcome: string): void {
  if (!enabled) return;
  const span = trace.getActiveSpan();
  span?.setAttribute('graphql.operation.name', name ?? '(anonymous)');
  span?.setAttribute('studyspot.outcome', outcome);
}

/** Trace ids for log lines written inside a span (pino's mixin). */
export function traceFields(): { traceId?: string; spanId?: string } {
  if (!enabled) return {};
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

type Query = { sql: string };
type Queryable = { queryRaw(q: Query): Promise<unknown>; executeRaw(q: Query): Promise<unknown> };

/** Wraps a Prisma driver adapter factory: each query its adapters (and their transactions) run is a span. */
function traceQueries<F extends object>(factory: F): F {
  const query = <T>(kind: string, q: Query, run: () => Promise<T>) =>
    traced(`db ${q.sql.trimStart().split(/\s/, 1)[0]!.toUpperCase()}`, SpanKind.CLIENT, { 'db.system.name': 'postgresql', 'db.operation.name': kind, 'db.query.text': q.sql.slice(0, 2_000) }, run);
  const queryable = <Q extends object>(target: Q): Q =>
    new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop, t) as unknown;
        if (typeof value !== 'function') return value;
        if (prop === 'queryRaw' || prop === 'executeRaw') return (q: Query) => query(prop, q, () => (value as Queryable['queryRaw']).call(t, q));
        if (prop === 'startTransaction') return async (...args: unknown[]) => queryable((await (value as (...a: unknown[]) => Promise<object>).apply(t, args)) as object);
        return (value as (...a: unknown[]) => unknown).bind(t);
      },
    });
  return new Proxy(factory, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'connect' || prop === 'connectToShadowDb') return async (...args: unknown[]) => queryable((await (value as (...a: unknown[]) => Promise<object>).apply(t, args)) as object);
      return (value as (...a: unknown[]) => unknown).bind(t);
    },
  });
}
