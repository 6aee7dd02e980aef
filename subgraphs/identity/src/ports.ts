// The accounts port (runtime ports.ts): what other subgraphs may read of accounts and the audit log.
// Provided when this module loads.
import { isUuid, providePorts } from '@studyspot/runtime';
import { countActions } from './audit/audit.repository.ts';
import { accountsOfTenant, branchStaff, countStaff, phoneOf, studentAccount } from './users/users.repository.ts';

providePorts({
  accounts: {
    phoneOf: (core, userId) => (isUuid(userId) ? phoneOf(core, userId) : Promise.resolve(null)),
    staffOf: (core, tenantId, ids) => accountsOfTenant(core, tenantId, ids),
    countStaff: (core, tenantId) => countStaff(core, tenantId),
    branchStaff: (core, tenantId, libraryId) => branchStaff(core, tenantId, libraryId),
    studentAccount: (core, tenantId, studentId, phone) => studentAccount(core, tenantId, studentId, phone),
    countActions: (core, action, from, to, detailsFrom) => countActions(core, action, from, to, detailsFrom),
  },
});
