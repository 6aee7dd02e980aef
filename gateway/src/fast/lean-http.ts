// The lean path for POST /graphql (issue 23): the same security headers (helmet and cors, called
// directly), request id, trace span, body limits and coded errors as the Express stack, without
// Express's router, request/response decoration and body-parser. A request this path does not take
// (another method or route, a body that is not plain UTF-8 JSON, a compressed body, an Accept header
// asking for another media type) goes to the Express app unchanged.
//
// Then, per request: trusted document by hash → identity → guard → forwarding decision. A forwardable
// operation (fast/forward-plan.ts) is one fetch whose answer, when it carries data and nothing else,
// is written as the subgraph sent it. Everything else — and every refusal, so that each is answered
// exactly as before — runs Apollo Server's pipeline (the general path), with the forwarded fetch's
// answer handed over when there was one, so nothing reaches a subgraph twice.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { HEADER, requestIdFrom, type Platform } from '@studyspot/runtime';
import { recordOperation, traceRequests } from '@studyspot/runtime/observability';
import type { RequestHandler } from 'express';
import { buildGatewayContext, type GatewayContext } from '../context.ts';
import type { OperationGuard } from '../guard/guard.ts';
import { admit, type GraphqlBody } from '../guard/plugin.ts';
import { errorBody } from '../http.ts';
import type { Forwarder } from './forwarder.ts';
import type { TrustedDocuments } from './trusted.ts';

type Req = IncomingMessage & { body?: unknown };
export type ContextFunction = (args: { req: Req }) => Promise<GatewayContext>;

export interface LeanDeps {
  platform: Platform;
  apollo: ApolloServer<GatewayContext>;
  guard: () => OperationGuard;
  context: ContextFunction;
  security: RequestHandler[];
  trusted: TrustedDocuments;
  /** Null: every operation takes the general path (GATEWAY_FORWARD=0). */
  forwarder: Forwarder | null;
}

const JSON_TYPE = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;
const JSON_RESPONSE = 'application/json; charset=utf-8';

/** Whether the lean path takes this request; otherwise the Express app does. */
export function takesRequest(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  if (url !== '/graphql' && !url.startsWith('/graphql?')) return false;
  const type = req.headers['content-type'];
  if (!type || !JSON_TYPE.test(type)) return false;
  if (req.headers['content-encoding'] && req.headers['content-encoding'] !== 'identity') return false;
  const accept = req.headers.accept;
  return !accept || ((accept.includes('application/json') || accept.includes('*/*')) && !accept.includes('graphql-response') && !accept.includes('multipart') && !accept.includes('callback'));
}

function send(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', JSON_RESPONSE);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/** The body as text, at most `limit` bytes (checked on Content-Length first, as body-parser does). */
function readBody(req: IncomingMessage, limit: number): Promise<string | 'too large' | 'aborted'> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.resolve('too large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too large');
      } else chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? 'too large' : Buffer.concat(chunks, size).toString('utf8')));
    req.on('error', () => resolve('aborted'));
    req.on('aborted', () => resolve('aborted'));
  });
}

export function leanGraphql(deps: LeanDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { platform, apollo } = deps;
  const { config } = platform;
  const trace = traceRequests('gateway');
  const [helmet, cors] = deps.security as [RequestHandler, RequestHandler];
  const headers = (req: IncomingMessage, res: ServerResponse, next: () => void) => helmet(req as never, res as never, () => cors(req as never, res as never, next));

  /** Apollo Server's pipeline, as expressMiddleware runs it; `ctx` when the context is already built. */
  async function general(req: Req, res: ServerResponse, body: unknown, ctx: GatewayContext | null): Promise<void> {
    const head = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) head.set(k, Array.isArray(v) ? v.join(', ') : v);
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const out = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: head, search: q >= 0 ? url.slice(q) : '', body },
      context: () => (ctx ? Promise.resolve(ctx) : deps.context({ req })),
    });
    for (const [k, v] of out.headers) res.setHeader(k, v);
    res.statusCode = out.status ?? 200;
    if (out.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(out.body.string));
      return void res.end(out.body.string);
    }
    for await (const chunk of out.body.asyncIterator) res.write(chunk);
    res.end();
  }

  async function handle(req: Req, res: ServerResponse, requestId: string): Promise<void> {
    const limit = req.headers.authorization ? config.limits.signedIn.bodyBytes : config.limits.anonymous.bodyBytes;
    const text = await readBody(req, limit);
    if (text === 'aborted') return void res.destroy();
    if (text === 'too large') {
      res.setHeader('connection', 'close');
      return send(res, 413, JSON.stringify(errorBody(`The request body is larger than ${limit} bytes`, 'PAYLOAD_TOO_LARGE', { limit })));
    }
    let body: unknown = {};
    if (text.trim()) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
      if (!body || typeof body !== 'object') return send(res, 400, JSON.stringify(errorBody('The request body is not valid JSON (an object, or an array for a batch)', 'BAD_REQUEST')));
    }
    req.body = body;
    if (Array.isArray(body)) return general(req, res, body, null);
    const started = performance.now();
    const b = body as Record<string, unknown>;
    let key: string | null;
    try {
      key = deps.trusted.resolve(b);
    } catch (err) {
      const e = err as { message: string; extensions: { code: string } };
      recordOperation('gateway', typeof b.operationName === 'string' ? b.operationName : null, [e.extensions.code], null, (performance.now() - started) / 1000);
      return send(res, 400, JSON.stringify(errorBody(e.message, e.extensions.code)));
    }
    if (!deps.forwarder || typeof b.query !== 'string') return general(req, res, body, null);
    let ctx: GatewayContext;
    let admitted;
    try {
      ctx = await buildGatewayContext(req, platform, requestId);
      admitted = admit(deps.guard(), b as unknown as GraphqlBody, ctx, config.production, deps.trusted, key ?? undefined);
    } catch {
      // A refusal is answered by the general path, exactly as it always was (its context throws again).
      return general(req, res, body, null);
    }
    if (!admitted || admitted.invalid) return general(req, res, body, ctx);
    const operationName = typeof b.operationName === 'string' ? b.operationName : null;
    const forwarded = await deps.forwarder.forward({ key: `${operationName ?? ''}\n${key ? `#${key}` : b.query}`, admitted, variables: b.variables, ctx });
    if (!forwarded) return general(req, res, body, ctx);
    if ('prefetched' in forwarded) {
      ctx.prefetched = forwarded.prefetched;
      return general(req, res, body, ctx);
    }
    if (deps.forwarder.verify) {
      const mismatch = await deps.forwarder.verify(apollo, b, ctx, forwarded);
      if (mismatch) return send(res, 500, JSON.stringify(errorBody('The forwarded answer differs from the general path’s', 'FORWARDING_MISMATCH', mismatch)));
    }
    recordOperation('gateway', admitted.operation.name?.value ?? operationName, undefined, true, (performance.now() - started) / 1000);
    // As Apollo Server's cache-control plugin says of an answer without cache hints.
    res.setHeader('cache-control', 'no-store');
    send(res, 200, forwarded.text);
  }

  return (req, res) => {
    headers(req, res, () =>
      trace(req, res, () => {
        const requestId = requestIdFrom(req.headers[HEADER.requestId]);
        req.headers[HEADER.requestId] = requestId;
        res.setHeader(HEADER.requestId, requestId);
        handle(req, res, requestId).catch((err: unknown) => {
          platform.logger.error({ err }, 'unexpected error on the /graphql path');
          if (!res.headersSent) send(res, 500, JSON.stringify(errorBody('Internal server error', 'INTERNAL_SERVER_ERROR')));
          else res.destroy();
        });
      }),
    );
  };
}

