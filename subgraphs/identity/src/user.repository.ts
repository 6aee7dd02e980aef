import type { CorePrisma } from '@studyspot/db';

const USER_SELECT = { id: true, name: true, email: true, phone: true, role: true, tenantId: true, createdAt: true } as const;

export type UserRow = Awaited<ReturnType<typeof findUsersByIds>>[number];

export function findUsersByIds(core: CorePrisma, ids: readonly string[]) {
  return core.user.findMany({ where: { id: { in: [...ids] } }, select: USER_SELECT });
}
