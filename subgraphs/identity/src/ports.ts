// The accounts port (runtime ports.ts): what other subgraphs may read of accounts. Provided when this
// module loads.
import { isUuid, providePorts } from '@studyspot/runtime';
import { accountsOfTenant, phoneOf } from './users/users.repository.ts';

providePorts({
  accounts: {
    phoneOf: (core, userId) => (isUuid(userId) ? phoneOf(core, userId) : Promise.resolve(null)),
    staffOf: (core, tenantId, ids) => accountsOfTenant(core, tenantId, ids),
  },
});
