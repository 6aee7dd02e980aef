// Services layout: the gateway calls a subgraph over HTTP with the request's identity in headers
// (believed only with the shared gateway secret). Not @apollo/gateway's RemoteGraphQLDataSource:
// its default client (make-fetch-happen → minipass-fetch → agent-base) cost ~19% of the gateway's CPU
// under load and kept sockets longer than the subgraphs do ("socket hang up" after an idle gap). This
// one posts on an undici keep-alive pool per subgraph whose idle sockets close before the subgraph
// server's (SUBGRAPH_KEEP_ALIVE_MS, below), and reads the answer as one JSON text.
// A subgraph answers a refused input with HTTP 400 and a coded GraphQL body: that is an answer, kept
// with its codes; a sign-in's token carries over to the fetches that follow it.
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { HEADER, identityHeaders, SUBGRAPH_KEEP_ALIVE_MS, type Platform } from '@studyspot/runtime';
import { injectTraceContext, metrics, SpanKind, traced } from '@studyspot/runtime/observability';
import { join } from 'node:path';
import { GraphQLError, type DocumentNode } from 'graphql';
import { Pool } from 'undici';
import type { GatewayContext } from './context.ts';
import { takePrefetched, type Answer, type FetchRequest, type ForwardingSource } from './fast/answer.ts';
import { adoptSignedIn } from './signed-in.ts';

/** Idle pooled sockets close this long before the subgraph server would close them. */
const CLIENT_KEEP_ALIVE_MS = SUBGRAPH_KEEP_ALIVE_MS - 5_000;
const TIMEOUT_MS = 30_000;

const unavailable = () =>
  ({ errors: [new GraphQLError('A service this answer needs is unavailable right now; try again shortly', { extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } })] }) as GatewayGraphQLResponse;

export class SubgraphDataSource implements ForwardingSource {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly platform: Platform,
    connections = 64,
  ) {
    const u = new URL(url);
    this.path = u.pathname + u.search;
    // SUBGRAPH_SOCKET_DIR: the subgraph runs beside this gateway and also listens on <dir>/<name>.sock.
    const socketDir = platform.config.gatewayPath?.socketDir;
    this.pool = new Pool(socketDir ? 'http://localhost' : u.origin, {
      ...(socketDir ? { socketPath: join(socketDir, `${name}.sock`) } : {}),
      connections,
      keepAliveTimeout: CLIENT_KEEP_ALIVE_MS,
      keepAliveMaxTimeout: CLIENT_KEEP_ALIVE_MS,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
  }

  /**
   * A subgraph that cannot be reached (refused, reset, timed out, answering 5xx or no GraphQL body)
   * is SERVICE_UNAVAILABLE for its part of the answer; the rest of the operation still resolves.
   */
  process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const prefetched = takePrefetched(options.context, this.name, options.request.query);
    if (prefetched) return Promise.resolve(prefetched);
    const ctx = 'identity' in options.context ? (options.context as GatewayContext) : null;
    return this.exchange(options.request, ctx).then((a) => a.response());
  }

  /** One fetch, its answer unparsed: the forwarding path sends a 200 answer's text on as it came. */
  exchange(request: FetchRequest, ctx: GatewayContext | null, _document?: DocumentNode): Promise<Answer> {
    return traced(`subgraph ${this.name}`, SpanKind.CLIENT, { 'studyspot.subgraph': this.name }, () => this.send(request, ctx));
  }

  private async send(request: FetchRequest, ctx: GatewayContext | null): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (ctx) Object.assign(headers, identityHeaders(ctx.identity, this.platform.config.gatewaySecret));
    injectTraceContext(headers);
    let extensions = request.extensions;
    // A live subscription's root fetch carries its trigger to the owning subgraph (live/plan.ts).
    if (ctx?.live && request.query?.startsWith('subscription')) extensions = { ...extensions, live: ctx.live };
    const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName, extensions });
    const started = performance.now();
    const observe = (outcome: 'ok' | 'error' | 'unavailable') => metrics.subgraphFetch.observe({ subgraph: this.name, outcome }, (performance.now() - started) / 1000);
    const failed = (): Answer => ({ text: null, response: unavailable });
    try {
      const res = await this.pool.request({ path: this.path, method: 'POST', headers, body });
      const text = await res.body.text();
      const signedIn = res.headers[HEADER.signedIn];
      if (ctx && typeof signedIn === 'string') adoptSignedIn(ctx, signedIn, this.platform.config.keyRing);
      // The common answer, data and no errors, is recognised without parsing it.
      if (res.statusCode === 200 && text.startsWith('{"data":') && !text.includes('"errors":')) {
        observe('ok');
        let parsed: GatewayGraphQLResponse | null = null;
        return { text, response: () => (parsed ??= JSON.parse(text) as GatewayGraphQLResponse) };
      }
      const parsed = res.statusCode === 200 || res.statusCode === 400 ? tryJson(text) : null;
      if (!parsed || (res.statusCode === 400 && !Array.isArray(parsed.errors))) {
        ctx?.logger.warn({ subgraph: this.url, status: res.statusCode }, 'subgraph answered without a GraphQL body');
        observe('unavailable');
        return failed();
      }
      observe(Array.isArray(parsed.errors) && parsed.errors.length ? 'error' : 'ok');
      return { text: res.statusCode === 200 ? text : null, response: () => parsed as GatewayGraphQLResponse };
    } catch (err) {
      observe('unavailable');
      ctx?.logger.warn({ err, subgraph: this.url }, 'subgraph unreachable');
      return failed();
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function tryJson(text: string): { data?: unknown; errors?: unknown } | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as { data?: unknown; errors?: unknown }) : null;
  } catch {
    return null;
  }
}
