// Tenants paying the platform online, through the platform's own Razorpay account (the simulator,
// speaking Razorpay's API and signing webhooks like it): a credit pack and a subscription invoice.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseOf, createBillingWorld, deliver, razorpayDelivery, type BillingWorld } from './support/billing.ts';
import { today } from './support/campus.ts';
import { gql } from './support/supergraph.ts';

let w: BillingWorld;
let admin: string;
let webhookSecret: string;

beforeAll(async () => {
  w = await createBillingWorld();
  const account = w.sims.razorpay.state.register({ webhookUrl: `${baseOf(w)}/webhooks/razorpay/platform` });
  webhookSecret = account.webhookSecret;
  w.world.platform.config.platformGateway = { keyId: account.keyId, keySecret: account.keySecret, webhookSecret };
  admin = w.tokenFor({ sub: randomUUID(), role: 'ADMIN', tenantId: null });
  const stock = await gql(w.url(), 'mutation { purchaseWholesaleCredits(input: { vendor: "MSG91", credits: 50000, costPaise: 750000, idempotencyKey: "pay-stock" }) { userErrors { code } } }', { token: admin });
  expect(stock.data).toEqual({ purchaseWholesaleCredits: { userErrors: [] } });
}, 60_000);

afterAll(async () => {
  await w?.close();
});

const PAY = 'invoice { id number status kind totalPaise taxablePaise } checkout { provider providerOrderId keyId amountPaise simulatorUrl } userErrors { code message }';
type Pay = { invoice: { id: string; status: string; totalPaise: number; taxablePaise: number } | null; checkout: { providerOrderId: string; keyId: string; amountPaise: number; simulatorUrl: string | null } | null; userErrors: { code: string }[] };
const wallet = async () => ((await gql(w.url(), '{ currentTenant { wallet { balance } } }', { token: w.owner })).data!.currentTenant as { wallet: { balance: number } }).wallet.balance;

describe('paying the platform online', () => {
  it('buys a credit pack: the invoice is paid through the platform’s gateway and the credits arrive once, however often the webhook comes', async () => {
    const key = randomUUID();
    const buy = async () => (await gql(w.url(), `mutation($k: String!) { buyCreditPack(credits: 1000, idempotencyKey: $k) { ${PAY} } }`, { token: w.owner, variables: { k: key } })).data!.buyCreditPack as Pay;
    const first = await buy();
    expect(first.userErrors).toEqual([]);
    // 1,000 credits at Rs. 0.25 = Rs. 250 before GST, Rs. 295 with it.
    expect(first.invoice).toMatchObject({ status: 'OPEN', kind: 'CREDITS', taxablePaise: 25_000, totalPaise: 29_500 });
    expect(first.checkout).toMatchObject({ keyId: w.world.platform.config.platformGateway!.keyId, amountPaise: 29_500, simulatorUrl: expect.stringContaining('/__sim/checkout/') });
    // Asked again with the same key: the same invoice and order.
    expect((await buy()).checkout!.providerOrderId).toBe(first.checkout!.providerOrderId);
    const before = await wallet();
    w.sims.razorpay.state.webhooks.duplicates = 3;
    try {
      await w.sims.razorpay.pay(first.checkout!.providerOrderId, 'captured');
      await w.sims.razorpay.state.settled();
    } finally {
      w.sims.razorpay.state.webhooks.duplicates = 0;
    }
    expect(await wallet()).toBe(before + 1_000);
    const inv = await gql(w.url(), '{ currentTenant { invoices { id status } } }', { token: w.owner });
    expect((inv.data!.currentTenant as { invoices: { id: string; status: string }[] }).invoices.find((i) => i.id === first.invoice!.id)).toEqual({ id: first.invoice!.id, status: 'PAID' });
    // Paid: asking again is refused, and the margin counts the sale.
    expect((await buy()).userErrors.map((e) => e.code)).toEqual(['INVALID_STATE']);
    const m = await gql(w.url(), 'query($d: Date!) { platformCredits { margin(from: $d, to: $d) { creditsSold retailPaise wholesaleCostPaise marginPaise } } }', { token: admin, variables: { d: today() } });
    expect(m.data).toEqual({ platformCredits: { margin: { creditsSold: 1_000, retailPaise: 25_000, wholesaleCostPaise: 15_000, marginPaise: 10_000 } } });
  });

  it('refuses a webhook that is not signed with the platform’s secret, and one for another amount settles nothing', async () => {
    const forged = razorpayDelivery('not-the-secret', 'payment.captured', { payment: { entity: { id: 'pay_x', order_id: 'order_x', amount: 1, currency: 'INR', status: 'captured' } } });
    expect((await deliver(`${baseOf(w)}/webhooks/razorpay/platform`, forged)).status).toBe(401);
    const buy = (await gql(w.url(), `mutation { buyCreditPack(credits: 100, idempotencyKey: "${randomUUID()}") { ${PAY} } }`, { token: w.owner })).data!.buyCreditPack as Pay;
    const short = razorpayDelivery(webhookSecret, 'payment.captured', { payment: { entity: { id: 'pay_short', order_id: buy.checkout!.providerOrderId, amount: 100, currency: 'INR', status: 'captured' } } });
    const r = await deliver(`${baseOf(w)}/webhooks/razorpay/platform`, short);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ outcome: 'amount mismatch: left open for review' });
    const inv = await w.world.platform.core.platformInvoice.findUniqueOrThrow({ where: { id: buy.invoice!.id } });
    expect(inv.status).toBe('OPEN');
  });

  it('pays a subscription invoice online: the subscription is current and the invoice paid', async () => {
    const plan = await gql(w.url(), 'mutation { createPlan(input: { code: "online", name: "Online", pricePaise: 50000, cycle: MONTHLY, trialDays: 0 }) { plan { id } } }', { token: admin });
    const planId = (plan.data!.createPlan as { plan: { id: string } }).plan.id;
    const s = await gql(w.url(), 'mutation($p: ID!) { subscribeTenant(planId: $p) { subscription { status } userErrors { code } } }', { token: w.owner, variables: { p: planId } });
    expect(s.data).toEqual({ subscribeTenant: { subscription: { status: 'ACTIVE' }, userErrors: [] } });
    const open = await w.world.platform.core.platformInvoice.findFirstOrThrow({ where: { tenantId: w.a.id, kind: 'SUBSCRIPTION', status: 'OPEN' } });
    const pay = (await gql(w.url(), `mutation($i: ID!) { payPlatformInvoice(invoiceId: $i) { ${PAY} } }`, { token: w.owner, variables: { i: open.id } })).data!.payPlatformInvoice as Pay;
    expect(pay.checkout!.amountPaise).toBe(59_000);
    // Another tenant's owner cannot pay (or see) it.
    const other = (await gql(w.url(), `mutation($i: ID!) { payPlatformInvoice(invoiceId: $i) { ${PAY} } }`, { token: w.ownerToken(w.b), variables: { i: open.id } })).data!.payPlatformInvoice as Pay;
    expect(other.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    await w.sims.razorpay.pay(pay.checkout!.providerOrderId, 'captured');
    await w.sims.razorpay.state.settled();
    expect((await w.world.platform.core.platformInvoice.findUniqueOrThrow({ where: { id: open.id } })).status).toBe('PAID');
  });
});

describe('the whole life of a subscription', () => {
  it('trial → paid through the simulator → a mid-cycle upgrade with its proration on the invoice PDF → an unpaid renewal suspends → paying online restores; analytics shows it', async () => {
    const { renewSubscriptions } = await import('../subgraphs/billing/src/platform/renewals.ts');
    const { addDays, periodEnd, prorate } = await import('../subgraphs/billing/src/platform/periods.ts');
    const subs = await import('../subgraphs/billing/src/platform/subscriptions.service.ts');
    const { invoiceLink } = await import('../subgraphs/billing/src/platform/invoice.router.ts');
    const { subgraphContext } = await import('@studyspot/runtime');
    const { extractText } = await import('unpdf');
    const platform = w.world.platform;
    const ownerB = w.ownerToken(w.b);
    // Tenant A leaves, so the figures below are tenant B's.
    expect((await gql(w.url(), 'mutation { cancelSubscription(atPeriodEnd: false) { userErrors { code } } }', { token: w.owner })).data).toEqual({ cancelSubscription: { userErrors: [] } });
    const plan = async (code: string, name: string, pricePaise: number, trialDays: number) =>
      ((await gql(w.url(), `mutation { createPlan(input: { code: "${code}", name: "${name}", pricePaise: ${pricePaise}, cycle: MONTHLY, trialDays: ${trialDays}, includedCredits: 100 }) { plan { id } } }`, { token: admin })).data!.createPlan as { plan: { id: string } }).plan.id;
    const starter = await plan('starter', 'Starter', 99_900, 14);
    const growth = await plan('growth', 'Growth', 199_900, 0);
    const s = await gql(w.url(), 'mutation($p: ID!) { subscribeTenant(planId: $p) { subscription { status trialEndsAt } userErrors { code } } }', { token: ownerB, variables: { p: starter } });
    const trialEnd = addDays(today(), 14);
    expect(s.data).toEqual({ subscribeTenant: { subscription: { status: 'TRIALING', trialEndsAt: trialEnd }, userErrors: [] } });
    const subOf = () => platform.core.tenantSubscription.findUniqueOrThrow({ where: { tenantId: w.b.id } });
    const payOnline = async (invoiceId: string) => {
      const p = (await gql(w.url(), `mutation($i: ID!) { payPlatformInvoice(invoiceId: $i) { ${PAY} } }`, { token: ownerB, variables: { i: invoiceId } })).data!.payPlatformInvoice as Pay;
      expect(p.userErrors).toEqual([]);
      await w.sims.razorpay.pay(p.checkout!.providerOrderId, 'captured');
      await w.sims.razorpay.state.settled();
      expect((await platform.core.platformInvoice.findUniqueOrThrow({ where: { id: invoiceId } })).status).toBe('PAID');
    };

    // The trial ends: the job converts it and bills the first month; B pays at the checkout.
    expect((await renewSubscriptions(platform, trialEnd)).renewed).toBeGreaterThanOrEqual(1);
    expect(await subOf()).toMatchObject({ status: 'ACTIVE', currentPeriodStart: new Date(`${trialEnd}T00:00:00Z`) });
    const first = await platform.core.platformInvoice.findFirstOrThrow({ where: { tenantId: w.b.id, kind: 'SUBSCRIPTION' } });
    expect(first).toMatchObject({ taxablePaise: 99_900, status: 'OPEN' });
    await payOnline(first.id);

    // Day 10 of the month: upgrade, with the proration billed and shown on the PDF.
    const mid = addDays(trialEnd, 9);
    const ctx = subgraphContext(platform, { requestId: 'life', claims: { sub: w.b.ownerId, role: 'OWNER', tenantId: w.b.id }, actingTenantId: null });
    const up = await subs.changePlan(ctx, w.b.id, growth, mid).finally(() => ctx.dispose());
    const expected = prorate({ oldPricePaise: 99_900, oldCycle: 'MONTHLY', newPricePaise: 199_900, newCycle: 'MONTHLY', periodStart: trialEnd, periodEnd: periodEnd(trialEnd, 'MONTHLY'), today: mid });
    expect('change' in up && up.change).toMatchObject({ effective: 'NOW', creditPaise: expected.creditPaise, chargePaise: expected.chargePaise, netPaise: expected.netPaise });
    const upgrade = await platform.core.platformInvoice.findFirstOrThrow({ where: { tenantId: w.b.id, kind: 'UPGRADE' } });
    expect(upgrade.taxablePaise).toBe(expected.netPaise);
    const pdf = new Uint8Array(await (await fetch(invoiceLink(platform, upgrade.id).url)).arrayBuffer());
    const text = (await extractText(pdf, { mergePages: true })).text;
    expect(text).toContain(`Growth plan, ${expected.remainingDays} of ${expected.periodDays} days`);
    expect(text).toContain(`Unused Starter plan, ${expected.remainingDays} days`);
    await payOnline(upgrade.id);

    // The month ends unpaid: retries on days 1, 3, 7, then B is suspended.
    const end = periodEnd(trialEnd, 'MONTHLY');
    await renewSubscriptions(platform, end);
    for (const d of [1, 3, 7]) await renewSubscriptions(platform, addDays(end, d));
    expect((await subOf()).status).toBe('SUSPENDED');
    expect((await platform.core.tenant.findUniqueOrThrow({ where: { id: w.b.id } })).status).toBe('SUSPENDED');
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await gql(w.url(), '{ currentTenant { id } }', { token: ownerB })).errors?.[0]?.extensions?.code).toBe('TENANT_SUSPENDED');
    // Suspended, B can still see and pay what it owes; paying restores it.
    const owed = (await gql(w.url(), '{ platformInvoices { id status kind } }', { token: ownerB })).data!.platformInvoices as { id: string; status: string; kind: string }[];
    const renewal = owed.find((i) => i.status === 'OPEN' && i.kind === 'SUBSCRIPTION')!;
    await payOnline(renewal.id);
    expect((await subOf()).status).toBe('ACTIVE');
    expect((await platform.core.tenant.findUniqueOrThrow({ where: { id: w.b.id } })).status).toBe('ACTIVE');

    const a = await gql(w.url(), '{ saasAnalytics { mrrPaise arrPaise payingTenants logoChurn revenueChurn credits { creditsSold retailPaise marginPaise } } }', { token: admin });
    expect(a.data).toEqual({ saasAnalytics: { mrrPaise: 199_900, arrPaise: 2_398_800, payingTenants: 1, logoChurn: 0, revenueChurn: 0, credits: { creditsSold: 1_000, retailPaise: 25_000, marginPaise: 10_000 } } });
  });
});
