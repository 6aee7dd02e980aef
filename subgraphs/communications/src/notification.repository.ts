import type { TenantPrisma } from '@studyspot/db';

const NOTIFICATION_SELECT = { id: true, studentId: true, channel: true, body: true, status: true, createdAt: true } as const;
const keyset = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];

export type NotificationRow = Awaited<ReturnType<typeof findNotificationsByIds>>[number];

export function findNotificationsByIds(db: TenantPrisma, ids: readonly string[]) {
  return db.notification.findMany({ where: { id: { in: [...ids] } }, select: NOTIFICATION_SELECT });
}

export function listNotifications(db: TenantPrisma, take: number, where: object) {
  return db.notification.findMany({ where, orderBy: keyset, take, select: NOTIFICATION_SELECT });
}
