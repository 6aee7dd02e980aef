// Runs this subgraph as its own HTTP server behind the gateway (`pnpm dev`).
import { runMain, startSubgraphProcess } from '@studyspot/runtime';
import { communicationsSubgraph, startSmsSweeper } from './index.ts';

await runMain('subgraph-communications', () => startSubgraphProcess(communicationsSubgraph, startSmsSweeper));
