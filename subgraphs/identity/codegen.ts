// Resolver types generated from this subgraph's SDL (tools/codegen/resolvers.ts); each entity's
// parent is the repository row its resolvers return.
import { resolverTypes } from '../../tools/codegen/resolvers.ts';

export default resolverTypes({
  User: '../users/users.repository.ts#UserRow',
  UserActivity: '../users/users.repository.ts#UserRow',
  AuditLogEntry: '../audit/audit.repository.ts#AuditRow',
  Tenant: '{ id: string }',
  TenantStats: '{ tenantId: string }',
});
