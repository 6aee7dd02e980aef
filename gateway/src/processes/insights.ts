// The insights subgraph as its own process (run.ts).
import { runSubgraphProcess } from './run.ts';

await runSubgraphProcess('insights');
