// Provider callbacks as an attacker and as the real providers send them: only a valid signature of
// the tenant's own account is believed, and a refused delivery writes nothing; deliveries that come
// twice, late, out of order or not at all still leave each order settled once; money that does not
// match its order waits for review; reconciliation finds what webhooks never said.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settleRazorpayRefund } from '@studyspot/simulators';
import { billingSweepOnce } from '@studyspot/billing';
import {
  baseOf,
  billingRows,
  cashfreeDelivery,
  connectGateway,
  createBillingWorld,
  createOrder,
  deliver,
  duesOf,
  enrol,
  FEES,
  orderStatus,
  payAtCheckout,
  razorpayDelivery,
  settled,
  unbalancedPayments,
  webhookKeyOf,
  type BillingWorld,
} from './support/billing.ts';
import { gql } from './support/supergraph.ts';

let w: BillingWorld;
let rzpUrl: string;
let cfUrl: string;
beforeAll(async () => {
  w = await createBillingWorld({ reconcileAfterMinutes: 30 });
  const key = await webhookKeyOf(w, w.a);
  rzpUrl = `${baseOf(w)}/webhooks/razorpay/${key}`;
  cfUrl = `${baseOf(w)}/webhooks/cashfree/${key}`;
});
afterAll(async () => {
  await w?.close();
});

/** An order of a new student, at the gateway the amount routes to (below ₹600 Razorpay, above Cashfree). */
async function openOrder(pricePaise: number) {
  const s = await enrol(w, { pricePaise });
  const { order } = await createOrder(w, s.studentId);
  return { s, order: order! };
}

const capturedPayload = (orderId: string, amount: number, id = 'pay_forged0001') => ({ payment: { entity: { id, entity: 'payment', order_id: orderId, amount, currency: 'INR', status: 'captured', method: 'upi', fee: null } } });
const cashfreeSuccess = (orderId: string, rupees: number, id = 9_000_001) => ({ order: { order_id: orderId, order_amount: rupees, order_currency: 'INR' }, payment: { cf_payment_id: id, payment_status: 'SUCCESS', payment_amount: rupees, payment_currency: 'INR', payment_group: 'upi' } });

describe('webhook signatures', () => {
  it('refuses unsigned, tampered, wrongly signed and stale deliveries with 401 and writes nothing', async () => {
    const { order } = await openOrder(40_000);
    expect(order.provider).toBe('RAZORPAY');
    const { order: cf } = await openOrder(150_000);
    expect(cf.provider).toBe('CASHFREE');
    const before = await billingRows(w);
    const good = razorpayDelivery(w.accounts.razorpay.webhookSecret, 'payment.captured', capturedPayload(order.providerOrderId, 40_000));

    const attempts: [string, Response][] = [
      ['unsigned', await fetch(rzpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: good.body })],
      ['tampered body', await deliver(rzpUrl, { ...good, body: good.body.replace('"amount":40000', '"amount":4000') })],
      ['signed with another secret', await deliver(rzpUrl, razorpayDelivery('not-the-webhook-secret', 'payment.captured', capturedPayload(order.providerOrderId, 40_000)))],
      ['signed with the key secret instead of the webhook secret', await deliver(rzpUrl, razorpayDelivery(w.accounts.razorpay.keySecret, 'payment.captured', capturedPayload(order.providerOrderId, 40_000)))],
      ['cashfree unsigned', await fetch(cfUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: cashfreeDelivery('x', 'PAYMENT_SUCCESS_WEBHOOK', {}).body })],
      ['cashfree wrong secret', await deliver(cfUrl, cashfreeDelivery('wrong-client-secret', 'PAYMENT_SUCCESS_WEBHOOK', cashfreeSuccess(cf.providerOrderId, 1500)))],
      ['cashfree stale timestamp', await deliver(cfUrl, cashfreeDelivery(w.accounts.cashfree.keySecret, 'PAYMENT_SUCCESS_WEBHOOK', cashfreeSuccess(cf.providerOrderId, 1500), Date.now() - 10 * 60_000))],
      ['cashfree timestamp changed after signing', await deliver(cfUrl, (() => { const d = cashfreeDelivery(w.accounts.cashfree.keySecret, 'PAYMENT_SUCCESS_WEBHOOK', cashfreeSuccess(cf.providerOrderId, 1500)); return { ...d, headers: { ...d.headers, 'x-webhook-timestamp': String(Date.now() + 1) } }; })())],
    ];
    for (const [what, res] of attempts) {
      expect([what, res.status]).toEqual([what, 401]);
      expect(Object.keys((await res.json()) as object)).toEqual(['error']);
    }
    expect(await billingRows(w)).toEqual(before);
    expect((await orderStatus(w, order.id)).status).toBe('CREATED');
    expect((await orderStatus(w, cf.id)).status).toBe('CREATED');
  });

  it("does not believe a delivery signed for another tenant's account", async () => {
    const ownerB = w.ownerToken(w.b);
    const bAccount = await connectGateway(w, w.sims, w.b, 'razorpay', FEES.razorpay, ownerB);
    const { order } = await openOrder(40_000);
    const before = await billingRows(w);
    // Valid for tenant B, sent to tenant A's address.
    const res = await deliver(rzpUrl, razorpayDelivery(bAccount.webhookSecret, 'payment.captured', capturedPayload(order.providerOrderId, 40_000)));
    expect(res.status).toBe(401);
    expect(await billingRows(w)).toEqual(before);
    // And tenant B's own address does not reach tenant A's orders.
    const bUrl = `${baseOf(w)}/webhooks/razorpay/${await webhookKeyOf(w, w.b)}`;
    const onB = await deliver(bUrl, razorpayDelivery(bAccount.webhookSecret, 'payment.captured', capturedPayload(order.providerOrderId, 40_000)));
    expect(await onB.json()).toEqual({ received: true, outcome: 'missing' });
    expect((await orderStatus(w, order.id)).status).toBe('CREATED');
    expect(await billingRows(w)).toEqual(before);
  });

  it('answers 404 for unknown tenants, providers and unconnected accounts, and 400 for a signed non-JSON body', async () => {
    const signed = razorpayDelivery(w.accounts.razorpay.webhookSecret, 'payment.captured', {});
    expect((await deliver(`${baseOf(w)}/webhooks/razorpay/00000000-0000-4000-8000-000000000000`, signed)).status).toBe(404);
    expect((await deliver(`${baseOf(w)}/webhooks/razorpay/not-a-key`, signed)).status).toBe(404);
    expect((await deliver(`${baseOf(w)}/webhooks/paypal/${await webhookKeyOf(w, w.a)}`, signed)).status).toBe(404);
    // Tenant B has connected no Cashfree account.
    expect((await deliver(`${baseOf(w)}/webhooks/cashfree/${await webhookKeyOf(w, w.b)}`, cashfreeDelivery(w.accounts.cashfree.keySecret, 'PAYMENT_SUCCESS_WEBHOOK', {}))).status).toBe(404);
    const notJson = 'a=1&b=2';
    const { createHmac } = await import('node:crypto');
    const res = await fetch(rzpUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-razorpay-signature': createHmac('sha256', w.accounts.razorpay.webhookSecret).update(notJson).digest('hex') }, body: notJson });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'body is not JSON' });
  });
});

describe('deliveries as providers make them', () => {
  it('settles once when every webhook comes three times', async () => {
    w.sims.razorpay.state.webhooks.duplicates = 2;
    try {
      const { s, order } = await openOrder(45_000);
      const before = await billingRows(w);
      await payAtCheckout(w, order);
      await settled(w);
      const sent = w.sims.razorpay.state.deliveries.filter((d) => d.body.includes(order.providerOrderId));
      expect(sent).toHaveLength(6); // payment.captured and order.paid, three times each
      expect(sent.every((d) => d.status === 200)).toBe(true);
      const after = await billingRows(w);
      expect(after).toEqual({ ...before, events: before.events + 2, payments: before.payments + 1, receipts: before.receipts + 1, paidOrders: before.paidOrders + 1 });
      expect((await duesOf(w, s.studentId))[0]!.status).toBe('PAID');
    } finally {
      w.sims.razorpay.state.webhooks.duplicates = 0;
    }
  });

  it('keeps an order PAID when an earlier attempt\'s failure arrives after the capture', async () => {
    const { order } = await openOrder(42_000);
    w.sims.razorpay.state.webhooks.delayMs = 600;
    await w.sims.razorpay.pay(order.providerOrderId, 'failed'); // its webhook is held back…
    w.sims.razorpay.state.webhooks.delayMs = 0;
    await payAtCheckout(w, order); // …and lands after the second attempt's capture
    await settled(w);
    const last = w.sims.razorpay.state.deliveries.filter((d) => d.body.includes(order.providerOrderId)).at(-1)!;
    expect(JSON.parse(last.body).event).toBe('payment.failed');
    expect(await orderStatus(w, order.id)).toMatchObject({ status: 'PAID', payment: { amountPaise: 42_000 } });
  });

  it('settles a capture that follows a failed attempt, and a Cashfree success that comes before its failure', async () => {
    const { order } = await openOrder(41_000);
    await w.sims.razorpay.pay(order.providerOrderId, 'failed');
    await settled(w);
    expect(await orderStatus(w, order.id)).toMatchObject({ status: 'FAILED', statusReason: 'Payment was declined by the bank', payment: null });
    await payAtCheckout(w, order);
    await settled(w);
    expect((await orderStatus(w, order.id)).status).toBe('PAID');

    const { order: cf } = await openOrder(160_000);
    const ok = cashfreeDelivery(w.accounts.cashfree.keySecret, 'PAYMENT_SUCCESS_WEBHOOK', cashfreeSuccess(cf.providerOrderId, 1600));
    const failed = cashfreeDelivery(w.accounts.cashfree.keySecret, 'PAYMENT_FAILED_WEBHOOK', { order: { order_id: cf.providerOrderId }, payment: { cf_payment_id: 1, payment_status: 'FAILED', payment_amount: 1600, payment_currency: 'INR', payment_message: 'declined' } });
    expect(await (await deliver(cfUrl, ok)).json()).toEqual({ received: true, outcome: 'settled' });
    expect(await (await deliver(cfUrl, failed)).json()).toEqual({ received: true, outcome: 'no change' });
    expect((await orderStatus(w, cf.id)).status).toBe('PAID');
  });

  it('applies a refund once when "processed" arrives before "created"', async () => {
    const { order } = await openOrder(48_000);
    await payAtCheckout(w, order);
    await settled(w);
    const paymentId = (await orderStatus(w, order.id)).payment!.id;
    w.sims.razorpay.refundOutcome = 'pending';
    try {
      const r = await gql(w.url(), 'mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { refund { id status } userErrors { code } } }', { token: w.owner, variables: { i: { paymentId, amountPaise: 10_000, idempotencyKey: `late-${paymentId}` } } });
      const refund = (r.data!.refundPayment as { refund: { id: string; status: string } }).refund;
      expect(refund.status).toBe('PENDING');
      await settled(w);
      const providerRefund = [...w.sims.razorpay.refunds.values()].find((x) => x.notes.studyspot_refund === refund.id)!;
      // The processed webhook first, then a replayed "created" with a new event id: the refund stays PROCESSED.
      await settleRazorpayRefund(w.sims.razorpay, providerRefund.id, 'processed');
      const created = razorpayDelivery(w.accounts.razorpay.webhookSecret, 'refund.created', { refund: { entity: { ...providerRefund, status: 'pending' } } });
      expect(await (await deliver(rzpUrl, created)).json()).toEqual({ received: true, outcome: 'no change' });
      const failed = razorpayDelivery(w.accounts.razorpay.webhookSecret, 'refund.failed', { refund: { entity: { ...providerRefund, status: 'failed' } } });
      expect(await (await deliver(rzpUrl, failed)).json()).toEqual({ received: true, outcome: 'no change' });
      const after = await w.world.platform.tenants.withTenant(w.a.id, async (db) => ({ refund: await db.refund.findUniqueOrThrow({ where: { id: refund.id } }), payment: await db.payment.findUniqueOrThrow({ where: { id: paymentId } }) }));
      expect(after.refund.status).toBe('PROCESSED');
      expect(after.refund.providerRefundId).toBe(providerRefund.id);
      expect(after.payment.refundedPaise).toBe(10_000);
      expect(await unbalancedPayments(w)).toEqual([]);
    } finally {
      w.sims.razorpay.refundOutcome = 'processed';
    }
  });

  it("sends each Cashfree order's webhooks to the tenant's address, with nothing set up in Cashfree's dashboard", async () => {
    const { order } = await openOrder(165_000);
    expect(w.sims.cashfree.orders.get(order.providerOrderId)!.order_meta).toEqual({ notify_url: cfUrl });
    const dashboard = w.accounts.cashfree.webhookUrl;
    w.accounts.cashfree.webhookUrl = null;
    try {
      await payAtCheckout(w, order);
      await settled(w);
    } finally {
      w.accounts.cashfree.webhookUrl = dashboard;
    }
    expect((await orderStatus(w, order.id)).status).toBe('PAID');
  });

  it('puts a capture of a different amount on review instead of settling it', async () => {
    const { s, order } = await openOrder(43_000);
    const before = await billingRows(w);
    const res = await deliver(rzpUrl, razorpayDelivery(w.accounts.razorpay.webhookSecret, 'payment.captured', capturedPayload(order.providerOrderId, 100, 'pay_short0001')));
    expect(await res.json()).toEqual({ received: true, outcome: `review: captured 100 INR for an order of 43000 INR (payment pay_short0001)` });
    expect(await orderStatus(w, order.id)).toMatchObject({ status: 'REVIEW', statusReason: 'captured 100 INR for an order of 43000 INR (payment pay_short0001)', payment: null });
    expect(await billingRows(w)).toEqual({ ...before, events: before.events + 1 });
    expect((await duesOf(w, s.studentId))[0]!.status).toBe('OPEN');
    const { order: cf } = await openOrder(155_000);
    const over = await deliver(cfUrl, cashfreeDelivery(w.accounts.cashfree.keySecret, 'PAYMENT_SUCCESS_WEBHOOK', cashfreeSuccess(cf.providerOrderId, 1550.01)));
    expect(((await over.json()) as { outcome: string }).outcome).toMatch(/^review: captured 155001 INR for an order of 155000 INR/);
    // An amount that is not rupees with at most two decimals is never rounded into a settlement.
    const { order: odd } = await openOrder(156_000);
    for (const amount of [1560.001, 'abc']) {
      const res = await deliver(cfUrl, cashfreeDelivery(w.accounts.cashfree.keySecret, 'PAYMENT_SUCCESS_WEBHOOK', { ...cashfreeSuccess(odd.providerOrderId, 1560), payment: { ...cashfreeSuccess(odd.providerOrderId, 1560).payment, payment_amount: amount } }));
      expect(await res.json()).toEqual({ received: true, outcome: `ignored: unreadable amount ${JSON.stringify(amount)}` });
    }
    expect((await orderStatus(w, odd.id)).status).toBe('CREATED');
  });
});

describe('reconciliation', () => {
  it('settles captures whose webhooks never came, fails declined orders and expires abandoned ones', async () => {
    const lost = await openOrder(44_000);
    const lostCf = await openOrder(170_000);
    const declined = await openOrder(46_000);
    const abandoned = await openOrder(47_000);
    const fresh = await openOrder(49_000);
    w.sims.razorpay.state.webhooks.drop = true; // the providers' deliveries are lost
    w.sims.cashfree.state.webhooks.drop = true;
    try {
      await payAtCheckout(w, lost.order);
      await payAtCheckout(w, lostCf.order);
      await w.sims.razorpay.pay(declined.order.providerOrderId, 'failed');
      await payAtCheckout(w, fresh.order);
    } finally {
      w.sims.razorpay.state.webhooks.drop = false;
      w.sims.cashfree.state.webhooks.drop = false;
    }
    const ids = [lost, lostCf, declined, abandoned].map((o) => o.order.id);
    await w.world.platform.tenants.withTenant(w.a.id, async (db) => {
      await db.paymentOrder.updateMany({ where: { id: { in: ids } }, data: { createdAt: new Date(Date.now() - 31 * 60_000) } });
      await db.paymentOrder.update({ where: { id: abandoned.order.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    });
    // The orders were made 31 minutes older: their reconciliation time, recorded when they were made, has come.
    await w.world.platform.work.due(w.a.id, 'billing', new Date(Date.now() - 60_000));
    const report = await billingSweepOnce(w.world.platform);
    expect(report).toMatchObject({ settled: 2, expired: 1 });
    expect((await orderStatus(w, lost.order.id)).status).toBe('PAID');
    expect((await orderStatus(w, lostCf.order.id)).status).toBe('PAID');
    expect(await orderStatus(w, declined.order.id)).toMatchObject({ status: 'FAILED', statusReason: 'failed at the gateway (reconciliation)' });
    expect((await orderStatus(w, abandoned.order.id)).status).toBe('EXPIRED');
    // A paid order younger than the reconciliation age is left for its webhook (or the next sweep).
    expect((await orderStatus(w, fresh.order.id)).status).toBe('CREATED');
    expect((await duesOf(w, lost.s.studentId))[0]!.status).toBe('PAID');
    // Running again changes nothing.
    await w.world.platform.work.due(w.a.id, 'billing', new Date(Date.now() - 60_000));
    expect(await billingSweepOnce(w.world.platform)).toMatchObject({ settled: 0, expired: 0, tenants: 1 });
    expect(await unbalancedPayments(w)).toEqual([]);
  });
});
