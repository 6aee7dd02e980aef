import type { CorePrisma } from '@studyspot/db';
import { KEYSET_ORDER } from '@studyspot/runtime';

const TENANT_SELECT = { id: true, slug: true, name: true, status: true, createdAt: true } as const;

export type TenantRow = Awaited<ReturnType<typeof findTenantsByIds>>[number];
type TenantStatus = TenantRow['status'];

export function findTenantsByIds(core: CorePrisma, ids: readonly string[]) {
  return core.tenant.findMany({ where: { id: { in: [...ids] } }, select: TENANT_SELECT });
}

export function listTenants(core: CorePrisma, take: number, where: object, status?: TenantStatus | null) {
  return core.tenant.findMany({
    where: { AND: [where, status ? { status } : {}] },
    orderBy: KEYSET_ORDER,
    take,
    select: TENANT_SELECT,
  });
}
