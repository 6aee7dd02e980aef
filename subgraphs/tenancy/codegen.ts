// Resolver types generated from this subgraph's SDL (tools/codegen/resolvers.ts); each entity's
// parent is the repository row its resolvers return.
import { resolverTypes } from '../../tools/codegen/resolvers.ts';

export default resolverTypes({
  Tenant: '../tenants/tenants.repository.ts#TenantRow',
  TestClock: '../testclocks/testclocks.repository.ts#ClockRow',
  DatabaseServer: '../placement/placement.repository.ts#ServerRow',
  TenantMove: '../moves/moves.repository.ts#MoveRow',
  TenantDatabase: '{ name: string; host: string; purgedAt: Date | null; serverId: string }',
  TenantStats: '{ tenantId: string }',
});
