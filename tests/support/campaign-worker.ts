// A campaign worker in a process of its own, for the test that kills it mid-campaign (SIGKILL).
// Configured from the environment like any StudySpot process.
import { createPlatform, loadConfig } from '@studyspot/runtime';
import { createLogger } from '@studyspot/runtime/observability';
// Like any StudySpot process, it loads every subgraph module: a campaign asks campus and billing
// through their ports (runtime ports.ts).
import '@studyspot/gateway';
import { startCampaignWorker } from '../../subgraphs/communications/src/campaigns/queue.ts';

const platform = await createPlatform(loadConfig(), createLogger('campaign-worker', 'silent'));
startCampaignWorker(platform, { stalledIntervalMs: 1_000, lockDurationMs: 2_000 });
console.log('campaign worker ready');
setInterval(() => {}, 1 << 30);
