// A subgraph is a module (SDL + resolvers). It runs in-process under the gateway, or on its own
// HTTP port behind the gateway; both paths build the same SubgraphContext.
import type { Server } from 'node:http';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { applyAuthorization } from './authorization.ts';
import { clock } from './clock.ts';
import { ConfigError, DEFAULT_SUBGRAPH_PORTS, loadConfig, requireDatabaseServer, type SubgraphName } from './config.ts';
import { SubgraphContext, type RequestIdentity } from './context.ts';
import { isPublicCode, MASKED_MESSAGE, maskError } from './errors.ts';
import { applyInputRules } from './input-rules.ts';
import type { LiveFields, LiveTrigger } from './live.ts';
import { createLogger } from './observability/logger.ts';
import { stopInOrder } from './main.ts';
import { metricsHandler, metricsPlugin } from './observability/metrics.ts';
import { startObservability } from './observability/observability.ts';
import { createPlatform, type Platform } from './platform.ts';
import { traceRequests } from './observability/tracing.ts';
import { HEADER, identityFromHeaders, secretMatches } from './transport.ts';
import { answerWithApollo, isPlainJsonPost, parseJsonBody, readBody, sendJson } from './lean-http.ts';

/** What a subgraph accepts from the gateway in one request body. */
const BODY_LIMIT = '1mb';
const BODY_LIMIT_BYTES = 1024 * 1024;


export type Resolvers = GraphQLResolverMap<SubgraphContext>;

export interface SubgraphModule {
  name: SubgraphName;
  typeDefs: DocumentNode;
  resolvers: Resolvers;
  /** The topic and event filter of each Subscription field (live.ts). */
  live?: LiveFields;
}

/**
 * Merges resolver maps type by type (an area may add fields to a type another declares); scalars are
 * taken whole. The maps are typed by each subgraph's generated resolver types (src/generated/).
 */
export function mergeResolvers(...maps: object[]): Resolvers {
  const out: Record<string, unknown> = {};
  for (const m of maps) {
    for (const [type, fields] of Object.entries(m)) {
      const existing = out[type];
      out[type] = existing && typeof existing === 'object' && !(existing as { serialize?: unknown }).serialize ? { ...(existing as object), ...(fields as object) } : fields;
    }
  }
  return out as Resolvers;
}

/**
 * The subgraph's executable schema: every root field's access rule is checked first, then every
 * text argument's length and characters (input-rules.ts), then the resolver runs.
 */
export function buildSubgraph(module: SubgraphModule): GraphQLSchema {
  return applyAuthorization(applyInputRules(buildSubgraphSchema([{ typeDefs: module.typeDefs, resolvers: module.resolvers as never }])));
}

export function subgraphContext(platform: Platform, identity: RequestIdentity): SubgraphContext {
  return new SubgraphContext(platform, identity.requestId, identity.claims, identity.actingTenantId, identity.clientIp ?? null);
}

/**
 * The scope of a background job (a sweep, a test clock's advance, the seed) acting on one tenant: no
 * user, no fake account. Services see `ctx.job` and the tenant; `ctx.audit` records the job.
 */
export function systemContext(platform: Platform, job: string, tenantId: string, requestId = `${job.replace(/\W+/g, '-')}-${clock.nowMs()}`): SubgraphContext {
  return new SubgraphContext(platform, requestId, null, tenantId, null, job);
}

/** Logs unexpected errors (those that will be masked) with the request id, and never their stack to clients. */
export function errorLoggingPlugin<C extends { logger: { error(o: object, m: string): void } }>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const e of errors) {
            if (!isPublicCode(e.extensions?.code)) {
              contextValue.logger.error({ err: e.originalError ?? e, path: e.path }, 'unexpected error');
            }
          }
        },
      };
    },
  };
}

/** `ok`, `degraded` (answering without something optional, e.g. Redis) or `unavailable`. */
export function readiness(checks: Record<string, string>): 'ok' | 'degraded' | 'unavailable' {
  const values = Object.values(checks);
  if (values.every((v) => v === 'ok')) return 'ok';
  return values.every((v) => v === 'ok' || v.startsWith('degraded')) ? 'degraded' : 'unavailable';
}

/** Listens on `port`; a port already taken becomes a one-line ConfigError naming `variable`. */
export function listen(server: Server, port: number, variable = 'PORT', host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new ConfigError(variable, `port ${port} is already in use`)
          : new ConfigError(err.code === 'EADDRNOTAVAIL' ? 'HOST' : variable, `cannot listen on ${host}:${port}: ${err.code ?? err.message}`),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

/**
 * How long a subgraph server keeps an idle keep-alive socket. The gateway's pool closes its idle
 * sockets 5 s sooner, so it never writes a request onto a socket the server is closing.
 */
export const SUBGRAPH_KEEP_ALIVE_MS = 65_000;

export interface RunningServer {
  url: string;
  port: number;
  /** Starts draining: /readyz answers 503 "draining" so the balancer stops sending; requests are still served. */
  drain(): void;
  close(): Promise<void>;
}

/** /readyz of a process: 503 while draining, else the checks' readiness (degraded still serves). */
export function readyHandler(draining: () => boolean, checks: () => Promise<Record<string, string>>): express.RequestHandler {
  return async (_req, res) => {
    if (draining()) return void res.status(503).json({ status: 'draining', checks: {} });
    const c = await checks();
    res.status(readiness(c) === 'unavailable' ? 503 : 200).json({ status: readiness(c), checks: c });
  };
}

/** The port a subgraph process listens on: that of the URL the gateway calls it at. */
export function subgraphPort(url: string, name: SubgraphName): number {
  const u = new URL(url);
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : DEFAULT_SUBGRAPH_PORTS[name];
}

/** Serves one subgraph over HTTP. Requests without the gateway's secret are refused with 401. */
export async function serveSubgraph(module: SubgraphModule, platform: Platform, port: number, portVariable = 'PORT'): Promise<RunningServer> {
  const app = express();
  // POST /graphql from the gateway takes the lean path (lean-http.ts); probes, metrics and anything
  // else are the Express app's.
  let lean: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const handler = (req: IncomingMessage, res: ServerResponse) => (lean && isPlainJsonPost(req, '/graphql') ? lean(req, res) : app(req, res));
  const http = createServer(handler);
  let draining = false;
  const apollo = new ApolloServer<SubgraphContext>({
    schema: buildSubgraph(module),
    formatError: maskError,
    includeStacktraceInErrorResponses: false,
    // runMain owns SIGINT/SIGTERM: two handlers stopping the same server deadlocked until the forced exit.
    stopOnTerminationSignals: false,
    plugins: [
      // Federated traces (ftv1) are for Apollo's usage reporting, which this deployment does not use.
      ApolloServerPluginInlineTraceDisabled(),
      // Stopping closes HTTP first: no new connections, idle keep-alive sockets closed, requests in
      // flight finished (10 s at most), and only then Apollo Server itself.
      ApolloServerPluginDrainHttpServer({ httpServer: http }),
      metricsPlugin(module.name),
      errorLoggingPlugin(),
      {
        async requestDidStart() {
          return {
            async willSendResponse({ contextValue, response }) {
              if (contextValue.signedIn) response.http.headers.set(HEADER.signedIn, contextValue.signedIn);
              await contextValue.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/metrics', metricsHandler(platform.config));
  app.get('/readyz', readyHandler(() => draining, () => platform.checkReady()));
  const trace = traceRequests(module.name);
  const fromGateway = (req: IncomingMessage) => secretMatches(req.headers[HEADER.gatewaySecret] as string | undefined, platform.config.gatewaySecret);
  const refused = JSON.stringify({ errors: [{ message: 'Subgraphs accept requests only from the gateway', extensions: { code: 'UNAUTHENTICATED' } }] });
  const context = async (req: IncomingMessage & { body?: unknown; freezeClock?: (at: Date | null) => void }) => {
    const ctx = subgraphContext(platform, identityFromHeaders(req.headers));
    // A tenant on a test clock: the rest of the operation reads the clock's time (clock.ts).
    req.freezeClock?.(await platform.clocks.timeFor(ctx.tenantId));
    // Only the gateway gets here (its secret was checked first): a live subscription's trigger.
    const live = (req.body as { extensions?: { live?: LiveTrigger } } | undefined)?.extensions?.live;
    if (live && typeof live === 'object') ctx.liveTrigger = live;
    return ctx;
  };
  app.use('/graphql', trace);
  app.use('/graphql', (req, res, next) => {
    if (!fromGateway(req)) return void res.status(401).type('json').send(refused);
    next();
  });
  const graphql = expressMiddleware(apollo, { context: ({ req }) => context(req) });
  app.use('/graphql', express.json({ limit: BODY_LIMIT }), (req, res, next) =>
    clock.scoped((freeze) => {
      (req as { freezeClock?: (at: Date | null) => void }).freezeClock = freeze;
      return graphql(req, res, next);
    }),
  );
  lean = (req, res) =>
    trace(req, res, () => {
      const answer = async () => {
        if (!fromGateway(req)) return sendJson(res, 401, refused);
        const text = await readBody(req, BODY_LIMIT_BYTES);
        if (text === 'aborted') return void res.destroy();
        if (text === 'too large') return sendJson(res, 413, JSON.stringify({ errors: [{ message: `The request body is larger than ${BODY_LIMIT_BYTES} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] }));
        const body = parseJsonBody(text);
        if (!body) return sendJson(res, 400, JSON.stringify({ errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] }));
        const r = Object.assign(req, { body });
        await clock.scoped((freeze) => {
          (r as { freezeClock?: (at: Date | null) => void }).freezeClock = freeze;
          return answerWithApollo(apollo, r, res, body, () => context(r));
        });
      };
      answer().catch((err: unknown) => {
        platform.logger.error({ err, subgraph: module.name }, 'unexpected error on the /graphql path');
        if (!res.headersSent) sendJson(res, 500, JSON.stringify({ errors: [{ message: MASKED_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
        else res.destroy();
      });
    });
  http.keepAliveTimeout = SUBGRAPH_KEEP_ALIVE_MS;
  http.headersTimeout = SUBGRAPH_KEEP_ALIVE_MS + 1_000;
  const bound = await listen(http, port, portVariable, platform.config.host);
  platform.logger.info({ subgraph: module.name, port: bound }, 'subgraph listening');
  // SUBGRAPH_SOCKET_DIR: a co-located gateway calls this subgraph over a Unix domain socket as well
  // (the same app; the port still serves probes and any other caller).
  const socketDir = platform.config.gatewayPath?.socketDir;
  const local = socketDir ? await listenOnSocket(handler, join(socketDir, `${module.name}.sock`)) : null;
  return {
    url: `http://127.0.0.1:${bound}/graphql`,
    port: bound,
    drain: () => void (draining = true),
    close: async () => {
      draining = true;
      if (local) {
        local.closeIdleConnections();
        await new Promise<void>((r) => local.close(() => r()));
      }
      await apollo.stop();
    },
  };
}

/** A second server for the same app on a Unix domain socket (a stale socket file is replaced). */
async function listenOnSocket(handler: (req: IncomingMessage, res: ServerResponse) => void, path: string): Promise<Server> {
  mkdirSync(dirname(path), { recursive: true });
  rmSync(path, { force: true });
  const server = createServer(handler);
  server.keepAliveTimeout = SUBGRAPH_KEEP_ALIVE_MS;
  server.headersTimeout = SUBGRAPH_KEEP_ALIVE_MS + 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new ConfigError('SUBGRAPH_SOCKET_DIR', `cannot listen on ${path}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    server.listen(path, () => resolve());
  });
  return server;
}

/**
 * Entry point of a subgraph's own process (`pnpm dev`). It listens on the port of its
 * SUBGRAPH_<NAME>_URL, the address the gateway calls (4001–4006 by default), so the two always agree;
 * PORT is the gateway's. `background` starts work beside requests and returns its stop function.
 */
export async function startSubgraphProcess(module: SubgraphModule, background?: (platform: Platform) => () => Promise<void>): Promise<() => Promise<void>> {
  const config = loadConfig();
  requireDatabaseServer(config, 'subgraphs run as their own processes');
  const port = subgraphPort(config.subgraphUrls[module.name], module.name);
  const stopObservability = await startObservability(config, `studyspot-${module.name}`);
  const platform = await createPlatform(config, createLogger(`subgraph-${module.name}`));
  try {
    const server = await serveSubgraph(module, platform, port, `SUBGRAPH_${module.name.toUpperCase()}_URL`);
    return stopInOrder({ background: background?.(platform), server, platform, observability: stopObservability, drainMs: config.shutdownDrainMs });
  } catch (err) {
    await stopInOrder({ platform, observability: stopObservability })();
    throw err;
  }
}
