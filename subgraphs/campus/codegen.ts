// Resolver types generated from this subgraph's SDL (tools/codegen/resolvers.ts); each entity's
// parent is the tenant-tagged repository row its resolvers return.
import { resolverTypes } from '../../tools/codegen/resolvers.ts';

const row = (name: string) => `../shared/loaders.ts#${name}`;

export default resolverTypes({
  Library: row('LibraryParent'),
  Seat: row('SeatParent'),
  Shift: row('ShiftParent'),
  Student: row('StudentParent'),
  SeatAllocation: row('AllocationParent'),
  Visit: row('VisitParent'),
  WaitlistEntry: row('WaitlistParent'),
  Tenant: row('TenantParent'),
  TenantStats: row('TenantStatsParent'),
});
