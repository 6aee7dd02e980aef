// In-app notifications: the owner's announcement reaches a student's inbox and live stream, the
// student marks it read, preferences and quiet hours; nothing crosses tenants or accounts.
import { clock } from '@studyspot/runtime';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
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
      const ist = new Date(clock.processNow().getTime() + 330 * 60_000);
      const hhmm = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      const nowMin = ist.getUTCHours() * 60 + ist.getUTCMinutes();
      await gql(w.gateway.url, 'mutation($f: String, $t: String) { setQuietHours(from: $f, to: $t) { from } }', { token: owner, variables: { f: hhmm(nowMin), t: hhmm(nowMin + 120) } });
      expect((await send(false)).data).toEqual({ notifyUsers: { delivered: 0, emailed: 0, deferred: 1, userErrors: [] } });
      expect((await send(true)).data).toEqual({ notifyUsers: { delivered: 0, emailed: 1, deferred: 0, userErrors: [] } });
      expect(mails).toHaveLength(2);
      // The hours end: the sweep sends what waited, once.
      await gql(w.gateway.url, 'mutation { setQuietHours(from: null, to: null) { from } }', { token: owner });
      const { smsSweepOnce } = await import('../subgraphs/communications/src/jobs/sweeper.ts');
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
    expect(prefs).toHaveLength(21); // seven categories (ADMISSIONS and SUPPORT since the engagement subgraph) × three channels
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

describe('announcements to students who signed in', () => {
  it('reach a student who has a sign-in account (one account, counted once) together with one who never signed in', async () => {
    // Two students who set no preferences: one signs in, one never does.
    const [signedIn, never] = await w.world.platform.tenants.withTenant(w.a.id, async (db) => {
      const library = await db.library.findFirstOrThrow();
      const make = (name: string, phone: string) => db.student.create({ data: { name, phone, libraryId: library.id } }).then((s) => s.id);
      return [await make('Signed In', '919900001234'), await make('Never Signed', '919900001235')];
    });
    // Signing in by OTP makes an account with the student's id in the core database.
    await w.world.platform.core.user.upsert({ where: { id: signedIn }, create: { id: signedIn, tenantId: w.a.id, role: 'STUDENT', name: 'Signed In', phone: '919900001234' }, update: {} });
    const r = await notify([signedIn, never], 'Library closed on Friday');
    expect(r.data).toEqual({ notifyUsers: { delivered: 2, userErrors: [] } });
    expect(await unread(w.tokenFor({ sub: signedIn, role: 'STUDENT', tenantId: w.a.id }))).toBeGreaterThanOrEqual(1);
  });

  it('refuses channels [SMS] without a DLT template instead of doing nothing, and texts students through one, honouring their SMS preference', async () => {
    const SMSNOTE = 'mutation($i: NotifyInput!) { notifyUsers(input: $i) { delivered texted notTexted { userId code } userErrors { code message field } } }';
    const bare = await gql(w.gateway.url, SMSNOTE, { token: owner, variables: { i: { userIds: [w.a.studentIds[0]], category: 'ANNOUNCEMENTS', title: 'x', body: 'y', channels: ['SMS'] } } });
    expect(bare.data).toEqual({ notifyUsers: { delivered: 0, texted: 0, notTexted: [], userErrors: [{ code: 'INVALID_INPUT', message: 'SMS goes only through an approved DLT template: give input.sms { templateId vars }', field: ['input', 'sms'] }] } });

    const { startMsg91Simulator } = await import('@studyspot/simulators');
    const sim = await startMsg91Simulator();
    const saved = w.world.platform.config.sms;
    w.world.platform.config.sms = { apiUrl: sim.baseUrl, authKey: sim.state.register(), otpTemplateId: 'otp', reportToken: 'r'.repeat(40), timeoutMs: 1_000 };
    onTestFinished(async () => {
      w.world.platform.config.sms = saved;
      await sim.close();
    });
    const admin = w.tokenFor({ sub: w.a.ownerId, role: 'SUPER_ADMIN', tenantId: null });
    await gql(w.gateway.url, 'mutation { purchaseWholesaleCredits(input: { vendor: "MSG91", credits: 1000, costPaise: 15000, idempotencyKey: "inbox-stock" }) { userErrors { code } } }', { token: admin });
    await gql(w.gateway.url, 'mutation($t: ID!) { grantCredits(input: { tenantId: $t, credits: 50, idempotencyKey: "inbox-grant" }) { userErrors { code } } }', { token: admin, variables: { t: w.a.id } });
    const sender = await gql(w.gateway.url, 'mutation { createSmsSender(header: "NOTICE") { sender { id } } }', { token: owner });
    const senderId = (sender.data!.createSmsSender as { sender: { id: string } }).sender.id;
    // A header is listed as soon as it is registered, before any template uses it.
    expect((await gql(w.gateway.url, '{ smsSenders { id header } }', { token: owner })).data).toEqual({ smsSenders: [{ id: senderId, header: 'NOTICE' }] });
    const t = await gql(w.gateway.url, 'mutation($i: SmsTemplateInput!) { createSmsTemplate(input: $i) { template { id } } }', { token: owner, variables: { i: { name: 'notice', senderId, dltTemplateId: 'dlt-notice', msg91TemplateId: 'm91-notice', category: 'SERVICE_IMPLICIT', body: 'Dear {#var#}, the library is closed on {#var#}. -NOTICE' } } });
    const templateId = (t.data!.createSmsTemplate as { template: { id: string } }).template.id;
    await gql(w.gateway.url, 'mutation($id: ID!) { setSmsTemplateApproval(id: $id, approval: APPROVED) { template { approval } } }', { token: owner, variables: { id: templateId } });
    // One student turned SMS off for announcements.
    const quiet = w.a.studentIds[1]!;
    await gql(w.gateway.url, 'mutation { setNotificationPreference(category: ANNOUNCEMENTS, channel: SMS, enabled: false) { enabled } }', { token: w.tokenFor({ sub: quiet, role: 'STUDENT', tenantId: w.a.id }) });
    const r = await gql(w.gateway.url, SMSNOTE, { token: owner, variables: { i: { userIds: [w.a.studentIds[0], quiet, w.a.ownerId], category: 'ANNOUNCEMENTS', channels: ['SMS'], sms: { templateId, vars: ['{name}', 'Friday'] } } } });
    expect(r.data).toEqual({ notifyUsers: { delivered: 0, texted: 1, notTexted: [{ userId: quiet, code: 'PREFERENCE_OFF' }, { userId: w.a.ownerId, code: 'NO_PHONE' }], userErrors: [] } });
    expect(sim.state.sent).toHaveLength(1);
    expect(sim.state.sent[0]).toMatchObject({ templateId: 'm91-notice', recipients: [{ var1: 'Rohan', var2: 'Friday' }] });
  });
});
