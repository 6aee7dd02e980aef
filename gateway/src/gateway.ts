// The gateway: one HTTP server (/graphql, /healthz, /readyz) in front of the five subgraphs, either
// in-process (embedded default, `pnpm start`) or over HTTP (`pnpm dev`, SUBGRAPH_MODE=remote).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import { errorLoggingPlugin, HEADER, identityHeaders, listen, maskError, requestIdFrom, type Platform, type SubgraphName } from '@studyspot/runtime';
import express from 'express';
import { SUPERGRAPH_PATH } from './compose.ts';
import { buildGatewayContext, type GatewayContext } from './context.ts';
import { InProcessDataSource } from './in-process-data-source.ts';
import { SUBGRAPHS } from './subgraphs.ts';

export interface GatewayServer {
  http: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

async function subgraphsReady(platform: Platform): Promise<Record<string, string>> {
  if (platform.config.subgraphMode === 'local') return { subgraphs: 'ok' };
  const out: Record<string, string> = {};
  await Promise.all(
    Object.entries(platform.config.subgraphUrls).map(async ([name, url]) => {
      try {
        const res = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(2_000) });
        out[`subgraph:${name}`] = res.ok ? 'ok' : `HTTP ${res.status}`;
      } catch (err) {
        out[`subgraph:${name}`] = (err as Error).message;
      }
    }),
  );
  return out;
}

export async function startGateway(platform: Platform, port = platform.config.port): Promise<GatewayServer> {
  const { config } = platform;
  const modules = new Map(SUBGRAPHS.map((m) => [m.name, m]));
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name }) => {
      if (config.subgraphMode === 'local') return new InProcessDataSource(modules.get(name as SubgraphName)!, platform);
      return new RemoteGraphQLDataSource<GatewayContext>({
        url: config.subgraphUrls[name as SubgraphName],
        willSendRequest: ({ request, context }) => {
          if (!('identity' in context)) return;
          for (const [k, v] of Object.entries(identityHeaders(context.identity, config.gatewaySecret))) request.http?.headers.set(k, v);
        },
      });
    },
  });

  const app = express();
  app.disable('x-powered-by');
  const http = createServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: maskError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: http }),
      errorLoggingPlugin(),
      config.production ? ApolloServerPluginLandingPageProductionDefault({ footer: false }) : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const checks = { ...(await platform.checkReady()), ...(await subgraphsReady(platform)) };
    const ok = Object.values(checks).every((v) => v === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
  });
  app.use('/graphql', (req, res, next) => {
    const requestId = requestIdFrom(req.headers[HEADER.requestId]);
    req.headers[HEADER.requestId] = requestId;
    res.setHeader(HEADER.requestId, requestId);
    next();
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, { context: async ({ req }) => buildGatewayContext(req, platform) }),
  );

  const bound = await listen(http, port);
  return {
    http,
    port: bound,
    url: `http://localhost:${bound}/graphql`,
    close: async () => {
      await apollo.stop();
      if (http.listening) await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
