// In-app notifications: written per recipient (unless they turned the category off for the app),
// then published on the tenant's topic so the live `notifications` stream of that account shows it
// at once. Quiet hours (IST) do not hold back the in-app bell: they defer other channels.
import type { TenantPrisma } from '@studyspot/db';
import { badInput, byIds, clock, istMinuteOfDay, isUuid, paginate, topics, type ConnectionArgs, type EventBus, type SubgraphContext } from '@studyspot/runtime';
import * as repo from './inbox.repository.ts';

export type Category = 'FEES' | 'ATTENDANCE' | 'SEATS' | 'ANNOUNCEMENTS' | 'ACCOUNT' | 'ADMISSIONS' | 'SUPPORT';
export type Channel = 'IN_APP' | 'EMAIL' | 'SMS';

/** Which of these accounts want this category on this channel (no row: yes). */
export async function wanting(db: TenantPrisma, userIds: string[], category: Category, channel: Channel): Promise<string[]> {
  const no = new Set(await repo.optedOut(db, userIds, category, channel));
  return userIds.filter((id) => !no.has(id));
}

export async function notifyInApp(deps: { db: TenantPrisma; events: EventBus; tenantId: string }, i: { userIds: string[]; category: Category; title: string; body: string; urgent?: boolean }) {
  const to = await wanting(deps.db, [...new Set(i.userIds)], i.category, 'IN_APP');
  const created = [];
  for (const userId of to) {
    const n = await repo.createInApp(deps.db, { userId, category: i.category, title: i.title.slice(0, 200), body: i.body.slice(0, 2_000), urgent: Boolean(i.urgent) });
    created.push(n);
    await deps.events.publish(topics.tenant(deps.tenantId), { type: 'IN_APP_NOTIFICATION', userId, notificationId: n.id, category: n.category, title: n.title });
  }
  return created;
}

/** Whether `now` is inside the quiet hours (which may wrap midnight: 21:00–07:00). */
export function inQuietHours(settings: { quietFromMinute: number | null; quietToMinute: number | null } | null, now = clock.now()): boolean {
  if (!settings || settings.quietFromMinute == null || settings.quietToMinute == null) return false;
  const m = istMinuteOfDay(now);
  const { quietFromMinute: from, quietToMinute: to } = settings;
  return from <= to ? m >= from && m < to : m >= from || m < to;
}

/** When the quiet hours `now` is in end (null when it is not in them). */
export function quietHoursEnd(settings: { quietFromMinute: number | null; quietToMinute: number | null } | null, now = clock.now()): Date | null {
  if (!settings || settings.quietToMinute == null || !inQuietHours(settings, now)) return null;
  const m = istMinuteOfDay(now);
  const ahead = (settings.quietToMinute - m + 1_440) % 1_440 || 1_440;
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000 + ahead * 60_000);
}

/** `{{name}}` → its value; every variable the text names must be given. */
export function fillTemplate(text: string, vars: Record<string, string>): { text: string } | { missing: string[] } {
  const missing = [...new Set([...text.matchAll(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g)].map((m) => m[1]!).filter((k) => !(k in vars)))];
  if (missing.length) return { missing };
  return { text: text.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g, (_m, k: string) => vars[k]!) };
}

// The signed-in account's inbox, preferences, and the tenant's templates and quiet hours.

const CATEGORIES: Category[] = ['FEES', 'ATTENDANCE', 'SEATS', 'ANNOUNCEMENTS', 'ACCOUNT', 'ADMISSIONS', 'SUPPORT'];
const CHANNELS: Channel[] = ['IN_APP', 'EMAIL', 'SMS'];
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The signed-in account's tenant, database and id. */
async function mine(ctx: SubgraphContext) {
  return { ...(await ctx.currentTenant()), userId: ctx.claims!.sub };
}
const tenantDb = async (ctx: SubgraphContext) => (await ctx.currentTenant()).db;
const view = <N extends { readAt: Date | null }>(n: N) => ({ ...n, read: n.readAt !== null });
const hhmm = (m: number | null) => (m == null ? null : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);

export async function myInbox(ctx: SubgraphContext, a: ConnectionArgs & { unreadOnly?: boolean | null }) {
  const { userId, db } = await mine(ctx);
  const page = await paginate(a, (take, keyset) => repo.inboxPage(db, userId, Boolean(a.unreadOnly), take, keyset), 'desc');
  return { ...page, edges: page.edges.map((e) => ({ ...e, node: view(e.node) })) };
}

export async function myUnreadCount(ctx: SubgraphContext) {
  const { userId, db } = await mine(ctx);
  return repo.unreadCount(db, userId);
}

export async function myPreferences(ctx: SubgraphContext) {
  const { userId, db } = await mine(ctx);
  const rows = await repo.preferencesOf(db, userId);
  return CATEGORIES.flatMap((category) => CHANNELS.map((channel) => ({ category, channel, enabled: rows.find((r) => r.category === category && r.channel === channel)?.enabled ?? true })));
}

export const listTemplates = async (ctx: SubgraphContext) => repo.listTemplates(await tenantDb(ctx));

export async function quietHours(ctx: SubgraphContext) {
  const s = await repo.settingsOf(await tenantDb(ctx));
  return { from: hhmm(s?.quietFromMinute ?? null), to: hhmm(s?.quietToMinute ?? null) };
}

/** The tenant's quiet-hours settings (null: none set). */
export const settingsOf = (db: TenantPrisma) => repo.settingsOf(db);

export async function markRead(ctx: SubgraphContext, a: { ids?: string[] | null; all?: boolean | null }) {
  const { userId, db } = await mine(ctx);
  const ids = (a.ids ?? []).filter(isUuid);
  if (!a.all && !ids.length) return 0;
  // Only the caller's own: another account's ids change nothing.
  return repo.markRead(db, userId, a.all ? 'all' : ids);
}

export async function setPreference(ctx: SubgraphContext, a: { category: Category; channel: Channel; enabled: boolean }) {
  const { userId, db } = await mine(ctx);
  await repo.setPreference(db, { userId, ...a });
  return a;
}

export async function setTemplate(ctx: SubgraphContext, a: { key: string; channel: Channel; subject: string; body: string }) {
  const db = await tenantDb(ctx);
  const key = a.key.trim();
  if (!/^[a-z0-9][a-z0-9-]{0,59}$/.test(key)) throw badInput('key: lowercase letters, digits and dashes', 'key');
  if (!a.subject.trim() || !a.body.trim()) throw badInput('subject and body are required', 'body');
  return repo.setTemplate(db, { key, channel: a.channel, subject: a.subject.trim(), body: a.body.trim() });
}

export async function setQuietHours(ctx: SubgraphContext, a: { from?: string | null; to?: string | null }) {
  const db = await tenantDb(ctx);
  const parse = (s: string | null | undefined) => {
    if (s == null) return null;
    const m = HHMM.exec(s);
    if (!m) throw Object.assign(new Error('bad'), { field: s });
    return Number(m[1]) * 60 + Number(m[2]);
  };
  let from: number | null;
  let to: number | null;
  try {
    from = parse(a.from);
    to = parse(a.to);
  } catch {
    throw badInput('Quiet hours are HH:MM (24-hour, IST)', 'from');
  }
  if ((from == null) !== (to == null)) throw badInput('Give both from and to, or neither', 'to');
  await repo.setQuietHours(db, from, to);
  // What the old hours held back may go now: the messages sweep looks again.
  await ctx.platform.work.due(ctx.requireTenant(), 'messages');
  return { from: hhmm(from), to: hhmm(to) };
}

/** One of the caller's own notifications (entity references, batched); another account's is null. */
export async function myNotification(ctx: SubgraphContext, id: string) {
  const { tenantId, userId, db } = await mine(ctx);
  if (!isUuid(id)) return null;
  const n = await ctx.loader<string, Awaited<ReturnType<typeof repo.inAppByIds>>[number] | null>(`inApp:${tenantId}`, async (ids) => byIds(ids, await repo.inAppByIds(db, ids))).load(id);
  return n && n.userId === userId ? view(n) : null;
}

/** A notification template's words for a channel (null: none). */
export const templateFor = (db: TenantPrisma, key: string, channel: Channel) => repo.findTemplate(db, key, channel);
