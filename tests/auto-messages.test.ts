// Automatic SMS from what happens in billing and campus, and the done-when of communications: an
// owner's fee-reminder campaign to a library's overdue students, each student seeing it live in-app.
import { randomUUID } from 'node:crypto';
import { startMsg91Simulator } from '@studyspot/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaignWorker } from '../subgraphs/communications/src/campaigns/queue.ts';
import { smsSweepOnce } from '../subgraphs/communications/src/jobs/sweeper.ts';
import { createBillingWorld, enrol, type BillingWorld } from './support/billing.ts';
import { plusDays, today } from './support/campus.ts';
import { liveClient, type LiveClient } from './support/live.ts';
import { gql } from './support/supergraph.ts';

let w: BillingWorld;
let sim: Awaited<ReturnType<typeof startMsg91Simulator>>;
let stopWorker: () => Promise<void>;
const clients: LiveClient[] = [];
const templates: Record<string, string> = {};

beforeAll(async () => {
  w = await createBillingWorld();
  sim = await startMsg91Simulator();
  const token = randomUUID() + randomUUID();
  w.world.platform.config.sms = { apiUrl: sim.baseUrl, authKey: sim.state.register(), otpTemplateId: 'otp', reportToken: token, timeoutMs: 1_000 };
  sim.state.reportUrl = `${w.url().replace(/\/graphql$/, '')}/webhooks/msg91/${token}`;
  stopWorker = startCampaignWorker(w.world.platform, { stalledIntervalMs: 1_000 });
  const admin = w.tokenFor({ sub: randomUUID(), role: 'ADMIN', tenantId: null });
  await gql(w.url(), 'mutation { purchaseWholesaleCredits(input: { vendor: "MSG91", credits: 10000, costPaise: 150000, idempotencyKey: "auto-stock" }) { userErrors { code } } }', { token: admin });
  await gql(w.url(), 'mutation($t: ID!) { grantCredits(input: { tenantId: $t, credits: 500, idempotencyKey: "auto-grant" }) { userErrors { code } } }', { token: admin, variables: { t: w.a.id } });
  const s = await gql(w.url(), 'mutation { createSmsSender(header: "SUNRSE") { sender { id } } }', { token: w.owner });
  const senderId = (s.data!.createSmsSender as { sender: { id: string } }).sender.id;
  for (const [name, body] of [
    ['overdue', 'Dear {#var#}, your seat fee of Rs {#var#} is overdue. -SUNRISE'],
    ['receipt', 'Dear {#var#}, we received Rs {#var#}. Receipt {#var#}. -SUNRISE'],
    ['allocated', 'Dear {#var#}, seat {#var#} is yours from {#var#} ({#var#} shift). -SUNRISE'],
    ['due-today', 'Dear {#var#}, your fee of Rs {#var#} is due today ({#var#}). -SUNRISE'],
    ['absence', 'Dear {#var#}, we have missed you for {#var#} days at {#var#}. -SUNRISE'],
  ] as const) {
    const t = await gql(w.url(), 'mutation($i: SmsTemplateInput!) { createSmsTemplate(input: $i) { template { id } } }', { token: w.owner, variables: { i: { name, senderId, dltTemplateId: `dlt-${name}`, msg91TemplateId: `m91-${name}`, category: 'SERVICE_IMPLICIT', body } } });
    templates[name] = (t.data!.createSmsTemplate as { template: { id: string } }).template.id;
    await gql(w.url(), 'mutation($id: ID!) { setSmsTemplateApproval(id: $id, approval: APPROVED) { template { id } } }', { token: w.owner, variables: { id: templates[name] } });
  }
}, 90_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose().catch(() => {})));
  await stopWorker?.();
  await sim?.close();
  await w?.close();
});

const RULE = 'mutation($k: AutoMessageKind!, $e: Boolean!, $t: ID) { setAutoMessageRule(kind: $k, enabled: $e, templateId: $t) { rule { kind enabled variables template { name } } userErrors { code message } } }';

describe('automatic SMS', () => {
  it('sends the overdue reminder and the payment receipt once each, from what happened, when turned on', async () => {
    const wrong = await gql(w.url(), RULE, { token: w.owner, variables: { k: 'FEE_OVERDUE', e: true, t: templates.receipt } });
    expect((wrong.data!.setAutoMessageRule as { userErrors: { code: string }[] }).userErrors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
    for (const [k, t] of [['FEE_OVERDUE', templates.overdue], ['PAYMENT_RECEIPT', templates.receipt]]) {
      const r = await gql(w.url(), RULE, { token: w.owner, variables: { k, e: true, t } });
      expect((r.data!.setAutoMessageRule as { userErrors: unknown[] }).userErrors).toEqual([]);
    }
    const s = await enrol(w, { name: 'Overdue Omkar', pricePaise: 40_000, start: plusDays(today(), -10) });
    const before = sim.state.sent.length;
    await smsSweepOnce(w.world.platform);
    await smsSweepOnce(w.world.platform);
    const mine = sim.state.sent.slice(before).filter((x) => x.templateId === 'm91-overdue');
    expect(mine.map((x) => x.recipients[0]!.var1)).toContain('Overdue');
    expect(mine.filter((x) => x.recipients[0]!.var1 === 'Overdue')).toHaveLength(1);
    // A desk payment: its receipt by SMS, once.
    const paid = await gql(w.url(), 'mutation($s: ID!) { recordPayment(input: { studentId: $s, amountPaise: 40000, method: CASH }) { payment { receipt { number } } userErrors { code } } }', { token: w.owner, variables: { s: s.studentId } });
    const number = (paid.data!.recordPayment as { payment: { receipt: { number: string } } }).payment.receipt.number;
    await smsSweepOnce(w.world.platform);
    await smsSweepOnce(w.world.platform);
    const receipts = sim.state.sent.filter((x) => x.templateId === 'm91-receipt' && x.recipients[0]!.var3 === number);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.recipients[0]).toMatchObject({ var1: 'Overdue', var2: '400.00' });
  });
});

describe('automatic SMS from campus and due dates', () => {
  it('sends seat allocated, fee due today and an absence streak once each', async () => {
    for (const [k, t] of [['SEAT_ALLOCATED', templates.allocated], ['FEE_DUE_TODAY', templates['due-today']], ['ABSENCE_STREAK', templates.absence]]) {
      const r = await gql(w.url(), RULE, { token: w.owner, variables: { k, e: true, t } });
      expect((r.data!.setAutoMessageRule as { userErrors: unknown[] }).userErrors).toEqual([]);
    }
    const fresh = await enrol(w, { name: 'Fresh Farhan', pricePaise: 20_000 });
    const away = await enrol(w, { name: 'Away Aditi', pricePaise: 20_000, start: plusDays(today(), -6) });
    const before = sim.state.sent.length;
    await smsSweepOnce(w.world.platform);
    await smsSweepOnce(w.world.platform);
    const sent = sim.state.sent.slice(before);
    const to = (templateId: string, name: string) => sent.filter((x) => x.templateId === templateId && x.recipients[0]!.var1 === name);
    expect(to('m91-allocated', 'Fresh')).toHaveLength(1);
    expect(to('m91-allocated', 'Fresh')[0]!.recipients[0]).toMatchObject({ var3: today(), var4: expect.any(String) });
    expect(to('m91-due-today', 'Fresh')).toHaveLength(1);
    expect(to('m91-due-today', 'Fresh')[0]!.recipients[0]).toMatchObject({ var2: '200.00', var3: today() });
    expect(to('m91-absence', 'Away')).toHaveLength(1);
    expect(Number(to('m91-absence', 'Away')[0]!.recipients[0]!.var2)).toBeGreaterThanOrEqual(3);
    expect(to('m91-absence', 'Fresh')).toHaveLength(0);
    expect(fresh.studentId && away.studentId).toBeTruthy();
    for (const k of ['SEAT_ALLOCATED', 'FEE_DUE_TODAY', 'ABSENCE_STREAK']) await gql(w.url(), RULE, { token: w.owner, variables: { k, e: false } });
  });
});

describe('done when', () => {
  it("an owner's fee-reminder campaign to the overdue students: MSG91 accepts, reports arrive, credits are debited, each student sees it live in-app", async () => {
    const s = await enrol(w, { name: 'Live Lata', pricePaise: 30_000, start: plusDays(today(), -12) });
    const c = liveClient(w.url(), { authorization: `Bearer ${s.studentToken}` });
    clients.push(c);
    const rec = c.subscribe<{ notifications: { items: { kind: string; title: string }[] } }>('subscription { notifications { items { kind title } } }');
    await rec.next();
    const wallet = async () => ((await gql(w.url(), '{ currentTenant { wallet { balance } } }', { token: w.owner })).data!.currentTenant as { wallet: { balance: number } }).wallet.balance;
    const before = await wallet();
    const r = await gql(w.url(), 'mutation($i: CampaignInput!) { createCampaign(input: $i) { campaign { id } userErrors { code message } } }', { token: w.owner, variables: { i: { name: 'Fees overdue', templateId: templates.overdue, vars: ['{name}', '{balance}'], audience: { libraryId: w.lib.libraryId, overdue: true }, ratePerMinute: 6_000 } } });
    const id = (r.data!.createCampaign as { campaign: { id: string } }).campaign.id;
    const live = await rec.next((m) => m.data?.notifications.items.some((i) => i.kind === 'MESSAGE' && i.title === 'Fees overdue') ?? false, 20_000);
    expect(live.data!.notifications.items.find((i) => i.kind === 'MESSAGE')).toEqual({ kind: 'MESSAGE', title: 'Fees overdue' });
    const end = Date.now() + 20_000;
    let p: { status: string; progress: { sent: number; recipients: number } } | null = null;
    while (Date.now() < end) {
      p = (await gql(w.url(), 'query($id: ID!) { campaign(id: $id) { status progress { sent recipients } } }', { token: w.owner, variables: { id } })).data!.campaign as typeof p;
      if (p!.status === 'COMPLETED') break;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(p!.status).toBe('COMPLETED');
    await sim.state.settled();
    // Delivery reports are applied as they arrive (one that beats its request's id is kept and applied
    // when the id is recorded): wait for the last of them, up to 10 s, rather than reading once.
    const read = () => w.world.platform.tenants.withTenant(w.a.id, (db) => db.smsMessage.findMany({ where: { campaignId: id } }));
    let messages = await read();
    for (const until = Date.now() + 10_000; Date.now() < until && !messages.every((m) => m.status === 'DELIVERED'); messages = await read()) await new Promise((res) => setTimeout(res, 100));
    expect(messages.length).toBe(p!.progress.recipients);
    expect(messages.map((m) => m.status)).toEqual(messages.map(() => 'DELIVERED'));
    expect(await wallet()).toBe(before - messages.reduce((n, m) => n + m.credits, 0));
    expect(messages.some((m) => m.studentId === s.studentId)).toBe(true);
  });
});
