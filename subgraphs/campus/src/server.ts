// Runs this subgraph as its own HTTP server behind the gateway (`pnpm dev`), with its background sweep.
import { runMain, startSubgraphProcess } from '@studyspot/runtime';
import { campusSubgraph, startCampusSweeper } from './index.ts';

await runMain('subgraph-campus', () => startSubgraphProcess(campusSubgraph, (platform) => startCampusSweeper(platform)));
