// SMS through MSG91 under DLT rules, paid in credits: our client against the local MSG91 simulator
// (its v5 Flow and OTP API, delivery reports posted to our webhook), through the gateway.
import { randomUUID } from 'node:crypto';
import { startMsg91Simulator } from '@studyspot/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsSweepOnce } from '../subgraphs/communications/src/jobs/sweeper.ts';
import { sendSms } from '../subgraphs/communications/src/sms/sms.service.ts';
import { createSupergraphWorld, gql, type SupergraphWorld } from './support/supergraph.ts';

let w: SupergraphWorld;
let sim: Awaited<ReturnType<typeof startMsg91Simulator>>;
let owner: string;
let admin: string;
let service: string;
let promo: string;
const reportToken = randomUUID() + randomUUID();

beforeAll(async () => {
  w = await createSupergraphWorld({ trustProxy: true });
  sim = await startMsg91Simulator();
  w.world.platform.config.sms = { apiUrl: sim.baseUrl, authKey: sim.state.register(), otpTemplateId: 'otp-template', reportToken, timeoutMs: 1_000 };
  sim.state.reportUrl = `${w.gateway.url.replace(/\/graphql$/, '')}/webhooks/msg91/${reportToken}`;
  owner = w.ownerToken(w.a);
  admin = w.tokenFor({ sub: randomUUID(), role: 'ADMIN', tenantId: null });
  await gql(w.gateway.url, 'mutation { purchaseWholesaleCredits(input: { vendor: "MSG91", credits: 10000, costPaise: 150000, idempotencyKey: "sms-stock" }) { userErrors { code } } }', { token: admin });
  await gql(w.gateway.url, 'mutation($t: ID!) { grantCredits(input: { tenantId: $t, credits: 100, idempotencyKey: "sms-grant" }) { userErrors { code } } }', { token: admin, variables: { t: w.a.id } });
  const sender = await gql(w.gateway.url, 'mutation { createSmsSender(header: "sunrse", entityId: "1101234567890") { sender { id header } userErrors { code } } }', { token: owner });
  const senderId = (sender.data!.createSmsSender as { sender: { id: string } }).sender.id;
  const template = async (name: string, category: string, body: string) => {
    const r = await gql(w.gateway.url, 'mutation($i: SmsTemplateInput!) { createSmsTemplate(input: $i) { template { id approval variables } userErrors { code } } }', { token: owner, variables: { i: { name, senderId, dltTemplateId: `dlt-${randomUUID().slice(0, 8)}`, msg91TemplateId: `m91-${name}`, category, body } } });
    return (r.data!.createSmsTemplate as { template: { id: string; approval: string; variables: number } }).template;
  };
  const t1 = await template('fee-due', 'SERVICE_IMPLICIT', 'Dear {#var#}, your fee of Rs {#var#} is due on {#var#}. -SUNRISE');
  expect(t1).toMatchObject({ approval: 'PENDING', variables: 3 });
  service = t1.id;
  promo = (await template('offer', 'PROMOTIONAL', 'Hi {#var#}, new AC seats at {#var#}. Reply STOP to opt out. -SUNRISE')).id;
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await w?.close();
});

const SEND = 'mutation($i: SendSmsInput!) { sendSms(input: $i) { message { id status reason parts credits body sendAfter } userErrors { code message } } }';
type Sent = { message: { id: string; status: string; reason: string | null; parts: number; credits: number; body: string; sendAfter: string } | null; userErrors: { code: string; message: string }[] };
const send = async (input: Record<string, unknown>, token = owner) => (await gql(w.gateway.url, SEND, { token, variables: { i: { idempotencyKey: randomUUID(), ...input } } })).data!.sendSms as Sent;
const wallet = async (tenant = w.a) => ((await gql(w.gateway.url, '{ currentTenant { wallet { balance held } } }', { token: w.ownerToken(tenant) })).data!.currentTenant as { wallet: { balance: number; held: number } }).wallet;
const approve = (id: string) => gql(w.gateway.url, 'mutation($id: ID!) { setSmsTemplateApproval(id: $id, approval: APPROVED) { template { approval } } }', { token: owner, variables: { id } });

describe('DLT rules', () => {
  it('sends only through an approved template, with variables of at most 30 characters', async () => {
    expect((await send({ templateId: service, vars: ['Rohan', '1500', '05-Dec'], studentId: w.a.studentIds[0] })).userErrors.map((e) => e.code)).toEqual(['TEMPLATE_NOT_APPROVED']);
    await approve(service);
    const long = await send({ templateId: service, vars: ['R'.repeat(31), '1500', '05-Dec'], studentId: w.a.studentIds[0] });
    expect(long.userErrors).toEqual([{ code: 'INVALID_INPUT', message: "Variable 1 is longer than DLT's 30 characters" }]);
    expect(sim.state.sent).toHaveLength(0);
  });

  it('sends promotions only to numbers that consented, only 10:00–21:00 IST (later ones wait), and STOP opts out', async () => {
    await approve(promo);
    expect((await send({ templateId: promo, vars: ['Sneha', 'Kothrud'], phone: '9876500001' })).userErrors.map((e) => e.code)).toEqual(['CONSENT_REQUIRED']);
    await gql(w.gateway.url, 'mutation { setSmsConsent(phone: "9876500001", promotional: true) { userErrors { code } } }', { token: owner });
    // At 21:05 IST it waits for 10:00 the next day (the clock is the service's argument).
    const late = new Date('2026-12-01T21:05:00+05:30');
    const db = await w.world.platform.tenants.withTenant(w.a.id, async (d) => d);
    const { subgraphContext } = await import('@studyspot/runtime');
    const ctx = subgraphContext(w.world.platform, { requestId: 'sms-test', claims: { sub: w.a.ownerId, role: 'OWNER', tenantId: w.a.id }, actingTenantId: null });
    const queued = await sendSms(ctx, w.a.id, db, { templateId: promo, vars: ['Sneha', 'Kothrud'], phone: '9876500001', idempotencyKey: randomUUID() }, late).finally(() => ctx.dispose());
    expect('message' in queued && queued.message).toMatchObject({ status: 'QUEUED', sendAfter: new Date('2026-12-02T10:00:00+05:30') });
    const held = (await wallet()).held;
    expect(held).toBeGreaterThanOrEqual(1);
    expect(sim.state.sent).toHaveLength(0);
    expect((await smsSweepOnce(w.world.platform, new Date('2026-12-02T09:59:00+05:30'))).sent).toBe(0);
    expect((await smsSweepOnce(w.world.platform, new Date('2026-12-02T10:00:00+05:30'))).sent).toBe(1);
    expect(sim.state.sent.at(-1)).toMatchObject({ templateId: 'm91-offer', recipients: [{ mobiles: '919876500001', var1: 'Sneha', var2: 'Kothrud' }] });
    // STOP.
    await gql(w.gateway.url, 'mutation { setSmsConsent(phone: "9876500001", promotional: false) { userErrors { code } } }', { token: owner });
    expect((await send({ templateId: promo, vars: ['Sneha', 'Kothrud'], phone: '9876500001' })).userErrors.map((e) => e.code)).toEqual(['CONSENT_REQUIRED']);
  });
});

describe('held messages are checked again when their time comes', () => {
  const held = async (phone: string, at: Date, extra: Record<string, unknown> = {}) => {
    const db = await w.world.platform.tenants.withTenant(w.a.id, async (d) => d);
    const { subgraphContext } = await import('@studyspot/runtime');
    const ctx = subgraphContext(w.world.platform, { requestId: 'sms-held', claims: { sub: w.a.ownerId, role: 'OWNER', tenantId: w.a.id }, actingTenantId: null });
    const r = await sendSms(ctx, w.a.id, db, { templateId: promo, vars: ['Sneha', 'Kothrud'], phone, idempotencyKey: randomUUID(), ...extra }, at).finally(() => ctx.dispose());
    if (!('message' in r) || !r.message) throw new Error(JSON.stringify(r));
    return r.message;
  };
  const messageOf = async () => (await gql(w.gateway.url, '{ smsMessages(first: 100) { edges { node { id status reason } } } }', { token: owner })).data!.smsMessages as { edges: { node: { id: string; status: string; reason: string | null } }[] };

  it('cancels a held promotion whose number replied STOP before 10:00, returning its credit, and sends nothing', async () => {
    await approve(promo);
    await gql(w.gateway.url, 'mutation { setSmsConsent(phone: "9876500011", promotional: true) { userErrors { code } } }', { token: owner });
    const before = await wallet();
    const m = await held('9876500011', new Date('2026-12-03T22:20:00+05:30'));
    expect(m).toMatchObject({ status: 'QUEUED', sendAfter: new Date('2026-12-04T10:00:00+05:30') });
    expect((await wallet()).held).toBe(before.held + 1);
    await gql(w.gateway.url, 'mutation { setSmsConsent(phone: "9876500011", promotional: false) { userErrors { code } } }', { token: owner });
    const sentBefore = sim.state.sent.length;
    await smsSweepOnce(w.world.platform, new Date('2026-12-04T10:00:00+05:30'));
    expect(sim.state.sent).toHaveLength(sentBefore);
    const row = (await messageOf()).edges.find((e) => e.node.id === m.id)!.node;
    expect(row).toEqual({ id: m.id, status: 'CANCELLED', reason: 'The number withdrew its consent (or replied STOP) before the message went' });
    expect(await wallet()).toEqual(before);
  });

  it('cancels a held message whose student turned SMS off for its category, and one whose template lost its DLT approval', async () => {
    const before = await wallet();
    const student = w.a.studentIds[1]!;
    const phone = ((await gql(w.gateway.url, 'query($s: ID!) { student(id: $s) { phone } }', { token: owner, variables: { s: student } })).data!.student as { phone: string }).phone;
    await gql(w.gateway.url, 'mutation($p: String!) { setSmsConsent(phone: $p, promotional: true) { userErrors { code } } }', { token: owner, variables: { p: phone } });
    const announcement = await held('', new Date('2026-12-05T22:20:00+05:30'), { phone: null, studentId: student, category: 'ANNOUNCEMENTS' });
    const studentToken = w.tokenFor({ sub: student, role: 'STUDENT', tenantId: w.a.id });
    const off = await gql(w.gateway.url, 'mutation { setNotificationPreference(category: ANNOUNCEMENTS, channel: SMS, enabled: false) { enabled } }', { token: studentToken });
    expect(off.errors).toBeUndefined();
    const sentBefore = sim.state.sent.length;
    await smsSweepOnce(w.world.platform, new Date('2026-12-06T10:00:00+05:30'));
    let rows = (await messageOf()).edges.map((e) => e.node);
    expect(rows.find((r) => r.id === announcement.id)).toEqual({ id: announcement.id, status: 'CANCELLED', reason: 'The student turned SMS off for announcements before the message went' });

    await gql(w.gateway.url, 'mutation { setSmsConsent(phone: "9876500012", promotional: true) { userErrors { code } } }', { token: owner });
    const unapproved = await held('9876500012', new Date('2026-12-06T22:20:00+05:30'));
    await gql(w.gateway.url, 'mutation($id: ID!) { setSmsTemplateApproval(id: $id, approval: REJECTED) { template { approval } } }', { token: owner, variables: { id: promo } });
    await smsSweepOnce(w.world.platform, new Date('2026-12-07T10:00:00+05:30'));
    rows = (await messageOf()).edges.map((e) => e.node);
    expect(rows.find((r) => r.id === unapproved.id)).toEqual({ id: unapproved.id, status: 'CANCELLED', reason: 'Its template is no longer approved on the DLT portal' });
    expect(sim.state.sent).toHaveLength(sentBefore);
    expect(await wallet()).toEqual(before);
    await approve(promo);
  });
});

describe('sending, credits and delivery reports', () => {
  it('spends a credit per part when MSG91 accepts, and marks it delivered from the report (duplicates harmless)', async () => {
    const before = await wallet();
    sim.state.reports.duplicates = 2;
    const r = await send({ templateId: service, vars: ['Rohan', '1500', '05-Dec'], studentId: w.a.studentIds[0] });
    // SENT, or DELIVERED already when the report beat the answer.
    expect(r.message).toMatchObject({ status: expect.stringMatching(/^(SENT|DELIVERED)$/), parts: 1, credits: 1, body: 'Dear Rohan, your fee of Rs 1500 is due on 05-Dec. -SUNRISE' });
    await sim.state.settled();
    sim.state.reports.duplicates = 0;
    const m = await gql(w.gateway.url, 'query($s: ID!) { smsMessages(studentId: $s, first: 1) { edges { node { id status deliveredAt template { name sender { header } } } } } }', { token: owner, variables: { s: w.a.studentIds[0] } });
    expect((m.data!.smsMessages as { edges: { node: Record<string, unknown> }[] }).edges[0]!.node).toMatchObject({ id: r.message!.id, status: 'DELIVERED', deliveredAt: expect.any(String), template: { name: 'fee-due', sender: { header: 'SUNRSE' } } });
    expect(await wallet()).toEqual({ balance: before.balance - 1, held: before.held });
    expect(sim.state.reportsSent.filter((x) => x.status === 200).length).toBeGreaterThanOrEqual(3);
  });

  it('charges Unicode by its 67-character parts, and records a failed delivery with its reason', async () => {
    const before = await wallet();
    sim.state.failNumbers.set('919876500002', 'Number not reachable');
    const r = await send({ templateId: service, vars: ['प्रिया देशमुख', '1500', '05-Dec'], phone: '9876500002' });
    expect(r.message).toMatchObject({ status: expect.stringMatching(/^(SENT|FAILED)$/), parts: 1, credits: 1 });
    await sim.state.settled();
    const got = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.smsMessage.findUniqueOrThrow({ where: { id: r.message!.id } }));
    expect(got).toMatchObject({ status: 'FAILED', reason: 'Number not reachable' });
    expect((await wallet()).balance).toBe(before.balance - 1);
    const two = await send({ templateId: service, vars: ['प्रिया देशमुख प्रिया देशमुख', '1500', '05-Dec'], phone: '9876500003' });
    expect(two.message).toMatchObject({ parts: 2, credits: 2 });
  });

  it('returns the credits when MSG91 stays down, and sends nothing without credits', async () => {
    const before = await wallet();
    sim.state.mode = 'down';
    try {
      const r = await send({ templateId: service, vars: ['Rohan', '1500', '05-Dec'], phone: '9876500004' });
      expect(r.message).toMatchObject({ status: 'FAILED', reason: 'MSG91 answered 503' });
    } finally {
      sim.state.mode = 'up';
    }
    expect(await wallet()).toEqual(before);
    // Tenant B has no credits at all.
    const ownerB = w.ownerToken(w.b);
    const s = await gql(w.gateway.url, 'mutation { createSmsSender(header: "BETAAA") { sender { id } } }', { token: ownerB });
    const senderId = (s.data!.createSmsSender as { sender: { id: string } }).sender.id;
    const t = await gql(w.gateway.url, 'mutation($i: SmsTemplateInput!) { createSmsTemplate(input: $i) { template { id } } }', { token: ownerB, variables: { i: { name: 'b', senderId, dltTemplateId: `dlt-b-${randomUUID().slice(0, 6)}`, msg91TemplateId: 'm91-b', category: 'SERVICE_IMPLICIT', body: 'Hello {#var#}. -BETA' } } });
    const tid = (t.data!.createSmsTemplate as { template: { id: string } }).template.id;
    await gql(w.gateway.url, 'mutation($id: ID!) { setSmsTemplateApproval(id: $id, approval: APPROVED) { template { id } } }', { token: ownerB, variables: { id: tid } });
    const sentBefore = sim.state.sent.length;
    const none = await send({ templateId: tid, vars: ['Kavya'], phone: '9876500005' }, ownerB);
    expect(none.userErrors.map((e) => e.code)).toEqual(['INSUFFICIENT_CREDITS']);
    expect(sim.state.sent).toHaveLength(sentBefore);
    // Tenant A's template is not B's.
    expect((await send({ templateId: service, vars: ['a', 'b', 'c'], phone: '9876500005' }, ownerB)).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  });

  it('keeps a report that beat our record of the send, and applies it once the send is recorded', async () => {
    const { applyReports, applyEarlyReports } = await import('../subgraphs/communications/src/sms/reports.service.ts');
    const platform = w.world.platform;
    const requestId = `early-${randomUUID()}`;
    expect(await applyReports(platform, [{ requestId, number: '919876500077', status: 'DELIVERED', desc: 'Delivered' }])).toEqual({ updated: 0, ignored: 1 });
    expect(await platform.core.smsPendingReport.count({ where: { requestId } })).toBe(1);
    const m = await platform.tenants.withTenant(w.a.id, (db) => db.smsMessage.create({ data: { phone: '9876500077', templateId: service, body: 'x', parts: 1, credits: 1, idempotencyKey: randomUUID(), status: 'SENT', requestId } }));
    await platform.core.smsRequest.create({ data: { requestId, tenantId: w.a.id } });
    await applyEarlyReports(platform, requestId);
    expect((await platform.tenants.withTenant(w.a.id, (db) => db.smsMessage.findUniqueOrThrow({ where: { id: m.id } }))).status).toBe('DELIVERED');
    expect(await platform.core.smsPendingReport.count({ where: { requestId } })).toBe(0);
  });

  it("reports sent, delivered %, failures by reason and credits per day and template; a student's history", async () => {
    const today = new Date(Date.now() + 330 * 60_000).toISOString().slice(0, 10);
    const a = await gql(w.gateway.url, 'query($d: Date!) { smsAnalytics(from: $d, to: $d) { sent delivered failed rejected deliveredRate failuresByReason { reason count } creditsByDay { day credits } creditsByTemplate { template { name } messages credits } } }', { token: owner, variables: { d: today } });
    expect(a.errors).toBeUndefined();
    const r = a.data!.smsAnalytics as { sent: number; delivered: number; failed: number; deliveredRate: number; failuresByReason: { reason: string; count: number }[]; creditsByDay: { day: string; credits: number }[]; creditsByTemplate: { template: { name: string }; credits: number }[] };
    expect(r.delivered).toBeGreaterThanOrEqual(1);
    expect(r.failuresByReason).toEqual(expect.arrayContaining([{ reason: 'Number not reachable', count: 1 }, { reason: 'MSG91 answered 503', count: 1 }]));
    expect(r.deliveredRate).toBeCloseTo(r.delivered / (r.delivered + r.failed), 3);
    expect(r.creditsByDay).toEqual([{ day: today, credits: r.creditsByTemplate.reduce((n, t) => n + t.credits, 0) }]);
    const h = await gql(w.gateway.url, 'query($s: ID!) { student(id: $s) { name messages { edges { node { body status } } } } }', { token: owner, variables: { s: w.a.studentIds[0] } });
    expect((h.data!.student as { messages: { edges: { node: { body: string } }[] } }).messages.edges[0]!.node.body).toBe('Dear Rohan, your fee of Rs 1500 is due on 05-Dec. -SUNRISE');
    const stats = await gql(w.gateway.url, '{ currentTenant { stats { smsSent smsDelivered smsCreditsUsed } } }', { token: owner });
    const st = (stats.data!.currentTenant as { stats: { smsSent: number; smsDelivered: number; smsCreditsUsed: number } }).stats;
    expect(st.smsDelivered).toBe(r.delivered);
    expect(st.smsSent).toBeGreaterThanOrEqual(st.smsDelivered);
    expect(st.smsCreditsUsed).toBeGreaterThanOrEqual(r.creditsByTemplate.reduce((n, t) => n + t.credits, 0));
    // Another tenant's owner sees nothing of it.
    const other = await gql(w.gateway.url, 'query($s: ID!) { student(id: $s) { messages { edges { node { id } } } } }', { token: w.ownerToken(w.b), variables: { s: w.a.studentIds[0] } });
    expect(other.data).toEqual({ student: null });
  });

  it('refuses delivery reports on a wrong token', async () => {
    const r = await fetch(`${w.gateway.url.replace(/\/graphql$/, '')}/webhooks/msg91/wrong-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(r.status).toBe(404);
  });
});

describe('OTP through MSG91', () => {
  it('delivers the sign-in code through the simulator, and the student signs in with it', async () => {
    const phone = '9812300009';
    await gql(w.gateway.url, 'mutation($i: CreateUserInput!) { createUser(input: $i) { userErrors { code } } }', { token: admin, variables: { i: { name: 'OTP Student', role: 'STUDENT', phone, tenantId: w.a.id } } });
    const req = await gql(w.gateway.url, 'mutation($i: RequestOtpInput!) { requestOtp(input: $i) { expiresInSeconds userErrors { code } } }', { variables: { i: { tenantSlug: 'alpha', phone } }, headers: { 'x-forwarded-for': '10.55.0.1' } });
    expect(req.data).toEqual({ requestOtp: { expiresInSeconds: 300, userErrors: [] } });
    const sent = sim.state.otps.filter((o) => o.mobile === `91${phone}`).at(-1)!;
    expect(sent).toMatchObject({ templateId: 'otp-template', otp: expect.stringMatching(/^\d{6}$/) });
    const login = await gql(w.gateway.url, 'mutation($i: OtpLoginInput!) { loginWithOtp(input: $i) { accessToken userErrors { code } } }', { variables: { i: { tenantSlug: 'alpha', phone, code: sent.otp } }, headers: { 'x-forwarded-for': '10.55.0.1' } });
    expect(login.data).toMatchObject({ loginWithOtp: { accessToken: expect.any(String), userErrors: [] } });
  });
});
