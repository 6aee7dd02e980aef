// Races on money: a webhook delivered a hundred times at once while the student's app confirms the
// same payment; two hundred captures in one library at once; refunds and desk payments that race
// each other. Each must end with money counted once and every ledger balanced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingRows, createBillingWorld, createOrder, deliver, duesOf, enrol, orderStatus, razorpayDelivery, settled, unbalancedPayments, webhookKeyOf, baseOf, type BillingWorld, type OrderView } from './support/billing.ts';
import { plusDays, today } from './support/campus.ts';
import { gql } from './support/supergraph.ts';

let w: BillingWorld;
beforeAll(async () => {
  w = await createBillingWorld();
}, 60_000);
afterAll(async () => {
  await w?.close();
});

const CONFIRM = 'mutation($i: ConfirmPaymentInput!) { confirmMyPayment(input: $i) { payment { id } userErrors { code message } } }';
const RECORD = 'mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id receipt { number } } userErrors { code message } } }';
const REFUND = 'mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { refund { id amountPaise status } userErrors { code } } }';

const sequenceOf = (number: string) => Number(number.split('/').at(-1));

describe('one payment, many callers', () => {
  it('100 concurrent deliveries of the same webhooks racing confirmPayment settle once', async () => {
    const s = await enrol(w, { pricePaise: 45_000 });
    const { order } = await createOrder(w, s.studentId);
    expect(order!.provider).toBe('RAZORPAY');
    // The checkout completes but the simulator's own webhooks are held back; we deliver them ourselves, all at once.
    w.sims.razorpay.state.webhooks.drop = true;
    const handed = await w.sims.razorpay.pay(order!.providerOrderId, 'captured');
    w.sims.razorpay.state.webhooks.drop = false;
    const entity = w.sims.razorpay.payments.get(handed.razorpay_payment_id)!;
    const captured = razorpayDelivery(w.accounts.razorpay.webhookSecret, 'payment.captured', { payment: { entity } }, `evt_cap_${order!.id.slice(0, 8)}`);
    const paid = razorpayDelivery(w.accounts.razorpay.webhookSecret, 'order.paid', { payment: { entity } }, `evt_paid_${order!.id.slice(0, 8)}`);
    const url = `${baseOf(w)}/webhooks/razorpay/${await webhookKeyOf(w, w.a)}`;
    const before = await billingRows(w);

    const confirm = () => gql(w.url(), CONFIRM, { token: s.studentToken, variables: { i: { orderId: order!.id, razorpayPaymentId: handed.razorpay_payment_id, razorpaySignature: handed.razorpay_signature } } });
    const results = await Promise.all([
      ...Array.from({ length: 50 }, () => deliver(url, captured).then(async (r) => [r.status, await r.json()] as const)),
      ...Array.from({ length: 50 }, () => deliver(url, paid).then(async (r) => [r.status, await r.json()] as const)),
      ...Array.from({ length: 5 }, () => confirm()),
    ]);
    const deliveries = results.slice(0, 100) as (readonly [number, { received: boolean; duplicate?: boolean; outcome?: string }])[];
    expect(deliveries.every(([status, body]) => status === 200 && body.received)).toBe(true);
    // Exactly one delivery of each event was processed; the other 98 were acknowledged as duplicates.
    expect(deliveries.filter(([, b]) => !b.duplicate)).toHaveLength(2);
    const confirms = results.slice(100) as Awaited<ReturnType<typeof confirm>>[];
    const paymentIds = new Set(confirms.map((c) => (c.data!.confirmMyPayment as { payment: { id: string } }).payment.id));
    expect(paymentIds.size).toBe(1);

    expect(await billingRows(w)).toEqual({ ...before, events: before.events + 2, payments: before.payments + 1, receipts: before.receipts + 1, paidOrders: before.paidOrders + 1 });
    const [due] = await duesOf(w, s.studentId);
    expect(due).toMatchObject({ paidPaise: 45_000, status: 'PAID' });
    const credit = await gql(w.url(), 'query($s: ID!) { student(id: $s) { creditPaise } }', { token: w.owner, variables: { s: s.studentId } });
    expect(credit.data).toEqual({ student: { creditPaise: 0 } });
    expect((await orderStatus(w, order!.id)).payment!.id).toBe([...paymentIds][0]);
    expect(await unbalancedPayments(w)).toEqual([]);
  });
});

describe('receipt numbers', () => {
  it('200 concurrent captures in one library get 200 distinct consecutive numbers', async () => {
    // Months ahead, on seats of their own, so they do not meet the students of other tests.
    const students = await Promise.all(Array.from({ length: 40 }, (_, i) => enrol(w, { pricePaise: (i % 2 ? 50_000 : 200_000) + i * 100, seat: i % 20, start: plusDays(today(), 400 + 31 * Math.floor(i / 20)), endDate: plusDays(today(), 429 + 31 * Math.floor(i / 20)) })));
    // Five orders per student (online orders for the same dues; the surplus becomes credit); half
    // the amounts are below ₹600 and go to Razorpay, the others to Cashfree.
    const orders: OrderView[] = [];
    for (let round = 0; round < 5; round++) orders.push(...(await Promise.all(students.map(async (s) => (await createOrder(w, s.studentId)).order!))));
    expect(orders).toHaveLength(200);
    const highest = async () =>
      w.world.platform.tenants.withTenant(w.a.id, async (db) => {
        const rows = await db.receipt.findMany({ where: { payment: { libraryId: w.lib.libraryId } }, select: { number: true } });
        return rows.length ? Math.max(...rows.map((r) => sequenceOf(r.number))) : 0;
      });
    const start = await highest();

    await Promise.all(orders.map((o) => (o.provider === 'RAZORPAY' ? w.sims.razorpay.pay(o.providerOrderId, 'captured') : w.sims.cashfree.pay(o.providerOrderId, 'SUCCESS'))));
    await settled(w);
    // On a loaded machine the simulator may stop waiting for an answer (10 s) while the gateway still
    // settles the capture: wait, within a bound, for every order's receipt.
    const receipts = () => w.world.platform.tenants.withTenant(w.a.id, (db) => db.receipt.findMany({ where: { payment: { orderId: { in: orders.map((o) => o.id) } } }, select: { number: true } }));
    let numbers = await receipts();
    for (const until = Date.now() + 30_000; numbers.length < 200 && Date.now() < until; numbers = await receipts()) await new Promise((r) => setTimeout(r, 250));
    const seq = numbers.map((r) => sequenceOf(r.number)).sort((a, b) => a - b);
    expect(seq).toHaveLength(200);
    expect(seq).toEqual(Array.from({ length: 200 }, (_, i) => start + 1 + i));
    expect(await highest()).toBe(start + 200);
    expect(await unbalancedPayments(w)).toEqual([]);
    console.log(`[figures] 200 concurrent captures (${orders.filter((o) => o.provider === 'RAZORPAY').length} Razorpay, ${orders.filter((o) => o.provider === 'CASHFREE').length} Cashfree): receipts ${start + 1}..${start + 200}, no gaps`);
  }, 120_000);
});

describe('double spends', () => {
  it('ten concurrent full refunds of one payment refund it once', async () => {
    const s = await enrol(w, { pricePaise: 80_000 });
    const cash = await gql(w.url(), RECORD, { token: w.owner, variables: { i: { studentId: s.studentId, amountPaise: 80_000, method: 'CASH' } } });
    const paymentId = (cash.data!.recordPayment as { payment: { id: string } }).payment.id;
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => gql(w.url(), REFUND, { token: w.owner, variables: { i: { paymentId, idempotencyKey: `race-refund-${paymentId}-${i}` } } })),
    );
    const outcomes = attempts.map((r) => r.data!.refundPayment as { refund: { amountPaise: number } | null; userErrors: { code: string }[] });
    expect(outcomes.filter((o) => o.refund)).toEqual([{ refund: { id: expect.any(String), amountPaise: 80_000, status: 'PROCESSED' }, userErrors: [] }]);
    expect(outcomes.filter((o) => !o.refund).map((o) => o.userErrors[0]!.code)).toEqual(Array(9).fill('INVALID_STATE'));
    // The same key ten times at once is one refund.
    const other = await enrol(w, { pricePaise: 80_000 });
    const cash2 = await gql(w.url(), RECORD, { token: w.owner, variables: { i: { studentId: other.studentId, amountPaise: 80_000, method: 'CASH' } } });
    const paymentId2 = (cash2.data!.recordPayment as { payment: { id: string } }).payment.id;
    const same = await Promise.all(Array.from({ length: 10 }, () => gql(w.url(), REFUND, { token: w.owner, variables: { i: { paymentId: paymentId2, amountPaise: 1_000, idempotencyKey: `same-key-${paymentId2}` } } })));
    // Every one of them is answered (a failure shows its errors here, not as a null dereference below).
    expect(same.map((r) => r.errors ?? null)).toEqual(Array(10).fill(null));
    const ids = new Set(same.map((r) => (r.data!.refundPayment as { refund: { id: string } | null }).refund?.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toEqual(expect.any(String));
    const refunded = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.payment.findMany({ where: { id: { in: [paymentId, paymentId2] } }, select: { refundedPaise: true }, orderBy: { amountPaise: 'asc' } }));
    expect(refunded.map((p) => p.refundedPaise).sort((a, b) => a - b)).toEqual([1_000, 80_000]);
    expect(await unbalancedPayments(w)).toEqual([]);
  });

  it('ten concurrent desk payments against one due pay it once and keep the rest as credit', async () => {
    const s = await enrol(w, { pricePaise: 100_000 });
    const [due] = await duesOf(w, s.studentId);
    const results = await Promise.all(Array.from({ length: 10 }, () => gql(w.url(), RECORD, { token: w.owner, variables: { i: { studentId: s.studentId, amountPaise: 100_000, method: 'CASH', dueIds: [due!.id] } } })));
    expect(results.every((r) => (r.data!.recordPayment as { userErrors: unknown[] }).userErrors.length === 0)).toBe(true);
    expect((await duesOf(w, s.studentId))[0]).toMatchObject({ paidPaise: 100_000, status: 'PAID' });
    const money = await gql(w.url(), 'query($s: ID!) { student(id: $s) { balancePaise creditPaise } }', { token: w.owner, variables: { s: s.studentId } });
    expect(money.data).toEqual({ student: { balancePaise: -900_000, creditPaise: 900_000 } });
    const numbers = results.map((r) => sequenceOf((r.data!.recordPayment as { payment: { receipt: { number: string } } }).payment.receipt.number)).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(10);
    expect(numbers.at(-1)! - numbers[0]!).toBe(9);
    expect(await unbalancedPayments(w)).toEqual([]);
  });

  it('a double click at the desk (ten concurrent submissions with one idempotency key) records one payment and one receipt', async () => {
    const s = await enrol(w, { pricePaise: 100_000 });
    const i = { studentId: s.studentId, amountPaise: 100_000, method: 'CASH', idempotencyKey: `desk-${s.studentId}` };
    const results = await Promise.all(Array.from({ length: 10 }, () => gql(w.url(), RECORD, { token: w.owner, variables: { i } })));
    const payments = results.map((r) => (r.data!.recordPayment as { payment: { id: string; receipt: { number: string } } | null; userErrors: unknown[] }));
    expect(payments.map((p) => p.userErrors)).toEqual(Array.from({ length: 10 }, () => []));
    expect(new Set(payments.map((p) => p.payment!.id)).size).toBe(1);
    expect(new Set(payments.map((p) => p.payment!.receipt.number)).size).toBe(1);
    const money = await gql(w.url(), 'query($s: ID!) { student(id: $s) { balancePaise creditPaise payments { edges { node { id } } } } }', { token: w.owner, variables: { s: s.studentId } });
    expect(money.data).toEqual({ student: { balancePaise: 0, creditPaise: 0, payments: { edges: [{ node: { id: payments[0]!.payment!.id } }] } } });
    // The key names that payment: another amount under it is refused, not recorded.
    const other = await gql(w.url(), RECORD, { token: w.owner, variables: { i: { ...i, amountPaise: 5_000 } } });
    expect(other.data).toEqual({ recordPayment: { payment: null, userErrors: [{ code: 'INVALID_INPUT', message: 'This idempotencyKey was used for another payment' }] } });
    expect(await unbalancedPayments(w)).toEqual([]);
  });

  it('a discount sent five times at once with one idempotency key is given once', async () => {
    const s = await enrol(w, { pricePaise: 100_000 });
    const [due] = await duesOf(w, s.studentId);
    const ADJUST = 'mutation($i: AdjustDueInput!) { adjustDue(input: $i) { due { balancePaise adjustmentPaise } userErrors { code } } }';
    const i = { dueId: due!.id, kind: 'DISCOUNT', amountPaise: 10_000, reason: 'sibling', idempotencyKey: `disc-${due!.id}` };
    const results = await Promise.all(Array.from({ length: 5 }, () => gql(w.url(), ADJUST, { token: w.owner, variables: { i } })));
    expect(results.map((r) => r.data!.adjustDue)).toEqual(Array.from({ length: 5 }, () => ({ due: { balancePaise: 90_000, adjustmentPaise: -10_000 }, userErrors: [] })));
  });
});
