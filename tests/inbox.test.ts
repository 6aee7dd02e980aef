// In-app notifications: the owner's announcement reaches a student's inbox and live stream, the
// student marks it read, preferences and quiet hours; nothing crosses tenants or accounts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, type LiveClient } from './support/live.ts';
import { createSupergraphWorld, gql, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let owner: string;
let student: string;
let other: string;
const clients: LiveClient[] = [];

beforeAll(async () => {
  w = await createSupergraphWorld();
  owner = w.ownerToken(w.a);
  student = w.tokenFor({ sub: w.a.studentIds[0]!, role: 'STUDENT', tenantId: w.a.id });
  other = w.tokenFor({ sub: w.a.studentIds[1]!, role: 'STUDENT', tenantId: w.a.id });
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose().catch(() => {})));
  await w?.close();
});

const NOTIFY = 'mutation($i: NotifyInput!) { notifyUsers(input: $i) { delivered userErrors { code message } } }';
const notify = (userIds: string[], title: string, token = owner, category = 'ANNOUNCEMENTS') => gql(w.gateway.url, NOTIFY, { token, variables: { i: { userIds, category, title, body: `${title}: details` } } });
const unread = async (token: string) => (await gql(w.gateway.url, '{ myUnreadCount }', { token })).data!.myUnreadCount as number;

describe('email', () => {
  it('goes through SMTP (a local sink here), and waits out the quiet hours when it is not urgent', async () => {
    const { SMTPServer } = await import('smtp-server');
    const mails: { to: string; raw: string }[] = [];
    const sink = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, done) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
          done();
        });
      },
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
    const port = (sink.server.address() as { port: number }).port;
    w.world.platform.config.email.smtpUrl = `smtp://127.0.0.1:${port}`;
    try {
      const send = (urgent: boolean) => gql(w.gateway.url, 'mutation($i: NotifyInput!) { notifyUsers(input: $i) { delivered emailed deferred userErrors { code } } }', { token: owner, variables: { i: { userIds: [w.a.ownerId], category: 'ACCOUNT', title: urgent ? 'Urgent: card expiring' : 'Monthly summary', body: 'See the dashboard.', urgent, channels: ['EMAIL'] } } });
      await gql(w.gateway.url, 'mutation { setQuietHours(from: null, to: null) { from } }', { token: owner });
      expect((await send(false)).data).toEqual({ notifyUsers: { delivered: 0, emailed: 1, deferred: 0, userErrors: [] } });
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to).toBe('owner@alpha.test');
      expect(mails[0]!.raw).toContain('Subject: Monthly summary');
      // Quiet hours round the clock: the summary waits, the urgent one goes.
      const ist = new Date(Date.now() + 330 * 60_000);
      const hhmm = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      const nowMin = ist.getUTCHours() * 60 + ist.getUTCMinutes();
      await gql(w.gateway.url, 'mutation($f: String, $t: String) { setQuietHours(from: $f, to: $t) { from } }', { token: owner, variables: { f: hhmm(nowMin), t: hhmm(nowMin + 120) } });
      expect((await send(false)).data).toEqual({ notifyUsers: { delivered: 0, emailed: 0, deferred: 1, userErrors: [] } });
      expect((await send(true)).data).toEqual({ notifyUsers: { delivered: 0, emailed: 1, deferred: 0, userErrors: [] } });
      expect(mails).toHaveLength(2);
      // The hours end: the sweep sends what waited, once.
      await gql(w.gateway.url, 'mutation { setQuietHours(from: null, to: null) { from } }', { token: owner });
      const { smsSweepOnce } = await import('../subgraphs/communications/src/sms/sweeper.ts');
      await smsSweepOnce(w.world.platform);
      await smsSweepOnce(w.world.platform);
      expect(mails).toHaveLength(3);
      expect(mails[2]!.raw).toContain('Subject: Monthly summary');
    } finally {
      w.world.platform.config.email.smtpUrl = null;
      await new Promise<void>((r) => sink.close(() => r()));
    }
  });
});

describe('in-app notifications', () => {
  it("reach the student's inbox and live stream within a second, and are marked read by their owner only", async () => {
    const c = liveClient(w.gateway.url, { authorization: `Bearer ${student}` });
    clients.push(c);
    const rec = c.subscribe<{ notifications: { items: { kind: string; title: string; notificationId: string | null }[] } }>('subscription { notifications { items { kind title notificationId } } }');
    await rec.next();
    const t0 = Date.now();
    const r = await notify([w.a.studentIds[0]!], 'Library closed on Sunday');
    expect(r.data).toEqual({ notifyUsers: { delivered: 1, userErrors: [] } });
    const live = await rec.next((m) => (m.data?.notifications.items.length ?? 0) > 0, 1_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
    const item = live.data!.notifications.items[0]!;
    expect(item).toMatchObject({ kind: 'MESSAGE', title: 'Library closed on Sunday', notificationId: expect.any(String) });
    const inbox = await gql(w.gateway.url, '{ myInbox { edges { node { id title body category read } } } }', { token: student });
    expect((inbox.data!.myInbox as { edges: { node: Record<string, unknown> }[] }).edges.map((e) => e.node)).toEqual([{ id: item.notificationId, title: 'Library closed on Sunday', body: 'Library closed on Sunday: details', category: 'ANNOUNCEMENTS', read: false }]);
    expect(await unread(student)).toBe(1);
    expect(await unread(other)).toBe(0);
    // Another student cannot mark it read.
    expect((await gql(w.gateway.url, 'mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }', { token: other, variables: { ids: [item.notificationId] } })).data).toEqual({ markNotificationsRead: 0 });
    expect((await gql(w.gateway.url, 'mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }', { token: student, variables: { ids: [item.notificationId] } })).data).toEqual({ markNotificationsRead: 1 });
    expect(await unread(student)).toBe(0);
  });

  it('fills a template per channel with its variables, and says which are missing', async () => {
    const set = (channel: string, subject: string, body: string) => gql(w.gateway.url, 'mutation($c: NotificationChannel!, $s: String!, $b: String!) { setNotificationTemplate(key: "holiday", channel: $c, subject: $s, body: $b) { key channel } }', { token: owner, variables: { c: channel, s: subject, b: body } });
    expect((await set('IN_APP', 'Closed on {{day}}', 'The library is closed on {{day}} for {{reason}}.')).data).toEqual({ setNotificationTemplate: { key: 'holiday', channel: 'IN_APP' } });
    const send = (vars: { name: string; value: string }[], channels = ['IN_APP']) => gql(w.gateway.url, NOTIFY.replace('delivered', 'delivered emailed'), { token: owner, variables: { i: { userIds: [w.a.studentIds[2]!], category: 'ANNOUNCEMENTS', templateKey: 'holiday', vars, channels } } });
    const ok = await send([{ name: 'day', value: 'Friday' }, { name: 'reason', value: 'Diwali' }]);
    expect(ok.data).toEqual({ notifyUsers: { delivered: 1, emailed: 0, userErrors: [] } });
    const third = w.tokenFor({ sub: w.a.studentIds[2]!, role: 'STUDENT', tenantId: w.a.id });
    const inbox = await gql(w.gateway.url, '{ myInbox(first: 1) { edges { node { title body } } } }', { token: third });
    expect((inbox.data!.myInbox as { edges: { node: unknown }[] }).edges[0]!.node).toEqual({ title: 'Closed on Friday', body: 'The library is closed on Friday for Diwali.' });
    const missing = await send([{ name: 'day', value: 'Friday' }]);
    expect((missing.data!.notifyUsers as { userErrors: { code: string; message: string }[] }).userErrors).toEqual([{ code: 'INVALID_INPUT', message: 'Missing variables: reason' }]);
    const noEmail = await send([{ name: 'day', value: 'Friday' }, { name: 'reason', value: 'Diwali' }], ['IN_APP', 'EMAIL']);
    expect((noEmail.data!.notifyUsers as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  });

  it('leaves out who turned the category off for the app', async () => {
    const off = await gql(w.gateway.url, 'mutation { setNotificationPreference(category: ANNOUNCEMENTS, channel: IN_APP, enabled: false) { category channel enabled } }', { token: other });
    expect(off.data).toEqual({ setNotificationPreference: { category: 'ANNOUNCEMENTS', channel: 'IN_APP', enabled: false } });
    const r = await notify([w.a.studentIds[0]!, w.a.studentIds[1]!], 'Exam week hours');
    expect(r.data).toEqual({ notifyUsers: { delivered: 1, userErrors: [] } });
    expect(await unread(other)).toBe(0);
    const fees = await notify([w.a.studentIds[1]!], 'Fee reminder', owner, 'FEES');
    expect(fees.data).toEqual({ notifyUsers: { delivered: 1, userErrors: [] } });
    const prefs = (await gql(w.gateway.url, '{ myNotificationPreferences { category channel enabled } }', { token: other })).data!.myNotificationPreferences as { category: string; channel: string; enabled: boolean }[];
    expect(prefs).toHaveLength(15);
    expect(prefs.filter((p) => !p.enabled)).toEqual([{ category: 'ANNOUNCEMENTS', channel: 'IN_APP', enabled: false }]);
  });

  it("refuses accounts of another tenant, and another tenant's owner cannot reach this tenant's students", async () => {
    const r = await notify([w.b.studentIds[0]!], 'Wrong tenant');
    expect((r.data!.notifyUsers as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    const fromB = await notify([w.a.studentIds[0]!], 'From B', w.ownerToken(w.b));
    expect((fromB.data!.notifyUsers as { delivered: number; userErrors: { code: string }[] })).toEqual({ delivered: 0, userErrors: [expect.objectContaining({ code: 'NOT_FOUND' })] });
  });

  it('keeps quiet hours for the tenant (HH:MM, IST), refusing a malformed time', async () => {
    const set = await gql(w.gateway.url, 'mutation { setQuietHours(from: "21:30", to: "07:00") { from to } }', { token: owner });
    expect(set.data).toEqual({ setQuietHours: { from: '21:30', to: '07:00' } });
    expect((await gql(w.gateway.url, '{ quietHours { from to } }', { token: owner })).data).toEqual({ quietHours: { from: '21:30', to: '07:00' } });
    const bad = await gql(w.gateway.url, 'mutation { setQuietHours(from: "25:00", to: "07:00") { from } }', { token: owner });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const { inQuietHours } = await import('../subgraphs/communications/src/inbox/inbox.service.ts');
    const s = { quietFromMinute: 21 * 60 + 30, quietToMinute: 7 * 60 };
    expect([inQuietHours(s, new Date('2026-12-01T22:00:00+05:30')), inQuietHours(s, new Date('2026-12-02T06:59:00+05:30')), inQuietHours(s, new Date('2026-12-02T07:00:00+05:30'))]).toEqual([true, true, false]);
  });
});
