// Runs this subgraph as its own HTTP server behind the gateway (`pnpm dev`, the services layout).
import { runMain, startSubgraphProcess } from '@studyspot/runtime';
import { tenancySubgraph } from './index.ts';
// A test clock's advance runs, in this process, the work every subgraph registers with the runtime
// (registerTenantWork); their modules register it when loaded. The embedded gateway loads them all.
import '@studyspot/campus';
import '@studyspot/billing';
import '@studyspot/communications';

await runMain('subgraph-tenancy', () => startSubgraphProcess(tenancySubgraph));
