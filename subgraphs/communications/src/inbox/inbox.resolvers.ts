// The signed-in account's inbox and preferences, the tenant's quiet hours, and announcements.
import { badInput, isUuid, KEYSET_ORDER_DESC, paginate, type ConnectionArgs, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { emailOrDefer } from '../email/email.ts';
import { fillTemplate, notifyInApp, wanting, type Category, type Channel } from './inbox.service.ts';

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
      const r = await db.inAppNotification.updateMany({ where: { userId, readAt: null, ...(a.all ? {} : { id: { in: ids } }) }, data: { readAt: new Date() } });
      return r.count;
    },
    setNotificationPreference: async (_p, a: { category: Category; channel: Channel; enabled: boolean }, ctx) => {
      const { userId, db } = await mine(ctx);
      await db.notificationPreference.upsert({ where: { userId_category_channel: { userId, category: a.category, channel: a.channel } }, create: { userId, ...a }, update: { enabled: a.enabled } });
      return a;
    },
    notifyUsers: async (_p, a: { input: { userIds: string[]; category: Category; title?: string | null; body?: string | null; templateKey?: string | null; vars?: { name: string; value: string }[] | null; urgent?: boolean | null; channels?: Channel[] | null } }, ctx) => {
      const tenantId = ctx.requireTenant();
      const db = await ctx.tenantDb(tenantId);
      const i = a.input;
      const none = { delivered: 0, emailed: 0, deferred: 0 };
      const channels = new Set(i.channels?.length ? i.channels : ['IN_APP']);
      // The words per channel: given, or the template's for that channel with its variables filled.
      const words = new Map<string, { subject: string; body: string }>();
      if (i.templateKey) {
        const vars = Object.fromEntries((i.vars ?? []).map((v) => [v.name, v.value]));
        for (const ch of channels) {
          const t = await db.notificationTemplate.findUnique({ where: { key_channel: { key: i.templateKey, channel: ch as Channel } } });
          if (!t) return { ...none, userErrors: [{ code: 'NOT_FOUND', message: `Template "${i.templateKey}" has no ${ch} words`, field: ['input', 'templateKey'] }] };
          const subject = fillTemplate(t.subject, vars);
          const body = fillTemplate(t.body, vars);
          if ('missing' in subject || 'missing' in body) {
            const missing = [...new Set([...('missing' in subject ? subject.missing : []), ...('missing' in body ? body.missing : [])])];
            return { ...none, userErrors: [{ code: 'INVALID_INPUT', message: `Missing variables: ${missing.join(', ')}`, field: ['input', 'vars'] }] };
          }
          words.set(ch, { subject: subject.text, body: body.text });
        }
      } else {
        if (!i.title?.trim() || !i.body?.trim()) return { ...none, userErrors: [{ code: 'INVALID_INPUT', message: 'title and body are required (or a templateKey)', field: ['input'] }] };
        for (const ch of channels) words.set(ch, { subject: i.title.trim(), body: i.body.trim() });
      }
      if (i.userIds.length > 1_000) return { ...none, userErrors: [{ code: 'INVALID_INPUT', message: 'At most 1,000 accounts at once (a campaign reaches more)', field: ['input', 'userIds'] }] };
      // Only this tenant's accounts: its staff (core) and its students (their account id is the student id).
      const ids = [...new Set(i.userIds.filter(isUuid))];
      const [staff, students] = await Promise.all([ctx.core.user.findMany({ where: { id: { in: ids }, tenantId }, select: { id: true, email: true } }), db.student.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } })]);
      const known = [...staff, ...students].map((x) => x.id);
      if (known.length !== ids.length || ids.length !== i.userIds.length) return { ...none, userErrors: [{ code: 'NOT_FOUND', message: 'Some of these accounts are not this tenant’s', field: ['input', 'userIds'] }] };
      const inApp = words.get('IN_APP');
      const created = inApp ? await notifyInApp({ db, events: ctx.events, tenantId }, { userIds: known, category: i.category, title: inApp.subject, body: inApp.body, urgent: Boolean(i.urgent) }) : [];
      let emailed = 0;
      let deferred = 0;
      const email = words.get('EMAIL');
      if (email) {
        const addresses = new Map([...staff, ...students].filter((x) => x.email).map((x) => [x.id, x.email!]));
        for (const userId of await wanting(db, [...addresses.keys()], i.category, 'EMAIL')) {
          const outcome = await emailOrDefer(ctx.platform, ctx.tenantId!, db, { to: addresses.get(userId)!, subject: email.subject, text: email.body, urgent: Boolean(i.urgent) });
          if (outcome === 'sent') emailed++;
          else deferred++;
        }
      }
      await ctx.audit({ action: 'notification.send', tenantId, targetType: 'InAppNotification', targetId: created[0]?.id, details: { recipients: known.length, delivered: created.length, category: i.category } });
      return { delivered: created.length, emailed, deferred, userErrors: [] };
    },
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
