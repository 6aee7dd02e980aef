// The abuse suite's callbacks part: every webhook and signed-link route walked with malformed,
// unauthentic and oversized requests, and with authentic (correctly signed) bodies of shapes the
// providers never send. None answers 5xx: an authentic body of another shape is acknowledged (200,
// "ignored: …") so the provider stops redelivering it; everything else gets a coded 4xx.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptLink } from '../subgraphs/billing/src/receipts/receipt.link.ts';
import { baseOf, billingRows, cashfreeDelivery, createBillingWorld, razorpayDelivery, webhookKeyOf, type BillingWorld } from './support/billing.ts';

let w: BillingWorld;
let base: string;
let key: string;
const reportToken = `${randomUUID()}${randomUUID()}`;
const statuses: { route: string; what: string; status: number }[] = [];

beforeAll(async () => {
  w = await createBillingWorld();
  base = baseOf(w);
  key = await webhookKeyOf(w, w.a);
  const account = w.sims.razorpay.state.register({ webhookUrl: `${base}/webhooks/razorpay/platform` });
  w.world.platform.config.platformGateway = { keyId: account.keyId, keySecret: account.keySecret, webhookSecret: account.webhookSecret };
  w.world.platform.config.sms = { apiUrl: 'http://127.0.0.1:9', authKey: 'x', otpTemplateId: 'otp', reportToken, timeoutMs: 500 };
}, 60_000);

afterAll(async () => {
  // The whole walk: no response of 500 or more.
  console.log(`[figures] callbacks walked: ${statuses.length} requests, ${statuses.filter((s) => s.status >= 500).length} answered ≥ 500`);
  await w?.close();
});

const post = async (route: string, what: string, url: string, init: { body: string; headers: Record<string, string> }) => {
  const r = await fetch(url, { method: 'POST', headers: init.headers, body: init.body });
  statuses.push({ route, what, status: r.status });
  return { status: r.status, body: (await r.json().catch(() => null)) as Record<string, unknown> | null };
};
const get = async (route: string, what: string, url: string) => {
  const r = await fetch(url);
  statuses.push({ route, what, status: r.status });
  return { status: r.status, body: (await r.json().catch(() => null)) as { errors?: { extensions: { code: string } }[] } | null };
};

/** Bodies a provider never sends, each signed correctly (so only their shape is wrong). */
const ODD: [string, unknown][] = [
  ['null', null],
  ['an array', []],
  ['an empty object', {}],
  ['a number event', { event: 1, type: 2 }],
  ['a missing payload', { event: 'payment.captured', type: 'PAYMENT_SUCCESS_WEBHOOK' }],
  ['a null payload', { event: 'payment.captured', payload: null, type: 'PAYMENT_SUCCESS_WEBHOOK', data: null }],
  ['an object order id', { event: 'payment.captured', payload: { payment: { entity: { id: 'pay_1', order_id: { $ne: 1 }, amount: 100, currency: 'INR', status: 'captured' } } }, type: 'PAYMENT_SUCCESS_WEBHOOK', data: { order: { order_id: { $ne: 1 } }, payment: { cf_payment_id: 1, payment_status: 'SUCCESS', payment_amount: 1, payment_currency: 'INR' } } }],
  ['a string amount', { event: 'order.paid', payload: { payment: { entity: { id: 'pay_1', order_id: 'order_1', amount: '100', currency: 'INR', status: 'captured' } } }, type: 'PAYMENT_SUCCESS_WEBHOOK', data: { order: { order_id: 'o' }, payment: { cf_payment_id: {}, payment_status: 'SUCCESS', payment_amount: [], payment_currency: 'INR' } } }],
  ['a refund with an odd id', { event: 'refund.processed', payload: { refund: { entity: { id: 'rfnd_1', payment_id: 'pay_1', status: 'processed', notes: { studyspot_refund: '../../etc' } } } }, type: 'REFUND_STATUS_WEBHOOK', data: { refund: { refund_id: 'not-a-uuid', refund_status: 'SUCCESS' } } }],
];

describe('payment webhooks', () => {
  it('acknowledge authentic bodies of unexpected shapes with 200 "ignored", write no money, and refuse unauthentic and oversized ones with a 4xx', async () => {
    const before = await billingRows(w);
    const secret = w.accounts.razorpay.webhookSecret;
    const cfSecret = w.accounts.cashfree.keySecret;
    const platformSecret = w.world.platform.config.platformGateway!.webhookSecret;
    for (const [what, body] of ODD) {
      const raw = JSON.stringify(body);
      const sign = (s: string) => ({ 'content-type': 'application/json', 'x-razorpay-signature': createHmac('sha256', s).update(raw).digest('hex'), 'x-razorpay-event-id': `evt_${randomUUID()}` });
      const rzp = await post('razorpay', what, `${base}/webhooks/razorpay/${key}`, { body: raw, headers: sign(secret) });
      expect([what, rzp.status, String(rzp.body?.outcome)]).toEqual([what, 200, expect.stringMatching(/^ignored/)]);
      const platform = await post('platform', what, `${base}/webhooks/razorpay/platform`, { body: raw, headers: sign(platformSecret) });
      expect([what, platform.status, String(platform.body?.outcome)]).toEqual([what, 200, expect.stringMatching(/^ignored/)]);
      const ts = String(Date.now());
      const cf = await post('cashfree', what, `${base}/webhooks/cashfree/${key}`, { body: raw, headers: { 'content-type': 'application/json', 'x-webhook-signature': createHmac('sha256', cfSecret).update(ts + raw).digest('base64'), 'x-webhook-timestamp': ts } });
      expect([what, cf.status, String(cf.body?.outcome)]).toEqual([what, 200, expect.stringMatching(/^ignored/)]);
    }
    // Unauthentic, unreadable and oversized.
    const forged = razorpayDelivery('not-the-secret', 'payment.captured', {});
    expect((await post('razorpay', 'forged', `${base}/webhooks/razorpay/${key}`, forged)).status).toBe(401);
    expect((await post('cashfree', 'forged', `${base}/webhooks/cashfree/${key}`, cashfreeDelivery('nope', 'PAYMENT_SUCCESS_WEBHOOK', {}))).status).toBe(401);
    expect((await post('platform', 'forged', `${base}/webhooks/razorpay/platform`, forged)).status).toBe(401);
    const huge = 'x'.repeat(1_100_000);
    for (const route of [`webhooks/razorpay/${key}`, `webhooks/cashfree/${key}`, 'webhooks/razorpay/platform', `webhooks/msg91/${reportToken}`]) {
      const r = await post(route, 'oversized', `${base}/${route}`, { body: huge, headers: { 'content-type': 'application/json' } });
      expect([route, r.status]).toEqual([route, 413]);
    }
    expect(await billingRows(w)).toMatchObject({ payments: before.payments, receipts: before.receipts, paidOrders: before.paidOrders });
  });
});

describe('MSG91 delivery reports', () => {
  const url = (token: string) => `${base}/webhooks/msg91/${encodeURIComponent(token)}`;
  const report = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('answer a token of the right length but other bytes, and every other length, with the same 404 (the length is not revealed)', async () => {
    const sameChars = `${reportToken.slice(0, -1)}€`;
    const answers = new Set<number>();
    for (const token of [sameChars, 'a'.repeat(reportToken.length), 'a', 'a'.repeat(reportToken.length - 1), 'a'.repeat(reportToken.length + 1), 'ä'.repeat(reportToken.length)]) {
      answers.add((await post('msg91', `token of ${token.length}`, url(token), report([]))).status);
    }
    expect([...answers]).toEqual([404]);
  });

  it('ignore report fields of the wrong type (a status object, numbers, nulls) with 200', async () => {
    const odd = [{ requestId: 'r1', number: '919800000001', status: { toString: 1 } }, { requestId: 1, number: 2, status: 3 }, { requestId: 'r2', number: '919800000002', status: 'FAILED', desc: { x: 1 } }, null, 'text'];
    const r = await post('msg91', 'odd fields', url(reportToken), report(odd));
    expect(r.status).toBe(200);
  });

  it('take 1,000 unknown request ids in one call in a bounded time, and refuse more than 1,000 with a 400', async () => {
    const many = Array.from({ length: 1_000 }, (_, i) => ({ requestId: `unknown-${randomUUID()}`, number: `9198${String(i).padStart(8, '0')}`, status: 'DELIVERED' }));
    const started = performance.now();
    const r = await post('msg91', '1,000 unknown ids', url(reportToken), report(many));
    const took = Math.round(performance.now() - started);
    console.log(`[figures] 1,000 unknown request ids in one delivery-report call: ${took} ms (was 16 s on the embedded database)`);
    expect(r).toEqual({ status: 200, body: { received: true, updated: 0, ignored: 1_000 } });
    expect((await post('msg91', '1,001 reports', url(reportToken), report([...many, many[0]]))).status).toBe(400);
  });
});

describe('signed links', () => {
  const sign = (purpose: string, claims: unknown) => {
    const k = createHmac('sha256', w.world.platform.config.gatewaySecret).update(`studyspot-${purpose}-links`).digest();
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${createHmac('sha256', k).update(body).digest('base64url')}`;
  };
  const exp = () => Math.floor(Date.now() / 1000) + 600;

  it('answer well-signed contents the signer never writes, a tenant since deleted, and an expiry of "never" with a coded 404', async () => {
    const cases: [string, string, unknown][] = [
      ['receipts', 'receipt', { t: 'not-a-uuid', r: randomUUID(), e: exp() }],
      ['receipts', 'receipt', { t: w.a.id, r: '../../etc/passwd', e: exp() }],
      ['receipts', 'receipt', { t: { id: w.a.id }, r: randomUUID(), e: exp() }],
      ['receipts', 'receipt', { t: w.a.id, r: randomUUID(), e: 'never' }],
      ['receipts', 'receipt', [w.a.id]],
      ['receipts', 'receipt', 'text'],
      ['platform-invoices', 'platform-invoice', { i: 'INV/1', e: exp() }],
      ['platform-invoices', 'platform-invoice', { i: randomUUID(), e: 'never' }],
      ['platform-invoices', 'platform-invoice', null],
    ];
    for (const [route, purpose, claims] of cases) {
      const r = await get(route, JSON.stringify(claims), `${base}/${route}/${sign(purpose, claims)}.pdf`);
      expect([route, JSON.stringify(claims), r.status, r.body?.errors?.[0]?.extensions.code]).toEqual([route, JSON.stringify(claims), 404, 'NOT_FOUND']);
    }
    // A real link of a tenant that no longer exists.
    const gone = receiptLink(w.world.platform, randomUUID(), randomUUID());
    const r = await get('receipts', 'deleted tenant', gone.url.replace(w.world.platform.publicUrl, base));
    expect([r.status, r.body?.errors?.[0]?.extensions.code]).toEqual([404, 'NOT_FOUND']);
    // Garbage tokens.
    for (const t of ['x', 'a.b.c', '.', `${'A'.repeat(5000)}.x`]) expect((await get('receipts', `garbage ${t.length}`, `${base}/receipts/${t}.pdf`)).status).toBe(404);
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
  });
});
