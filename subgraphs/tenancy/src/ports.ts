// The tenants port (runtime ports.ts): a tenant's id and status by slug or id, read-only. Provided
// when this module loads.
import { providePorts } from '@studyspot/runtime';
import { findTenantBySlug, findTenantStatus } from './tenants/tenants.repository.ts';

providePorts({
  tenants: {
    bySlug: (core, slug) => findTenantBySlug(core, slug.trim().toLowerCase()),
    status: async (core, id) => (await findTenantStatus(core, id))?.status ?? null,
  },
});
