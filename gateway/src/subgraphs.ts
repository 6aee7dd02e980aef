// The five subgraphs, in composition order.
import { billingSubgraph } from '@studyspot/billing';
import { campusSubgraph } from '@studyspot/campus';
import { communicationsSubgraph } from '@studyspot/communications';
import { identitySubgraph } from '@studyspot/identity';
import type { SubgraphModule } from '@studyspot/runtime';
import { tenancySubgraph } from '@studyspot/tenancy';

export const SUBGRAPHS: SubgraphModule[] = [identitySubgraph, tenancySubgraph, campusSubgraph, billingSubgraph, communicationsSubgraph];
