// The seven subgraphs, in composition order. This is the composition root: loading the modules provides
// every subgraph's ports (runtime ports.ts) and registers every subgraph's background work (test
// clocks run it), so any process that imports this file — the gateway, or one subgraph's own process
// (processes/) — can serve what one subgraph asks of another.
import { billingSubgraph } from '@studyspot/billing';
import { campusSubgraph } from '@studyspot/campus';
import { communicationsSubgraph } from '@studyspot/communications';
import { engagementSubgraph } from '@studyspot/engagement';
import { identitySubgraph } from '@studyspot/identity';
import { insightsSubgraph } from '@studyspot/insights';
import type { SubgraphModule } from '@studyspot/runtime';
import { tenancySubgraph } from '@studyspot/tenancy';

export const SUBGRAPHS: SubgraphModule[] = [identitySubgraph, tenancySubgraph, campusSubgraph, billingSubgraph, communicationsSubgraph, engagementSubgraph, insightsSubgraph];
