// Runs this subgraph as its own HTTP server behind the gateway (`pnpm dev`).
import { runMain, startSubgraphProcess } from '@studyspot/runtime';
import type { Platform } from '@studyspot/runtime';
import { communicationsSubgraph, startCampaignWorker, startSmsSweeper } from './index.ts';

await runMain('subgraph-communications', () =>
  startSubgraphProcess(communicationsSubgraph, (platform: Platform) => {
    const stops = [startSmsSweeper(platform), startCampaignWorker(platform)];
    return async () => void (await Promise.all(stops.map((stop) => stop())));
  }),
);
