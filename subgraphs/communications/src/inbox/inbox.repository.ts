// The only code that reads or writes in-app notifications, notification preferences and templates,
// and the tenant's communication settings (quiet hours).
import type { TenantPrisma } from '@studyspot/db';
import { clock, KEYSET_ORDER_DESC } from '@studyspot/runtime';

type Category = 'FEES' | 'ATTENDANCE' | 'SEATS' | 'ANNOUNCEMENTS' | 'ACCOUNT' | 'ADMISSIONS' | 'SUPPORT';
type Channel = 'IN_APP' | 'EMAIL' | 'SMS';

export const inAppByIds = (db: TenantPrisma, ids: readonly string[]) => db.inAppNotification.findMany({ where: { id: { in: [...ids] } } });
export const createInApp = (db: TenantPrisma, data: { userId: string; category: Category; title: string; body: string; urgent: boolean }) => db.inAppNotification.create({ data });

export const inboxPage = (db: TenantPrisma, userId: string, unreadOnly: boolean, take: number, keyset: object) =>
  db.inAppNotification.findMany({ where: { userId, ...(unreadOnly ? { readAt: null } : {}), ...keyset }, orderBy: KEYSET_ORDER_DESC, take });
export const unreadCount = (db: TenantPrisma, userId: string) => db.inAppNotification.count({ where: { userId, readAt: null } });

/** Marks the account's own unread notifications read (all, or these ids); returns how many. */
export async function markRead(db: TenantPrisma, userId: string, ids: string[] | 'all') {
  return (await db.inAppNotification.updateMany({ where: { userId, readAt: null, ...(ids === 'all' ? {} : { id: { in: ids } }) }, data: { readAt: clock.now() } })).count;
}

export const preferencesOf = (db: TenantPrisma, userId: string) => db.notificationPreference.findMany({ where: { userId } });
export const setPreference = (db: TenantPrisma, p: { userId: string; category: Category; channel: Channel; enabled: boolean }) =>
  db.notificationPreference.upsert({ where: { userId_category_channel: { userId: p.userId, category: p.category, channel: p.channel } }, create: p, update: { enabled: p.enabled } });

/** Of these accounts, those who turned this category off on this channel. */
export const optedOut = async (db: TenantPrisma, userIds: string[], category: Category, channel: Channel) =>
  (await db.notificationPreference.findMany({ where: { userId: { in: userIds }, category, channel, enabled: false }, select: { userId: true } })).map((o) => o.userId);

export const listTemplates = (db: TenantPrisma) => db.notificationTemplate.findMany({ orderBy: [{ key: 'asc' }, { channel: 'asc' }], take: 200 });
export const findTemplate = (db: TenantPrisma, key: string, channel: Channel) => db.notificationTemplate.findUnique({ where: { key_channel: { key, channel } } });
export const setTemplate = (db: TenantPrisma, t: { key: string; channel: Channel; subject: string; body: string }) =>
  db.notificationTemplate.upsert({ where: { key_channel: { key: t.key, channel: t.channel } }, create: t, update: { subject: t.subject, body: t.body } });

export const settingsOf = (db: TenantPrisma) => db.communicationSettings.findUnique({ where: { id: 1 } });
export const setQuietHours = (db: TenantPrisma, from: number | null, to: number | null) =>
  db.communicationSettings.upsert({ where: { id: 1 }, create: { id: 1, quietFromMinute: from, quietToMinute: to }, update: { quietFromMinute: from, quietToMinute: to } });
