// The tenants port (runtime ports.ts): what other subgraphs may read of a tenant, and the two status
// changes platform billing makes (suspension for an unpaid invoice, and back). Provided when this
// module loads.
import { clock, providePorts } from '@studyspot/runtime';
import * as repo from './tenants/tenants.repository.ts';

providePorts({
  tenants: {
    bySlug: (core, slug) => repo.findTenantBySlug(core, slug.trim().toLowerCase()),
    status: async (core, id) => (await repo.findTenantStatus(core, id))?.status ?? null,
    profile: (core, id) => repo.findTenantProfile(core, id),
    byWebhookKey: (core, key) => repo.findTenantByWebhookKey(core, key),
    withStatuses: (core, statuses) => repo.tenantsWithStatuses(core, statuses),
    onTestClocks: (core) => repo.tenantsOnTestClocks(core),
    suspendForUnpaid: (core, id, reason) => repo.suspendForUnpaid(core, id, reason, clock.now()),
    reactivateAfterPayment: (core, id) => repo.reactivateAfterPayment(core, id),
    setPlan: (core, id, planId) => repo.setPlan(core, id, planId),
    facts: async (core) => (await repo.tenantFacts(core)).map((t) => ({ tenantId: t.id, status: t.status, createdAt: t.createdAt, suspendedAt: t.suspendedAt, deletedAt: t.deletedAt })),
  },
});
