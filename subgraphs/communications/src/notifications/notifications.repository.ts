// The notification log (read-only here) and the counts communications adds to Tenant.stats.
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
  const [notificationCount, sms, campaigns, unread] = await Promise.all([
    db.notification.count(),
    db.smsMessage.groupBy({ by: ['status'], _count: { _all: true }, _sum: { credits: true }, where: { requestId: { not: null } } }),
    db.campaign.count(),
    db.inAppNotification.count({ where: { readAt: null } }),
  ]);
  const n = (s: string) => sms.find((x) => x.status === s)?._count._all ?? 0;
  return {
    notificationCount,
    smsSent: sms.reduce((t, x) => t + x._count._all, 0),
    smsDelivered: n('DELIVERED'),
    smsCreditsUsed: sms.reduce((t, x) => t + (x._sum.credits ?? 0), 0),
    campaignCount: campaigns,
    unreadInAppCount: unread,
  };
}
