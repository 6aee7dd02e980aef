// The tenant's staff accounts that an announcement names (core `user`, identity's table), read-only.
// Identity depends on tenancy, which loads this subgraph's work, so importing identity's ports here
// would close a package cycle; this one read stays here, documented in ARCHITECTURE.md, until ports
// are injected by the runtime.
import type { CorePrisma } from '@studyspot/db';

export function staffAccounts(core: CorePrisma, tenantId: string, ids: string[]) {
  // eslint-disable-next-line studyspot/data-boundary -- identity's table, read-only (see above)
  return core.user.findMany({ where: { id: { in: ids }, tenantId }, select: { id: true, email: true } });
}
