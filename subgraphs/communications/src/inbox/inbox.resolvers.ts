// The signed-in account's inbox and preferences, the tenant's quiet hours, and announcements.
import { clock, badInput, isUuid, KEYSET_ORDER_DESC, paginate, type ConnectionArgs, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { type Category, type Channel } from './inbox.service.ts';
import { notifyUsers, type NotifyInput } from './notify.service.ts';

const CATEGORIES: Category[] = ['FEES', 'ATTENDANCE', 'SEATS', 'ANNOUNCEMENTS', 'ACCOUNT'];
const CHANNELS: Channel[] = ['IN_APP', 'EMAIL', 'SMS'];
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

async function mine(ctx: SubgraphContext) {
  const tenantId = ctx.requireTenant();
  return { tenantId, userId: ctx.claims!.sub, db: await ctx.tenantDb(tenantId) };
}
const view = (n: { readAt: Date | null }) => ({ ...n, read: n.readAt !== null });
const hhmm = (m: number | null) => (m == null ? null : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);

export const inboxResolvers: Resolvers = {
  Query: {
    myInbox: async (_p, a: ConnectionArgs & { unreadOnly?: boolean | null }, ctx) => {
      const { userId, db } = await mine(ctx);
      const page = await paginate(a, (take, keyset) => db.inAppNotification.findMany({ where: { userId, ...(a.unreadOnly ? { readAt: null } : {}), ...keyset }, orderBy: KEYSET_ORDER_DESC, take }), 'desc');
      return { ...page, edges: page.edges.map((e) => ({ ...e, node: view(e.node) })) };
    },
    myUnreadCount: async (_p, _a, ctx) => {
      const { userId, db } = await mine(ctx);
      return db.inAppNotification.count({ where: { userId, readAt: null } });
    },
    myNotificationPreferences: async (_p, _a, ctx) => {
      const { userId, db } = await mine(ctx);
      const rows = await db.notificationPreference.findMany({ where: { userId } });
      return CATEGORIES.flatMap((category) => CHANNELS.map((channel) => ({ category, channel, enabled: rows.find((r) => r.category === category && r.channel === channel)?.enabled ?? true })));
    },
    notificationTemplates: async (_p, _a, ctx) => {
      const db = await ctx.tenantDb(ctx.requireTenant());
      return db.notificationTemplate.findMany({ orderBy: [{ key: 'asc' }, { channel: 'asc' }], take: 200 });
    },
    quietHours: async (_p, _a, ctx) => {
      const db = await ctx.tenantDb(ctx.requireTenant());
      const s = await db.communicationSettings.findUnique({ where: { id: 1 } });
      return { from: hhmm(s?.quietFromMinute ?? null), to: hhmm(s?.quietToMinute ?? null) };
    },
  },
  Mutation: {
    markNotificationsRead: async (_p, a: { ids?: string[] | null; all?: boolean | null }, ctx) => {
      const { userId, db } = await mine(ctx);
      const ids = (a.ids ?? []).filter(isUuid);
      if (!a.all && !ids.length) return 0;
      // Only the caller's own: another account's ids change nothing.
      const r = await db.inAppNotification.updateMany({ where: { userId, readAt: null, ...(a.all ? {} : { id: { in: ids } }) }, data: { readAt: clock.now() } });
      return r.count;
    },
    setNotificationPreference: async (_p, a: { category: Category; channel: Channel; enabled: boolean }, ctx) => {
      const { userId, db } = await mine(ctx);
      await db.notificationPreference.upsert({ where: { userId_category_channel: { userId, category: a.category, channel: a.channel } }, create: { userId, ...a }, update: { enabled: a.enabled } });
      return a;
    },
    notifyUsers: async (_p, a: { input: NotifyInput }, ctx) => notifyUsers(ctx, a.input),
    setNotificationTemplate: async (_p, a: { key: string; channel: Channel; subject: string; body: string }, ctx) => {
      const db = await ctx.tenantDb(ctx.requireTenant());
      const key = a.key.trim();
      if (!/^[a-z0-9][a-z0-9-]{0,59}$/.test(key)) throw badInput('key: lowercase letters, digits and dashes', 'key');
      if (!a.subject.trim() || !a.body.trim()) throw badInput('subject and body are required', 'body');
      return db.notificationTemplate.upsert({ where: { key_channel: { key, channel: a.channel } }, create: { key, channel: a.channel, subject: a.subject.trim(), body: a.body.trim() }, update: { subject: a.subject.trim(), body: a.body.trim() } });
    },
    setQuietHours: async (_p, a: { from?: string | null; to?: string | null }, ctx) => {
      const db = await ctx.tenantDb(ctx.requireTenant());
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
      await db.communicationSettings.upsert({ where: { id: 1 }, create: { id: 1, quietFromMinute: from, quietToMinute: to }, update: { quietFromMinute: from, quietToMinute: to } });
      // What the old hours held back may go now: the messages sweep looks again.
      await ctx.platform.work.due(ctx.requireTenant(), 'messages');
      return { from: hhmm(from), to: hhmm(to) };
    },
  },
  InboxNotification: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
      const { userId, db } = await mine(ctx);
      const n = isUuid(ref.id) ? await db.inAppNotification.findUnique({ where: { id: ref.id } }) : null;
      return n && n.userId === userId ? view(n) : null;
    },
  },
};
