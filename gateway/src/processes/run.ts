// One subgraph as its own process (the services layout: `pnpm dev`, gateway/dist/<name>.js). It loads
// every subgraph module (subgraphs.ts), so the ports and background work of the others are available
// in it, and serves the named one with its own background work.
import { runMain, startSubgraphProcess, type Platform, type SubgraphName } from '@studyspot/runtime';
import { startBillingSweeper } from '@studyspot/billing';
import { startCampusSweeper } from '@studyspot/campus';
import { startCampaignWorker, startSmsSweeper } from '@studyspot/communications';
import { startEngagementSweeper } from '@studyspot/engagement';
import { startInsightsSweeper } from '@studyspot/insights';
import { SUBGRAPHS } from '../subgraphs.ts';

/** What runs beside each subgraph's server in its own process; returns its stop function. */
const BACKGROUND: Partial<Record<SubgraphName, (platform: Platform) => () => Promise<void>>> = {
  campus: (platform) => startCampusSweeper(platform),
  billing: (platform) => startBillingSweeper(platform),
  communications: (platform) => {
    const stops = [startSmsSweeper(platform), startCampaignWorker(platform)];
    return async () => void (await Promise.all(stops.map((stop) => stop())));
  },
  engagement: (platform) => startEngagementSweeper(platform),
  insights: (platform) => startInsightsSweeper(platform),
};

/** All background work in one process (the worker, worker.ts); returns its stop function. */
export function startBackgroundWork(platform: Platform): () => Promise<void> {
  const stops = Object.values(BACKGROUND).map((start) => start(platform));
  return async () => void (await Promise.all(stops.map((stop) => stop())));
}

/** Serves one subgraph; its background work too, unless BACKGROUND_WORK=0 (a worker process runs it). */
export async function runSubgraphProcess(name: SubgraphName): Promise<void> {
  const module = SUBGRAPHS.find((m) => m.name === name);
  if (!module) throw new Error(`No subgraph named ${name}`);
  const background = process.env.BACKGROUND_WORK === '0' ? undefined : BACKGROUND[name];
  await runMain(`subgraph-${name}`, () => startSubgraphProcess(module, background));
}
