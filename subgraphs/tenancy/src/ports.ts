// What other subgraphs may ask tenancy without going through federation (exported as
// @studyspot/tenancy/ports): a tenant's id and status by slug or id. Read-only.
import type { CorePrisma } from '@studyspot/db';
import { findTenantBySlug, findTenantStatus } from './tenants/tenants.repository.ts';

export type TenantStatus = NonNullable<Awaited<ReturnType<typeof findTenantStatus>>>['status'];

export interface TenantDirectory {
  /** The tenant with this slug (lower-cased), or null. */
  bySlug(slug: string): Promise<{ id: string; status: TenantStatus } | null>;
  /** The tenant's status, or null when there is no such tenant. */
  status(tenantId: string): Promise<TenantStatus | null>;
}

export function tenantDirectory(core: CorePrisma): TenantDirectory {
  return {
    bySlug: (slug) => findTenantBySlug(core, slug.trim().toLowerCase()),
    status: async (id) => (await findTenantStatus(core, id))?.status ?? null,
  };
}
