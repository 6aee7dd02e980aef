// Billing through the gateway, against the local Razorpay and Cashfree simulators driven by their
// real SDKs: the story end to end, dues rules, desk payments and credit, refunds, the
// collections report, and receipts with GST.
import { createHmac } from 'node:crypto';
import { billingSweepOnce } from '@studyspot/billing';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthEnd, plusDays, today } from './support/campus.ts';
import { createBillingWorld, createOrder, duesOf, enrol, orderStatus, payAtCheckout, settled, unbalancedPayments, type BillingWorld } from './support/billing.ts';
import { gql } from './support/supergraph.ts';

let w: BillingWorld;
beforeAll(async () => {
  w = await createBillingWorld();
});
afterAll(async () => {
  await w?.close();
});

const pdfText = async (url: string) => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  return (await extractText(await getDocumentProxy(new Uint8Array(await res.arrayBuffer())), { mergePages: true })).text;
};

const REFUND = 'mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { refund { id amountPaise status reopenDues } userErrors { code message } } }';
const RECORD = 'mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id amountPaise receipt { number } allocations { amountPaise due { id } } } userErrors { code message field } } }';

describe('the story: dues, an online payment through the cheaper gateway, its webhook, receipt, refund and report', () => {
  it('works end to end', async () => {
    const s = await enrol(w, { name: 'Meera Kulkarni', pricePaise: 150_000 });
    const dues = await duesOf(w, s.studentId);
    expect(dues).toEqual([expect.objectContaining({ kind: 'MONTHLY', periodStart: today(), dueDate: today(), amountPaise: 150_000, paidPaise: 0, balancePaise: 150_000, status: 'OPEN' })]);

    // ₹1,500: Cashfree (1.5% + ₹3 = ₹25.50 + GST ₹4.59 = ₹30.09) is cheaper than Razorpay (2% = ₹30 + GST ₹5.40 = ₹35.40).
    const { order } = await createOrder(w, s.studentId);
    expect(order!.provider).toBe('CASHFREE');
    expect(order!.amountPaise).toBe(150_000);
    expect(order!.checkout.paymentSessionId).toMatch(/^session_/);
    expect(order!.routing).toMatchObject({ chosen: 'CASHFREE', reason: 'cheapest: fee ₹30.09 against razorpay ₹35.40 for ₹1500.00', fees: [{ provider: 'CASHFREE', feePaise: 3_009 }, { provider: 'RAZORPAY', feePaise: 3_540 }], tried: [] });

    // The student pays at the checkout; the simulator's signed webhook settles the due.
    await payAtCheckout(w, order!);
    await settled(w);
    const paid = await orderStatus(w, order!.id);
    expect(paid).toMatchObject({ status: 'PAID', payment: { amountPaise: 150_000, feePaise: 3_009, method: 'UPI', receipt: { number: expect.stringMatching(/^L1\/\d{2}-\d{2}\/\d{5}$/) } } });
    expect((await duesOf(w, s.studentId))[0]).toMatchObject({ paidPaise: 150_000, balancePaise: 0, status: 'PAID' });

    // The receipt PDF opens from its signed link, and says what it should.
    const text = await pdfText(paid.payment!.receipt!.pdfUrl);
    expect(text).toContain(`Receipt no. ${paid.payment!.receipt!.number}`);
    expect(text).toContain('Received from Meera Kulkarni, +91 ');
    expect(text).toContain(`Seat fee ${today()} to ${monthEnd(today())}: ₹1,500.00`);
    expect(text).toContain('Total received: ₹1,500.00');

    // A duplicate of the webhook changes nothing.
    const delivery = w.sims.cashfree.state.deliveries.filter((d) => d.body.includes(order!.providerOrderId)).at(-1)!;
    const again = await fetch(delivery.url, { method: 'POST', headers: delivery.headers, body: delivery.body });
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    const payments = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.payment.count({ where: { studentId: s.studentId } }));
    expect(payments).toBe(1);

    // A partial refund: ₹500 back; the due stays settled (the owner's default) and the ledger balances.
    const refund = await gql(w.url(), REFUND, { token: w.owner, variables: { i: { paymentId: paid.payment!.id, amountPaise: 50_000, idempotencyKey: `refund-${s.studentId}`, reason: 'left early' } } });
    expect(refund.data).toEqual({ refundPayment: { refund: { id: expect.any(String), amountPaise: 50_000, status: 'PROCESSED', reopenDues: false }, userErrors: [] } });
    await settled(w);
    expect((await duesOf(w, s.studentId))[0]).toMatchObject({ status: 'PAID', balancePaise: 0 });
    expect(await unbalancedPayments(w)).toEqual([]);

    // The collections report shows the payment, the refund, the gateway fee and what routing saved.
    const report = await gql(w.url(), 'query($f: Date!, $t: Date!) { collectionsReport(from: $f, to: $t) { paymentCount amountPaise refundedPaise gatewayFeesPaise netPaise byGateway { gateway count amountPaise feePaise } byMethod { method amountPaise } routing { onlinePayments actualFeesPaise ifAlways { provider feePaise savedPaise } } } }', {
      token: w.owner,
      variables: { f: today(), t: today() },
    });
    const r = report.data!.collectionsReport as { routing: { ifAlways: { provider: string; savedPaise: number }[] }; byGateway: { gateway: string }[] };
    expect(r).toMatchObject({ paymentCount: 1, amountPaise: 150_000, refundedPaise: 50_000, gatewayFeesPaise: 3_009, netPaise: 150_000 - 50_000 - 3_009, byGateway: [{ gateway: 'cashfree', count: 1, amountPaise: 150_000, feePaise: 3_009 }] });
    expect(r.routing).toEqual({ onlinePayments: 1, actualFeesPaise: 3_009, ifAlways: [{ provider: 'CASHFREE', feePaise: 3_009, savedPaise: 0 }, { provider: 'RAZORPAY', feePaise: 3_540, savedPaise: 531 }] });
  });
});

describe('routing', () => {
  it('sends amounts below ₹600 to Razorpay and above to Cashfree, saying why', async () => {
    const small = await enrol(w, { pricePaise: 50_000 });
    const large = await enrol(w, { pricePaise: 90_000 });
    const a = (await createOrder(w, small.studentId)).order!;
    const b = (await createOrder(w, large.studentId)).order!;
    expect([a.provider, a.routing.reason]).toEqual(['RAZORPAY', 'cheapest: fee ₹11.80 against cashfree ₹12.39 for ₹500.00']);
    expect([b.provider, b.routing.reason]).toEqual(['CASHFREE', 'cheapest: fee ₹19.47 against razorpay ₹21.24 for ₹900.00']);
    expect(a.checkout.keyId).toBe(w.accounts.razorpay.keyId);
  });

  it('says "tie" at ₹600, where both fees are ₹14.16, and names the rule that broke it', async () => {
    const even = await enrol(w, { pricePaise: 60_000 });
    const o = (await createOrder(w, even.studentId)).order!;
    expect([o.provider, o.routing.reason]).toEqual(['CASHFREE', 'tie: fee ₹14.16 at cashfree and razorpay for ₹600.00; cashfree chosen by the tie rule (providers in alphabetical order)']);
  });

  it('answers NOTHING_TO_PAY, not NOT_FOUND, for an order on a due already paid', async () => {
    const s = await enrol(w, { pricePaise: 20_000 });
    const [due] = await duesOf(w, s.studentId);
    const cash = await gql(w.url(), RECORD, { token: w.owner, variables: { i: { studentId: s.studentId, amountPaise: 20_000, method: 'CASH', dueIds: [due!.id] } } });
    expect((cash.data!.recordPayment as { userErrors: unknown[] }).userErrors).toEqual([]);
    const again = await createOrder(w, s.studentId, [due!.id]);
    expect(again).toEqual({ order: null, routing: null, userErrors: [{ code: 'NOTHING_TO_PAY', message: 'Some of those dues are already paid or void: nothing is owed on them' }] });
  });
});

describe('confirming a checkout', () => {
  it('verifies the Razorpay signature, settles once, and refuses a forged one', async () => {
    const s = await enrol(w, { pricePaise: 40_000 });
    const order = (await createOrder(w, s.studentId)).order!;
    expect(order.provider).toBe('RAZORPAY');
    // Webhooks held back: the checkout's confirmation settles it.
    w.sims.razorpay.state.webhooks.delayMs = 1_500;
    try {
      const handed = await w.sims.razorpay.pay(order.providerOrderId, 'captured');
      const CONFIRM = 'mutation($i: ConfirmPaymentInput!) { confirmMyPayment(input: $i) { payment { id amountPaise } userErrors { code message } } }';
      const forged = await gql(w.url(), CONFIRM, { token: s.studentToken, variables: { i: { orderId: order.id, razorpayPaymentId: handed.razorpay_payment_id, razorpaySignature: createHmac('sha256', 'not the secret').update(`${order.providerOrderId}|${handed.razorpay_payment_id}`).digest('hex') } } });
      expect(forged.data).toEqual({ confirmMyPayment: { payment: null, userErrors: [{ code: 'SIGNATURE_INVALID', message: 'The checkout signature does not match this order' }] } });
      const ok = await gql(w.url(), CONFIRM, { token: s.studentToken, variables: { i: { orderId: order.id, razorpayPaymentId: handed.razorpay_payment_id, razorpaySignature: handed.razorpay_signature } } });
      expect(ok.data).toEqual({ confirmMyPayment: { payment: { id: expect.any(String), amountPaise: 40_000 }, userErrors: [] } });
      const twice = await gql(w.url(), CONFIRM, { token: s.studentToken, variables: { i: { orderId: order.id, razorpayPaymentId: handed.razorpay_payment_id, razorpaySignature: handed.razorpay_signature } } });
      expect((twice.data!.confirmMyPayment as { payment: { id: string } }).payment.id).toBe((ok.data!.confirmMyPayment as { payment: { id: string } }).payment.id);
    } finally {
      w.sims.razorpay.state.webhooks.delayMs = 0;
    }
    await settled(w);
    expect(await w.world.platform.tenants.withTenant(w.a.id, (db) => db.payment.count({ where: { studentId: s.studentId } }))).toBe(1);
  });

  it('answers PAYMENT_NOT_CAPTURED when the money has not arrived', async () => {
    const s = await enrol(w, { pricePaise: 120_000 });
    const order = (await createOrder(w, s.studentId)).order!;
    const r = await gql(w.url(), 'mutation($i: ConfirmPaymentInput!) { confirmPayment(input: $i) { payment { id } userErrors { code } } }', { token: w.owner, variables: { i: { orderId: order.id } } });
    expect(r.data).toEqual({ confirmPayment: { payment: null, userErrors: [{ code: 'PAYMENT_NOT_CAPTURED' }] } });
  });
});

describe('dues follow their allocation', () => {
  it('prorates a partial last month, extends with new dues, and voids unpaid later dues on cancel', async () => {
    const start = today();
    const s = await enrol(w, { start, endDate: plusDays(start, 44), pricePaise: 100_000 });
    const before = await duesOf(w, s.studentId);
    expect(before.map((d) => [d.kind, d.periodStart, d.amountPaise])).toHaveLength(2);
    expect(before[0]!.amountPaise).toBe(100_000);
    expect(before[1]!.amountPaise).toBeLessThan(100_000);
    // Extending to three months: the partial month becomes a full one, a third month appears.
    const ext = await gql(w.url(), 'mutation($id: ID!, $e: Date!) { extendAllocation(id: $id, endDate: $e) { userErrors { code } } }', { token: w.owner, variables: { id: s.allocationId, e: plusDays(start, 200) } });
    expect(ext.data).toEqual({ extendAllocation: { userErrors: [] } });
    const extended = await duesOf(w, s.studentId);
    expect(extended.length).toBeGreaterThanOrEqual(6);
    expect(extended[1]!.amountPaise).toBe(100_000);
    // Cancelled today: this month stays owed, later unpaid months are voided.
    await gql(w.url(), 'mutation($id: ID!) { cancelAllocation(id: $id) { userErrors { code } } }', { token: w.owner, variables: { id: s.allocationId } });
    expect((await duesOf(w, s.studentId)).map((d) => d.periodStart)).toEqual([start]);
    expect((await duesOf(w, s.studentId, 'VOID')).length).toBe(extended.length - 1);
  });

  it('shifts later dues by a pause without charging the pushed days', async () => {
    const start = today();
    const s = await enrol(w, { start, endDate: plusDays(start, 59), pricePaise: 90_000 });
    const before = await duesOf(w, s.studentId);
    const total = (ds: typeof before) => ds.reduce((t, d) => t + d.amountPaise, 0);
    await gql(w.url(), 'mutation($id: ID!, $a: Date!, $b: Date!) { pauseAllocation(id: $id, from: $a, until: $b) { userErrors { code } } }', { token: w.owner, variables: { id: s.allocationId, a: plusDays(start, 3), b: plusDays(start, 9) } });
    const after = await duesOf(w, s.studentId);
    expect(total(after)).toBe(total(before));
    expect(after[1]!.dueDate).toBe(plusDays(before[1]!.dueDate, 7));
  });
});

describe('desk payments', () => {
  it('pays oldest dues first, keeps an advance as credit and uses it on the next due', async () => {
    const s = await enrol(w, { endDate: plusDays(today(), 44), pricePaise: 100_000 });
    const [first, second] = await duesOf(w, s.studentId);
    // ₹600 cash: a partial payment of the first month.
    const part = await gql(w.url(), RECORD, { token: w.owner, variables: { i: { studentId: s.studentId, amountPaise: 60_000, method: 'CASH' } } });
    expect((part.data!.recordPayment as { userErrors: unknown[] }).userErrors).toEqual([]);
    expect((await duesOf(w, s.studentId))[0]).toMatchObject({ paidPaise: 60_000, balancePaise: 40_000, status: 'OPEN' });
    // ₹2,000 by UPI: the rest of the first, all of the second, the remainder kept as credit.
    const upi = await gql(w.url(), RECORD, { token: w.owner, variables: { i: { studentId: s.studentId, amountPaise: 200_000, method: 'UPI_QR', reference: 'UTR123456' } } });
    const rec = (upi.data!.recordPayment as { payment: { allocations: { amountPaise: number; due: { id: string } }[]; receipt: { number: string } } }).payment;
    expect(rec.allocations).toEqual([
      { amountPaise: 40_000, due: { id: first!.id } },
      { amountPaise: second!.amountPaise, due: { id: second!.id } },
    ]);
    const credit = 200_000 - 40_000 - second!.amountPaise;
    const money = await gql(w.url(), 'query($s: ID!) { student(id: $s) { balancePaise creditPaise } }', { token: w.owner, variables: { s: s.studentId } });
    expect(money.data).toEqual({ student: { balancePaise: -credit, creditPaise: credit } });
    // Extending adds a due; the credit pays it at once.
    await gql(w.url(), 'mutation($id: ID!, $e: Date!) { extendAllocation(id: $id, endDate: $e) { userErrors { code } } }', { token: w.owner, variables: { id: s.allocationId, e: plusDays(today(), 75) } });
    const later = await duesOf(w, s.studentId);
    const added = later.slice(2);
    expect(added.map((d) => d.kind).sort()).toEqual(['MONTHLY', 'TOP_UP']);
    const addedTotal = added.reduce((t, d) => t + d.amountPaise, 0);
    expect(addedTotal).toBeLessThan(credit);
    expect(added.every((d) => d.status === 'PAID')).toBe(true);
    const rest = await gql(w.url(), 'query($s: ID!) { student(id: $s) { creditPaise } }', { token: w.owner, variables: { s: s.studentId } });
    expect(rest.data).toEqual({ student: { creditPaise: credit - addedTotal } });
    expect(await unbalancedPayments(w)).toEqual([]);
  });

  it('refuses a UPI payment without its reference, and dues of someone else', async () => {
    const s = await enrol(w, {});
    const other = await enrol(w, {});
    const [otherDue] = await duesOf(w, other.studentId);
    const noRef = await gql(w.url(), RECORD, { token: w.owner, variables: { i: { studentId: s.studentId, amountPaise: 1_000, method: 'UPI_QR' } } });
    expect((noRef.data!.recordPayment as { userErrors: { code: string }[] }).userErrors[0]!.code).toBe('INVALID_INPUT');
    const wrong = await gql(w.url(), RECORD, { token: w.owner, variables: { i: { studentId: s.studentId, amountPaise: 1_000, method: 'CASH', dueIds: [otherDue!.id] } } });
    expect((wrong.data!.recordPayment as { userErrors: { code: string }[] }).userErrors[0]!.code).toBe('NOT_FOUND');
  });
});

describe('refunds', () => {
  it('never refund more than captured, replay by key, and re-open dues when asked', async () => {
    const s = await enrol(w, { pricePaise: 100_000 });
    const cash = await gql(w.url(), RECORD, { token: w.owner, variables: { i: { studentId: s.studentId, amountPaise: 100_000, method: 'CASH' } } });
    const paymentId = (cash.data!.recordPayment as { payment: { id: string } }).payment.id;
    const first = await gql(w.url(), REFUND, { token: w.owner, variables: { i: { paymentId, amountPaise: 30_000, idempotencyKey: 'cash-refund-1', reopenDues: true } } });
    expect(first.data).toMatchObject({ refundPayment: { refund: { amountPaise: 30_000, status: 'PROCESSED', reopenDues: true }, userErrors: [] } });
    const replay = await gql(w.url(), REFUND, { token: w.owner, variables: { i: { paymentId, amountPaise: 30_000, idempotencyKey: 'cash-refund-1', reopenDues: true } } });
    expect((replay.data!.refundPayment as { refund: { id: string } }).refund.id).toBe((first.data!.refundPayment as { refund: { id: string } }).refund.id);
    expect((await duesOf(w, s.studentId))[0]).toMatchObject({ status: 'OPEN', balancePaise: 30_000 });
    const tooMuch = await gql(w.url(), REFUND, { token: w.owner, variables: { i: { paymentId, amountPaise: 70_001, idempotencyKey: 'cash-refund-2' } } });
    expect(tooMuch.data).toMatchObject({ refundPayment: { refund: null, userErrors: [{ code: 'AMOUNT_TOO_LARGE' }] } });
    const rest = await gql(w.url(), REFUND, { token: w.owner, variables: { i: { paymentId, idempotencyKey: 'cash-refund-3' } } });
    expect(rest.data).toMatchObject({ refundPayment: { refund: { amountPaise: 70_000, status: 'PROCESSED' } } });
    const p = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.payment.findUniqueOrThrow({ where: { id: paymentId } }));
    expect([p.status, p.refundedPaise]).toEqual(['REFUNDED', 100_000]);
    expect(await unbalancedPayments(w)).toEqual([]);
  });

  it('of an online payment go through the gateway; a pending one is settled by its webhook', async () => {
    const s = await enrol(w, { pricePaise: 40_000 });
    const order = (await createOrder(w, s.studentId)).order!;
    await payAtCheckout(w, order);
    await settled(w);
    const paymentId = (await orderStatus(w, order.id)).payment!.id;
    w.sims.razorpay.refundOutcome = 'pending';
    try {
      const r = await gql(w.url(), REFUND, { token: w.owner, variables: { i: { paymentId, amountPaise: 10_000, idempotencyKey: `online-${paymentId}`, reopenDues: true } } });
      expect(r.data).toMatchObject({ refundPayment: { refund: { status: 'PENDING' } } });
      const pending = [...w.sims.razorpay.refunds.values()].find((x) => x.payment_id && x.status === 'pending')!;
      const { settleRazorpayRefund } = await import('@studyspot/simulators');
      await settleRazorpayRefund(w.sims.razorpay, pending.id, 'processed');
      await settled(w);
    } finally {
      w.sims.razorpay.refundOutcome = 'processed';
    }
    const refunds = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.refund.findMany({ where: { paymentId } }));
    expect(refunds.map((x) => x.status)).toEqual(['PROCESSED']);
    expect((await duesOf(w, s.studentId))[0]).toMatchObject({ status: 'OPEN', balancePaise: 10_000 });
    expect(await unbalancedPayments(w)).toEqual([]);
  });
});

describe('dues adjustments and late fees', () => {
  it('audits a discount and a waiver, and charges the late-fee rule once per day, capped', async () => {
    const past = plusDays(today(), -10);
    const s = await enrol(w, { start: past, endDate: monthEnd(past), pricePaise: 100_000 });
    const [due] = await duesOf(w, s.studentId);
    const ADJUST = 'mutation($i: AdjustDueInput!) { adjustDue(input: $i) { due { balancePaise adjustmentPaise status adjustments { kind amountPaise reason actor { id } } } userErrors { code } } }';
    const discount = await gql(w.url(), ADJUST, { token: w.owner, variables: { i: { dueId: due!.id, kind: 'DISCOUNT', amountPaise: 10_000, reason: 'sibling discount' } } });
    expect(discount.data).toMatchObject({ adjustDue: { due: { balancePaise: 90_000, adjustmentPaise: -10_000, adjustments: [{ kind: 'DISCOUNT', amountPaise: -10_000, reason: 'sibling discount', actor: { id: w.a.ownerId } }] }, userErrors: [] } });
    const audit = await w.world.platform.core.auditLog.findFirst({ where: { action: 'due.discount', targetId: due!.id } });
    expect(audit?.details).toMatchObject({ amountPaise: 10_000, reason: 'sibling discount' });

    await gql(w.url(), 'mutation($i: BillingSettingsInput!) { updateBillingSettings(input: $i) { userErrors { code } } }', { token: w.owner, variables: { i: { lateFeeKind: 'PER_DAY', lateFeePaise: 1_000, lateFeeGraceDays: 3, lateFeeCapPaise: 5_000 } } });
    // The sync recorded billing work 10 minutes on; the sweep runs as if they had passed, then again the same day.
    await w.world.platform.work.due(w.a.id, 'billing', new Date(Date.now() - 1_000));
    expect(await billingSweepOnce(w.world.platform)).toMatchObject({ tenants: 1 });
    await w.world.platform.work.due(w.a.id, 'billing', new Date(Date.now() - 1_000));
    expect(await billingSweepOnce(w.world.platform)).toMatchObject({ tenants: 1, lateFeesPaise: 0 }); // the same day again changes nothing
    const after = (await duesOf(w, s.studentId))[0]!;
    // 10 days overdue, 3 days' grace: 7 × ₹10 = ₹70, capped at ₹50.
    expect(after).toMatchObject({ balancePaise: 90_000 + 5_000 });
    const waiver = await gql(w.url(), ADJUST, { token: w.owner, variables: { i: { dueId: due!.id, kind: 'WAIVER', reason: 'hardship' } } });
    expect(waiver.data).toMatchObject({ adjustDue: { due: { balancePaise: 0, status: 'PAID' } } });
  });
});

describe('receipts', () => {
  it('are GST invoices when the tenant has a GSTIN: CGST+SGST in the same state, IGST across', async () => {
    await w.world.platform.core.tenant.update({ where: { id: w.a.id }, data: { gstin: '27ABCDE1234F1Z0', state: 'MH' } });
    try {
      const s = await enrol(w, { pricePaise: 150_000 });
      const cash = await gql(w.url(), RECORD, { token: w.owner, variables: { i: { studentId: s.studentId, amountPaise: 150_000, method: 'CASH' } } });
      const id = (cash.data!.recordPayment as { payment: { id: string } }).payment.id;
      const r = await gql(w.url(), 'query($p: ID!) { payment(id: $p) { receipt { number taxablePaise cgstPaise sgstPaise igstPaise gstin placeOfSupply pdfUrl } } }', { token: w.owner, variables: { p: id } });
      const receipt = (r.data!.payment as { receipt: { pdfUrl: string; number: string } }).receipt;
      expect(receipt).toMatchObject({ taxablePaise: 127_118, cgstPaise: 11_441, sgstPaise: 11_441, igstPaise: 0, gstin: '27ABCDE1234F1Z0', placeOfSupply: 'MH' });
      const text = await pdfText(receipt.pdfUrl);
      expect(text).toMatch(/^Tax invoice\b/);
      expect(text).toContain('GSTIN 27ABCDE1234F1Z0');
      expect(text).toMatch(/CGST 9%: ₹114\.41\s+SGST 9%: ₹114\.41/);
      // A tampered link is not found; an expired one is gone.
      expect((await fetch(receipt.pdfUrl.replace(/\.(\w)/, '.X$1'))).status).toBe(404);
      const [, token] = /\/receipts\/(.+)\.pdf$/.exec(receipt.pdfUrl)!;
      const { readReceiptToken } = await import('../subgraphs/billing/src/receipts/receipt.link.ts');
      expect(readReceiptToken(w.world.platform, token!, Date.now() + 16 * 60_000)).toBe('expired');
      // A branch in another state: the whole tax is IGST.
      await w.world.platform.tenants.withTenant(w.a.id, (db) => db.library.update({ where: { id: w.lib.libraryId }, data: { state: 'KA' } }));
      const across = await gql(w.url(), RECORD, { token: w.owner, variables: { i: { studentId: s.studentId, amountPaise: 150_000, method: 'CASH' } } });
      const acrossId = (across.data!.recordPayment as { payment: { id: string } }).payment.id;
      const ig = await gql(w.url(), 'query($p: ID!) { payment(id: $p) { receipt { cgstPaise sgstPaise igstPaise placeOfSupply } } }', { token: w.owner, variables: { p: acrossId } });
      expect(ig.data).toEqual({ payment: { receipt: { cgstPaise: 0, sgstPaise: 0, igstPaise: 22_881, placeOfSupply: 'KA' } } });
    } finally {
      await w.world.platform.tenants.withTenant(w.a.id, (db) => db.library.update({ where: { id: w.lib.libraryId }, data: { state: 'MH' } }));
      await w.world.platform.core.tenant.update({ where: { id: w.a.id }, data: { gstin: null, state: null } });
    }
  });
});

describe('events', () => {
  it("go to the tenant's topic: due created, payment captured and failed, refund processed, due overdue", async () => {
    const ac = new AbortController();
    const seen: { type: string; [k: string]: unknown }[] = [];
    const stream = w.world.platform.events.subscribe(`tenant:${w.a.id}`, ac.signal);
    const first = stream.next();
    const reading = (async () => {
      seen.push((await first).value as (typeof seen)[number]);
      for await (const e of stream) seen.push(e as (typeof seen)[number]);
    })().catch(() => {});
    const waitFor = async (type: string, match: Record<string, unknown>) => {
      for (let i = 0; i < 100 && !seen.some((e) => e.type === type && Object.entries(match).every(([k, v]) => e[k] === v)); i++) await new Promise((r) => setTimeout(r, 50));
      return seen.find((e) => e.type === type && Object.entries(match).every(([k, v]) => e[k] === v));
    };
    try {
      const s = await enrol(w, { pricePaise: 45_000, start: plusDays(today(), -10) });
      expect(await waitFor('DUE_CREATED', { studentId: s.studentId })).toMatchObject({ dueId: expect.any(String), amountPaise: 45_000 });
      const failing = (await createOrder(w, s.studentId)).order!;
      await payAtCheckout(w, failing, 'failure');
      await settled(w);
      expect(await waitFor('PAYMENT_FAILED', { orderId: failing.id })).toMatchObject({ studentId: s.studentId });
      await w.world.platform.work.due(w.a.id, 'billing', new Date(Date.now() - 1_000));
      await billingSweepOnce(w.world.platform);
      expect(await waitFor('DUE_OVERDUE', { studentId: s.studentId })).toMatchObject({ dueId: expect.any(String) });
      // The order covers the due and any late fee the sweep charged (an earlier test set a rule).
      const order = (await createOrder(w, s.studentId)).order!;
      expect(order.amountPaise).toBeGreaterThanOrEqual(45_000);
      await payAtCheckout(w, order);
      await settled(w);
      const captured = await waitFor('PAYMENT_CAPTURED', { orderId: order.id });
      expect(captured).toMatchObject({ studentId: s.studentId, amountPaise: order.amountPaise, provider: 'razorpay', paymentId: expect.any(String) });
      await gql(w.url(), REFUND, { token: w.owner, variables: { i: { paymentId: captured!.paymentId, amountPaise: 1_000, idempotencyKey: `event-${order.id}` } } });
      await settled(w);
      expect(await waitFor('REFUND_PROCESSED', { paymentId: captured!.paymentId })).toMatchObject({ amountPaise: 1_000 });
    } finally {
      ac.abort();
      await stream.return?.();
      await reading;
    }
  });
});
