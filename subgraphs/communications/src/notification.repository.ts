import type { TenantPrisma } from '@studyspot/db';
import { KEYSET_ORDER } from '@studyspot/runtime';

const NOTIFICATION_SELECT = { id: true, studentId: true, channel: true, body: true, status: true, createdAt: true } as const;

export type NotificationRow = Awaited<ReturnType<typeof findNotificationsByIds>>[number];

export function findNotificationsByIds(db: TenantPrisma, ids: readonly string[]) {
  return db.notification.findMany({ where: { id: { in: [...ids] } }, select: NOTIFICATION_SELECT });
}

export function listNotifications(db: TenantPrisma, take: number, where: object) {
  return db.notification.findMany({ where, orderBy: KEYSET_ORDER, take, select: NOTIFICATION_SELECT });
}

export async function tenantCounts(db: TenantPrisma) {
  return { notificationCount: await db.notification.count() };
}
