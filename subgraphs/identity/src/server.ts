// Runs this subgraph as its own HTTP server behind the gateway (`pnpm dev`).
import { runMain, startSubgraphProcess } from '@studyspot/runtime';
import { identitySubgraph } from './index.ts';

await runMain('subgraph-identity', () => startSubgraphProcess(identitySubgraph));
