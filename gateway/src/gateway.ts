// The gateway: one HTTP server (/graphql, /healthz, /readyz) in front of the five subgraphs, either
// in-process (embedded default, `pnpm start`) or over HTTP (`pnpm dev`, SUBGRAPH_MODE=remote).
// A request goes: security headers and CORS → bounded JSON body → identity (context.ts) → operation
// guard (limits, before parsing and planning) → Apollo Server validation → query plan → subgraphs.
import { createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { platformInvoiceRouter, receiptRouter, webhookRouter } from '@studyspot/billing';
import { exportRouter } from '@studyspot/insights';
import { ConfigError, errorLoggingPlugin, HEADER, listen, maskError, readyHandler, requestIdFrom, type Platform } from '@studyspot/runtime';
import { gaugeFrom, metricsHandler, metricsPlugin, recordOperation, traceRequests } from '@studyspot/runtime/observability';
import { msg91Simulator, paymentSimulators, type PaymentSimulators } from '@studyspot/simulators';
import { msg91ReportRouter } from '@studyspot/communications';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { SUPERGRAPH_PATH } from './compose.ts';
import { buildGatewayContext, type GatewayContext } from './context.ts';
import { dashboardRouter } from './dashboard.ts';
import { costModelFromSupergraph } from './guard/cost-model.ts';
import { explorerRouter, mayPrefillToken, wantsExplorer } from './explorer.ts';
import { OperationGuard } from './guard/guard.ts';
import { admit, graphqlRequest, hideSuggestionsPlugin } from './guard/plugin.ts';
import { ForwardPlanner } from './fast/forward-plan.ts';
import { Forwarder } from './fast/forwarder.ts';
import { leanGraphql, takesRequest } from './fast/lean-http.ts';
import { TrustedDocuments, trustedDocumentsMiddleware } from './fast/trusted.ts';
import { publicRootFields } from './guard/public-fields.ts';
import { bodyErrors, boundedJson, errorBody, finalHandlers, securityHeaders } from './http.ts';
import { InProcessDataSource } from './in-process-data-source.ts';
import { LivePlanner } from './live/plan.ts';
import { startLive, type LiveServer } from './live/server.ts';
import { SubgraphDataSource } from './remote-data-source.ts';
import { SUBGRAPHS } from './subgraphs.ts';

export interface GatewayServer {
  http: Server;
  /** The forwarding path's counters (null when GATEWAY_FORWARD=0 or GATEWAY_LEAN_HTTP=0). */
  forwarding: Forwarder['stats'] | null;
  url: string;
  port: number;
  /** The payment gateway simulators this gateway serves (outside production, when no provider URL is set). */
  simulators: PaymentSimulators | null;
  /** Live subscriptions over WebSocket on the same port. */
  live: LiveServer;
  /** Starts draining: /readyz answers 503 "draining"; requests and live sockets are still served. */
  drain(): void;
  close(): Promise<void>;
}

/**
 * Outside production, a provider without a configured API URL is this deployment's own simulator,
 * served here under /_simulators. Its test accounts are derived (from GATEWAY_SECRET), so they
 * survive restarts and send their webhooks to this gateway.
 */
function mountSimulators(app: express.Express, platform: Platform): PaymentSimulators | null {
  const { config } = platform;
  if (config.production || (config.payments.razorpayUrl && config.payments.cashfreeUrl)) return null;
  const sims = paymentSimulators();
  const derived = { secret: createHmac('sha256', config.gatewaySecret).update('studyspot-simulators').digest('base64url'), webhookBase: () => platform.publicUrl };
  sims.razorpay.state.derived = derived;
  sims.cashfree.state.derived = derived;
  app.use(sims.router);
  return sims;
}

/**
 * Outside production without MSG91_AUTH_KEY, SMS and OTP go to this deployment's own MSG91 simulator
 * under /_simulators/msg91, with an auth key and a report token made at start-up.
 */
function mountMsg91Simulator(app: express.Express, platform: Platform) {
  const { config } = platform;
  if (config.production || config.sms) return null;
  const sim = msg91Simulator();
  // A newcomer has no phone on the simulator: its OTPs are shown in the log, like the dev sender's.
  sim.state.onOtp = ({ mobile, otp }) => platform.logger.warn({ phone: mobile, otp }, 'DEV OTP (delivered by the MSG91 simulator)');
  app.use('/_simulators/msg91', sim.router);
  return sim;
}

/**
 * The subgraphs as the gateway sees them, for /readyz. A subgraph that does not answer makes the
 * gateway degraded, not unready: the gateway itself can still serve every operation that does not
 * need it, and taking every gateway out of the balancer while one subgraph has no ready replica
 * turned a partial outage into a whole one (issue 19: 310 of 1,236 requests answered 503).
 */
async function subgraphsReady(platform: Platform): Promise<Record<string, string>> {
  if (platform.config.subgraphMode === 'local') return { subgraphs: 'ok' };
  const out: Record<string, string> = {};
  await Promise.all(
    Object.entries(platform.config.subgraphUrls).map(async ([name, url]) => {
      try {
        const res = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(2_000) });
        out[`subgraph:${name}`] = res.ok ? 'ok' : `degraded: HTTP ${res.status}`;
      } catch (err) {
        out[`subgraph:${name}`] = `degraded: ${(err as Error).message}`;
      }
    }),
  );
  return out;
}

/** A plugin that sits out the forwarding path's verification runs (fast/forwarder.ts). */
function unlessVerifying(plugin: ApolloServerPlugin<GatewayContext>): ApolloServerPlugin<GatewayContext> {
  return { requestDidStart: async (rc) => ((rc.contextValue as { verifying?: boolean }).verifying ? undefined : plugin.requestDidStart?.(rc)) };
}

export async function startGateway(platform: Platform, port = platform.config.port): Promise<GatewayServer> {
  const { config } = platform;
  const modules = new Map(SUBGRAPHS.map((m) => [m.name, m]));
  const supergraphPath = config.supergraphPath ?? SUPERGRAPH_PATH;
  let supergraphSdl: string;
  try {
    supergraphSdl = readFileSync(supergraphPath, 'utf8');
  } catch (err) {
    throw new ConfigError('SUPERGRAPH_PATH', `cannot read the supergraph at ${supergraphPath}: ${(err as Error).message}`);
  }
  // @apollo/gateway reports usage metrics to Apollo and probes cloud metadata addresses unless told
  // not to: a tenant's API does not talk to third parties on its own. An operator may opt in with
  // APOLLO_TELEMETRY_DISABLED=false.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  // One data source per subgraph, shared by HTTP operations and live subscriptions.
  const services = Object.fromEntries(
    SUBGRAPHS.map((m) => [
      m.name,
      config.subgraphMode === 'local' ? new InProcessDataSource(modules.get(m.name)!, platform) : new SubgraphDataSource(m.name, config.subgraphUrls[m.name], platform),
    ]),
  );
  const gateway = new ApolloGateway({ supergraphSdl, buildService: ({ name }) => services[name]! });
  const costs = costModelFromSupergraph(supergraphSdl);
  let guard: OperationGuard | undefined;
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate((update) => {
    apiSchema = update.apiSchema;
    guard = new OperationGuard(update.apiSchema, costs, config.limits, publicRootFields(SUBGRAPHS));
  });

  const trusted = TrustedDocuments.load(config.gatewayPath.trusted, config.gatewayPath.trustedFiles);
  const app = express();
  app.disable('x-powered-by');
  // No ETags: a GraphQL POST answer is never revalidated, and hashing every body cost CPU.
  app.set('etag', false);
  // POST /graphql takes the lean path (fast/lean-http.ts) unless GATEWAY_LEAN_HTTP=0; anything it
  // does not take, and every other route, is the Express app's.
  let lean: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const http = createServer((req, res) => (lean && takesRequest(req) ? lean(req, res) : app(req, res)));
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: maskError,
    includeStacktraceInErrorResponses: false,
    // runMain owns SIGINT/SIGTERM: two handlers stopping the same server deadlocked until the forced exit.
    stopOnTerminationSignals: false,
    // Introspection is decided per request by the guard: production refuses it to anonymous callers.
    introspection: true,
    // Every request must carry its document, so the guard measures what runs.
    persistedQueries: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: http }),
      hideSuggestionsPlugin(config.production),
      // A forwarded answer's verification (GATEWAY_FORWARD_VERIFY) is not a second operation.
      unlessVerifying(metricsPlugin('gateway')),
      errorLoggingPlugin(),
      // A browser opening /graphql gets the gateway's own explorer (explorer.ts), which needs no internet.
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  const security = securityHeaders(config);
  app.use(security);
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/metrics', metricsHandler(config));
  let draining = false;
  app.get('/readyz', readyHandler(() => draining, async () => ({ ...(await platform.checkReady()), ...(await subgraphsReady(platform)) })));
  app.use('/graphql', traceRequests('gateway'));
  app.use('/graphql', (req, res, next) => {
    const requestId = requestIdFrom(req.headers[HEADER.requestId]);
    req.headers[HEADER.requestId] = requestId;
    res.setHeader(HEADER.requestId, requestId);
    next();
  });
  const context = async ({ req }: { req: IncomingMessage & { body?: unknown; trustedKey?: string } }) => {
    const started = performance.now();
    try {
      const ctx = await buildGatewayContext(req, platform);
      admit(guard!, graphqlRequest(req as express.Request), ctx, config.production, trusted, req.trustedKey);
      return ctx;
    } catch (err) {
      // Refused before Apollo Server's plugins see the operation (bad token, over a limit): counted here.
      const body = req.body as { operationName?: unknown; query?: unknown } | undefined;
      const name = typeof body?.operationName === 'string' ? body.operationName : typeof body?.query === 'string' ? (/^\s*(?:query|mutation|subscription)\s+([_A-Za-z]\w*)/.exec(body.query)?.[1] ?? null) : null;
      recordOperation('gateway', name, [(err as { extensions?: { code?: unknown } }).extensions?.code ?? 'UNCODED'], null, (performance.now() - started) / 1000);
      throw err;
    }
  };
  // A browser opening /graphql (or /explorer) gets GraphiQL from the gateway's own packages.
  const explorer = explorerRouter(platform);
  app.use('/explorer', explorer.router);
  app.get('/graphql', (req, res, next) => {
    if (!wantsExplorer(req)) return next();
    explorer.page(req).then((html) => void res.type('html').set('Cache-Control', 'no-store').send(html), next);
  });
  app.use('/graphql', boundedJson(config), bodyErrors, trustedDocumentsMiddleware(trusted), expressMiddleware(apollo, { context }));
  // Providers call back here: MSG91's delivery reports (secret path token), payment webhooks (raw
  // bodies, signatures checked); receipts and insights' CSV exports open from signed links.
  app.use('/webhooks/msg91', msg91ReportRouter(platform));
  app.use('/webhooks', webhookRouter(platform));
  app.use('/receipts', receiptRouter(platform));
  app.use('/platform-invoices', platformInvoiceRouter(platform));
  app.use('/insights-exports', exportRouter(platform));
  app.use('/dashboard', dashboardRouter(platform.logger));
  const simulators = mountSimulators(app, platform);
  const msg91 = mountMsg91Simulator(app, platform);
  // Subscriptions: graphql-ws on the same port and path (live/).
  const livePlanner = new LivePlanner(supergraphSdl, apiSchema!, services);
  const live = startLive(http, { platform, planner: livePlanner, guard: () => guard!, modules: SUBGRAPHS });
  const forwarder = config.gatewayPath.forward ? new Forwarder(new ForwardPlanner(livePlanner.planner, livePlanner.apiSchema, apiSchema!), services, process.env.GATEWAY_FORWARD_VERIFY === '1' && !config.production) : null;
  if (config.gatewayPath.leanHttp) lean = leanGraphql({ platform, apollo, guard: () => guard!, context, security, trusted, forwarder });
  // Live counters for benchmarks and debugging, outside production only; the same as metrics below.
  if (!config.production) app.get('/_live/stats', (_req, res) => void res.json({ sockets: live.sockets, ...live.engine.stats }));
  // bench:live collects the heap before it reads RSS (node --expose-gc), from this machine only.
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!config.production && gc) app.post('/_live/gc', (req, res) => void (mayPrefillToken(config.production, req) ? (gc(), res.status(204).end()) : res.status(404).json(errorBody('No such route', 'NOT_FOUND'))));
  gaugeFrom('studyspot_live', 'Live subscriptions: open sockets, subscription groups, topics fed; messages sent and sequence gaps since start', ['measure'], (set) => {
    const s = live.engine.stats;
    set({ measure: 'sockets' }, live.sockets);
    set({ measure: 'groups' }, s.groups);
    set({ measure: 'topics' }, s.topics);
    set({ measure: 'sent' }, s.sent);
    set({ measure: 'gaps' }, s.gaps);
    set({ measure: 'executions' }, s.executions);
  });
  finalHandlers(app, (err) => platform.logger.error({ err }, 'unexpected HTTP error'));

  const bound = await listen(http, port, 'PORT', config.host);
  if (!config.publicUrl) platform.publicUrl = `http://localhost:${bound}`;
  // Outside production without its own Razorpay account, the platform takes tenants' payments
  // through this gateway's simulator (webhooks to /webhooks/razorpay/platform).
  if (msg91) {
    const reportToken = randomBytes(24).toString('base64url');
    config.sms = { apiUrl: `${platform.publicUrl}/_simulators/msg91`, authKey: msg91.state.register(), otpTemplateId: 'studyspot-otp', reportToken, timeoutMs: 8_000 };
    msg91.state.reportUrl = `${platform.publicUrl}/webhooks/msg91/${reportToken}`;
  }
  if (simulators && !config.platformGateway) {
    const { keyId, keySecret, webhookSecret } = simulators.razorpay.state.register({ webhookUrl: `${platform.publicUrl}/webhooks/razorpay/platform` });
    config.platformGateway = { keyId, keySecret, webhookSecret };
  }
  return {
    http,
    port: bound,
    forwarding: lean && forwarder ? forwarder.stats : null,
    url: `http://localhost:${bound}/graphql`,
    simulators,
    live,
    drain: () => void (draining = true),
    close: async () => {
      draining = true;
      // The test runner sums these (tools/test.mjs): how much of the suite the forwarding path saw.
      if (forwarder && process.env.GATEWAY_FORWARD_STATS_FILE) appendFileSync(process.env.GATEWAY_FORWARD_STATS_FILE, `${JSON.stringify({ ...forwarder.stats, ...forwarder.decisions })}\n`);
      await live.close();
      await Promise.all([simulators?.razorpay.state.settled(), simulators?.cashfree.state.settled()]);
      await apollo.stop();
      await Promise.all(Object.values(services).map((s) => (s instanceof SubgraphDataSource ? s.close() : undefined)));
      if (http.listening) await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
