// In-app notifications: written per recipient (unless they turned the category off for the app),
// then published on the tenant's topic so the live `notifications` stream of that account shows it
// at once. Quiet hours (IST) do not hold back the in-app bell: they defer other channels.
import type { TenantPrisma } from '@studyspot/db';
import { clock, topics, type EventBus } from '@studyspot/runtime';

export type Category = 'FEES' | 'ATTENDANCE' | 'SEATS' | 'ANNOUNCEMENTS' | 'ACCOUNT';
export type Channel = 'IN_APP' | 'EMAIL' | 'SMS';

/** Which of these accounts want this category on this channel (no row: yes). */
export async function wanting(db: TenantPrisma, userIds: string[], category: Category, channel: Channel): Promise<string[]> {
  const off = await db.notificationPreference.findMany({ where: { userId: { in: userIds }, category, channel, enabled: false }, select: { userId: true } });
  const no = new Set(off.map((o) => o.userId));
  return userIds.filter((id) => !no.has(id));
}

export async function notifyInApp(deps: { db: TenantPrisma; events: EventBus; tenantId: string }, i: { userIds: string[]; category: Category; title: string; body: string; urgent?: boolean }) {
  const to = await wanting(deps.db, [...new Set(i.userIds)], i.category, 'IN_APP');
  const created = [];
  for (const userId of to) {
    const n = await deps.db.inAppNotification.create({ data: { userId, category: i.category, title: i.title.slice(0, 200), body: i.body.slice(0, 2_000), urgent: Boolean(i.urgent) } });
    created.push(n);
    await deps.events.publish(topics.tenant(deps.tenantId), { type: 'IN_APP_NOTIFICATION', userId, notificationId: n.id, category: n.category, title: n.title });
  }
  return created;
}

const IST_MS = 330 * 60_000;

/** Whether `now` is inside the quiet hours (which may wrap midnight: 21:00–07:00). */
export function inQuietHours(settings: { quietFromMinute: number | null; quietToMinute: number | null } | null, now = clock.now()): boolean {
  if (!settings || settings.quietFromMinute == null || settings.quietToMinute == null) return false;
  const ist = new Date(now.getTime() + IST_MS);
  const m = ist.getUTCHours() * 60 + ist.getUTCMinutes();
  const { quietFromMinute: from, quietToMinute: to } = settings;
  return from <= to ? m >= from && m < to : m >= from || m < to;
}

/** When the quiet hours `now` is in end (null when it is not in them). */
export function quietHoursEnd(settings: { quietFromMinute: number | null; quietToMinute: number | null } | null, now = clock.now()): Date | null {
  if (!settings || settings.quietToMinute == null || !inQuietHours(settings, now)) return null;
  const ist = new Date(now.getTime() + IST_MS);
  const m = ist.getUTCHours() * 60 + ist.getUTCMinutes();
  const ahead = (settings.quietToMinute - m + 1_440) % 1_440 || 1_440;
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000 + ahead * 60_000);
}

/** `{{name}}` → its value; every variable the text names must be given. */
export function fillTemplate(text: string, vars: Record<string, string>): { text: string } | { missing: string[] } {
  const missing = [...new Set([...text.matchAll(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g)].map((m) => m[1]!).filter((k) => !(k in vars)))];
  if (missing.length) return { missing };
  return { text: text.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g, (_m, k: string) => vars[k]!) };
}
