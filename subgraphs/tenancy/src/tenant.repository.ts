import type { CorePrisma } from '@studyspot/db';
import { KEYSET_ORDER } from '@studyspot/runtime';

export type TenantRow = Awaited<ReturnType<typeof findTenantsByIds>>[number];
type TenantStatus = TenantRow['status'];

export function findTenantsByIds(core: CorePrisma, ids: readonly string[]) {
  return core.tenant.findMany({ where: { id: { in: [...ids] } } });
}

export interface TenantListFilter {
  status?: TenantStatus | null;
  planId?: string | null;
  search?: string | null;
}

export function listTenants(core: CorePrisma, take: number, where: object, f: TenantListFilter) {
  const search = f.search?.trim();
  return core.tenant.findMany({
    where: {
      AND: [
        where,
        f.status ? { status: f.status } : {},
        f.planId ? { planId: f.planId } : {},
        search ? { OR: [{ name: { contains: search, mode: 'insensitive' as const } }, { slug: { contains: search.toLowerCase() } }] } : {},
      ],
    },
    orderBy: KEYSET_ORDER,
    take,
  });
}

/** Id and status of the tenant with this slug (sign-in by tenant name). */
export function findTenantBySlug(core: CorePrisma, slug: string) {
  return core.tenant.findUnique({ where: { slug }, select: { id: true, status: true } });
}

export function findTenantStatus(core: CorePrisma, id: string) {
  return core.tenant.findUnique({ where: { id }, select: { status: true } });
}
