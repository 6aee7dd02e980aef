// Resolver types generated from this subgraph's SDL (tools/codegen/resolvers.ts); each entity's
// parent is the repository row its resolvers return.
import { resolverTypes } from '../../tools/codegen/resolvers.ts';

export default resolverTypes({
  Lead: '../leads/leads.repository.ts#LeadRow',
  LeadStage: '../leads/leads.repository.ts#StageRow',
  LeadEvent: '../leads/leads.repository.ts#EventRow',
  LeadFollowUp: '../followups/followups.repository.ts#FollowUpRow',
});
