// Runs this subgraph as its own HTTP server behind the gateway (`pnpm dev`), with its background sweep
// (reconciliation, overdue dues and late fees).
import { runMain, startSubgraphProcess } from '@studyspot/runtime';
import { billingSubgraph, startBillingSweeper } from './index.ts';

await runMain('subgraph-billing', () => startSubgraphProcess(billingSubgraph, (platform) => startBillingSweeper(platform)));
