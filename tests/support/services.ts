// The services layout inside one test process: each subgraph on its own HTTP port (sharing the test
// world's platform, as subgraph processes share its databases), and a gateway with a platform of its
// own calling them over HTTP, as in `pnpm dev`.
import { startGateway, SUBGRAPHS, type GatewayServer } from '@studyspot/gateway';
import { createPlatform, serveSubgraph, type Config, type Logger, type RunningServer, type SubgraphName } from '@studyspot/runtime';
import { createLogger } from '@studyspot/runtime/observability';
import type { TestWorld } from '@studyspot/testkit';

export interface ServicesLayout {
  gateway: GatewayServer;
  subgraphs: Map<SubgraphName, RunningServer>;
  close(): Promise<void>;
}

export async function startServicesLayout(world: TestWorld, opts: { config?: Partial<Config>; logger?: Logger } = {}): Promise<ServicesLayout> {
  const subgraphs = new Map<SubgraphName, RunningServer>();
  for (const m of SUBGRAPHS) subgraphs.set(m.name, await serveSubgraph(m, world.platform, 0));
  const config = { ...world.config, ...opts.config, subgraphMode: 'remote' as const, subgraphUrls: Object.fromEntries([...subgraphs].map(([n, s]) => [n, s.url])) as Record<SubgraphName, string> };
  const gatewayPlatform = await createPlatform(config, opts.logger ?? createLogger('gateway-test', 'silent'));
  const gateway = await startGateway(gatewayPlatform, 0);
  return {
    gateway,
    subgraphs,
    close: async () => {
      await gateway.close();
      await gatewayPlatform.close();
      for (const s of subgraphs.values()) await s.close();
    },
  };
}
