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
import type { ApolloServer } from '@apollo/server';
import { answerWithApollo, HEADER, isPlainJsonPost, parseJsonBody, readBody, requestIdFrom, sendJson as send, type Platform } from '@studyspot/runtime';
import { recordOperation, traceRequests } from '@studyspot/runtime/observability';
import type { RequestHandler } from 'express';
import { buildGatewayContext, type GatewayContext } from '../context.ts';
import type { OperationGuard } from '../guard/guard.ts';
import { admit, type GraphqlBody } from '../guard/plugin.ts';
import { errorBody } from '../http.ts';
import type { Forwarder } from './forwarder.ts';
import type { TrustedDocuments } from './trusted.ts';

type Req = IncomingMessage & { body?: unknown; trustedKey?: string };
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

/** Whether the lean path takes this request; otherwise the Express app does. */
export function takesRequest(req: IncomingMessage): boolean {
  if (!isPlainJsonPost(req, '/graphql')) return false;
  const accept = req.headers.accept;
  return !accept || ((accept.includes('application/json') || accept.includes('*/*')) && !accept.includes('graphql-response') && !accept.includes('multipart') && !accept.includes('callback'));
}

export function leanGraphql(deps: LeanDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { platform, apollo } = deps;
  const { config } = platform;
  const trace = traceRequests('gateway');
  const [helmet, cors] = deps.security as [RequestHandler, RequestHandler];
  const headers = (req: IncomingMessage, res: ServerResponse, next: () => void) => helmet(req as never, res as never, () => cors(req as never, res as never, next));

  /** Apollo Server's pipeline, as expressMiddleware runs it; `ctx` when the context is already built. */
  const general = (req: Req, res: ServerResponse, body: unknown, ctx: GatewayContext | null) => answerWithApollo(apollo, req, res, body, () => (ctx ? Promise.resolve(ctx) : deps.context({ req })));

  async function handle(req: Req, res: ServerResponse, requestId: string): Promise<void> {
    const limit = req.headers.authorization ? config.limits.signedIn.bodyBytes : config.limits.anonymous.bodyBytes;
    const text = await readBody(req, limit);
    if (text === 'aborted') return void res.destroy();
    if (text === 'too large') {
      res.setHeader('connection', 'close');
      return send(res, 413, JSON.stringify(errorBody(`The request body is larger than ${limit} bytes`, 'PAYLOAD_TOO_LARGE', { limit })));
    }
    const body = parseJsonBody(text);
    if (!body) return send(res, 400, JSON.stringify(errorBody('The request body is not valid JSON (an object, or an array for a batch)', 'BAD_REQUEST')));
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
    // The general path's guard finds a trusted document by its hash too (gateway.ts context).
    if (key) req.trustedKey = key;
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

