// A local Cashfree PG: the /pg API the `cashfree-pg` SDK calls (orders, payments, refunds) with
// x-client-id / x-client-secret auth, amounts in rupees with two decimals (written as 170.00 in the
// raw JSON, as Cashfree does), and webhooks signed as Cashfree signs them: base64 HMAC-SHA256 of
// timestamp + raw body with the client secret, x-webhook-timestamp in ms, x-idempotency-key.
import { createHmac, randomInt } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { checkoutPage } from './checkout-page.ts';
import { controlRoutes, randomId, SimulatorState, type SimAccount } from './harness.ts';

type Money = string; // "170.00"

interface Order {
  cf_order_id: string;
  order_id: string;
  entity: 'order';
  order_currency: string;
  order_amount: Money;
  order_status: 'ACTIVE' | 'PAID' | 'EXPIRED' | 'TERMINATED';
  payment_session_id: string;
  order_expiry_time: string;
  customer_details: Record<string, unknown>;
  order_meta: Record<string, unknown>;
  order_note: string | null;
  created_at: string;
  account: string;
}

interface Payment {
  cf_payment_id: string;
  order_id: string;
  entity: 'payment';
  payment_currency: string;
  payment_amount: Money;
  payment_status: 'SUCCESS' | 'FAILED' | 'PENDING' | 'USER_DROPPED';
  payment_message: string;
  payment_group: string;
  payment_time: string;
  bank_reference: string;
}

interface RefundEntity {
  cf_payment_id: string;
  cf_refund_id: string;
  refund_id: string;
  order_id: string;
  entity: 'refund';
  refund_amount: Money;
  refund_currency: string;
  refund_status: 'SUCCESS' | 'PENDING' | 'CANCELLED' | 'ONHOLD';
  refund_type: 'MERCHANT_INITIATED';
  refund_note: string | null;
  created_at: string;
  processed_at: string | null;
}

const MONEY_FIELDS = /"(order_amount|payment_amount|refund_amount)":"(-?\d+\.\d{2})"/g;
/** JSON as Cashfree writes it: amounts as numbers with two decimals (170.00, not 170). */
export const cashfreeJson = (v: unknown) => JSON.stringify(v).replace(MONEY_FIELDS, '"$1":$2');
const money = (v: unknown): Money | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 1 ? n.toFixed(2) : null;
};
const iso = () => new Date().toISOString();
const send = (res: Response, status: number, body: unknown) => void res.status(status).type('application/json').send(cashfreeJson(body));
const error = (res: Response, status: number, message: string, code: string, type = 'invalid_request_error') => send(res, status, { message, code, type });

/** A webhook as Cashfree sends it: signed over the timestamp and the raw body, with the client secret. */
function webhook(account: SimAccount, type: string, data: Record<string, unknown>) {
  const id = randomId('whk_');
  const body = cashfreeJson({ data, event_time: iso(), type });
  return {
    body,
    headers: (b: string) => {
      const timestamp = String(Date.now());
      return { 'x-webhook-signature': createHmac('sha256', account.keySecret).update(timestamp + b).digest('base64'), 'x-webhook-timestamp': timestamp, 'x-idempotency-key': id, 'x-webhook-version': '2025-01-01' };
    },
  };
}

export interface CashfreeSimulator {
  state: SimulatorState;
  router: Router;
  orders: Map<string, Order>;
  payments: Map<string, Payment[]>;
  refunds: Map<string, RefundEntity>;
  pay(orderId: string, outcome?: 'SUCCESS' | 'FAILED', group?: string): Promise<{ order_id: string; cf_payment_id: string }>;
  refundOutcome: 'SUCCESS' | 'PENDING' | 'CANCELLED';
}

export function cashfreeSimulator(state = new SimulatorState('cashfree')): CashfreeSimulator {
  const orders = new Map<string, Order>();
  const payments = new Map<string, Payment[]>();
  const refunds = new Map<string, RefundEntity>();
  const router = express.Router();
  router.use(express.json());

  const accountOf = (keyId: string) => state.accounts.get(keyId)!;
  const publicOrder = ({ account: _a, ...o }: Order) => o;

  controlRoutes(router, state);
  router.get('/__sim/checkout/:orderId', (req, res) => {
    const order = orders.get(req.params.orderId);
    if (!order) return void res.status(404).send('No such order');
    res.type('html').send(checkoutPage('Cashfree', order.order_id, Math.round(Number(order.order_amount) * 100), `${req.baseUrl}/__sim/checkout/${order.order_id}`));
  });
  router.post('/__sim/checkout/:orderId', async (req, res) => {
    if (!orders.has(req.params.orderId)) return error(res, 404, 'order not found', 'order_not_found');
    res.json(await sim.pay(req.params.orderId, req.body?.outcome === 'failed' ? 'FAILED' : 'SUCCESS', req.body?.method));
  });

  const api = express.Router();
  api.use((req, res, next) => {
    if (state.mode === 'down') return error(res, 503, 'service unavailable', 'service_unavailable', 'api_connection_error');
    if (state.mode === 'timeout') {
      const t = setTimeout(() => !res.headersSent && error(res, 504, 'timeout', 'timeout', 'api_connection_error'), 60_000);
      req.on('close', () => clearTimeout(t));
      return;
    }
    if (!req.header('x-api-version')) return error(res, 400, 'x-api-version is missing in the request', 'request_failed');
    const account = state.authenticate(req.header('x-client-id'), req.header('x-client-secret'));
    if (!account) return error(res, 401, 'authentication Failed', 'request_failed', 'authentication_error');
    res.locals.account = account;
    next();
  });
  const own = (req: Request, res: Response) => {
    const o = orders.get(String(req.params.id));
    return o && o.account === res.locals.account.keyId ? o : null;
  };

  api.post('/orders', (req, res) => {
    const b = req.body ?? {};
    const amount = money(b.order_amount);
    if (!amount) return error(res, 400, 'order_amount : must be greater than or equal to 1', 'order_amount_invalid');
    if ((b.order_currency ?? 'INR') !== 'INR') return error(res, 400, 'order_currency : invalid', 'order_currency_invalid');
    if (!b.customer_details?.customer_id || !b.customer_details?.customer_phone) return error(res, 400, 'customer_details : customer_id and customer_phone are required', 'customer_details_missing');
    const orderId = b.order_id ?? randomId('order_', 10);
    if (orders.has(orderId)) return error(res, 409, 'order with same id is already present', 'order_already_exists');
    const order: Order = {
      cf_order_id: String(Date.now()) + Math.floor(Math.random() * 1000),
      order_id: orderId,
      entity: 'order',
      order_currency: 'INR',
      order_amount: amount,
      order_status: 'ACTIVE',
      payment_session_id: randomId('session_', 24),
      order_expiry_time: new Date(Date.now() + 30 * 60_000).toISOString(),
      customer_details: b.customer_details,
      order_meta: b.order_meta ?? {},
      order_note: b.order_note ?? null,
      created_at: iso(),
      account: res.locals.account.keyId,
    };
    orders.set(orderId, order);
    send(res, 200, publicOrder(order));
  });
  api.get('/orders/:id', (req, res) => {
    const o = own(req, res);
    return o ? send(res, 200, publicOrder(o)) : error(res, 404, 'order not found', 'order_not_found');
  });
  api.get('/orders/:id/payments', (req, res) => {
    const o = own(req, res);
    return o ? send(res, 200, payments.get(o.order_id) ?? []) : error(res, 404, 'order not found', 'order_not_found');
  });
  api.post('/orders/:id/refunds', (req, res) => {
    const o = own(req, res);
    if (!o) return error(res, 404, 'order not found', 'order_not_found');
    const paid = (payments.get(o.order_id) ?? []).find((p) => p.payment_status === 'SUCCESS');
    if (!paid) return error(res, 400, 'refund can only be initiated for a successful payment', 'refund_not_allowed');
    const amount = money(req.body?.refund_amount);
    const already = [...refunds.values()].filter((r) => r.order_id === o.order_id && r.refund_status !== 'CANCELLED').reduce((s, r) => s + Math.round(Number(r.refund_amount) * 100), 0);
    if (!amount || Math.round(Number(amount) * 100) + already > Math.round(Number(paid.payment_amount) * 100)) return error(res, 400, 'refund_amount : exceeds the refundable amount', 'refund_amount_invalid');
    const refundId = String(req.body?.refund_id ?? randomId('refund_'));
    const existing = refunds.get(refundId);
    if (existing) return send(res, 200, existing);
    const refund: RefundEntity = {
      cf_payment_id: paid.cf_payment_id,
      cf_refund_id: randomId('', 6),
      refund_id: refundId,
      order_id: o.order_id,
      entity: 'refund',
      refund_amount: amount,
      refund_currency: 'INR',
      refund_status: sim.refundOutcome,
      refund_type: 'MERCHANT_INITIATED',
      refund_note: req.body?.refund_note ?? null,
      created_at: iso(),
      processed_at: sim.refundOutcome === 'SUCCESS' ? iso() : null,
    };
    refunds.set(refundId, refund);
    if (refund.refund_status !== 'PENDING') void state.send(accountOf(o.account), [webhook(accountOf(o.account), 'REFUND_STATUS_WEBHOOK', { refund })]);
    send(res, 200, refund);
  });
  api.get('/orders/:id/refunds/:refundId', (req, res) => {
    const o = own(req, res);
    const r = refunds.get(String(req.params.refundId));
    return o && r && r.order_id === o.order_id ? send(res, 200, r) : error(res, 404, 'refund not found', 'refund_not_found');
  });
  router.use('/pg', api);

  const sim: CashfreeSimulator = {
    state,
    router,
    orders,
    payments,
    refunds,
    refundOutcome: 'SUCCESS',
    async pay(orderId, outcome = 'SUCCESS', group = 'upi') {
      const order = orders.get(orderId);
      if (!order) throw new Error(`no order ${orderId}`);
      const payment: Payment = {
        cf_payment_id: String(Date.now()) + Math.floor(Math.random() * 10_000),
        order_id: order.order_id,
        entity: 'payment',
        payment_currency: 'INR',
        payment_amount: order.order_amount,
        payment_status: outcome,
        payment_message: outcome === 'SUCCESS' ? 'Transaction Successful' : 'Transaction declined by the bank',
        payment_group: group,
        payment_time: iso(),
        // UPI's RRN: 12 digits, the UTR the payer's app shows.
        bank_reference: String(randomInt(1e11, 1e12)),
      };
      payments.set(order.order_id, [...(payments.get(order.order_id) ?? []), payment]);
      if (outcome === 'SUCCESS') order.order_status = 'PAID';
      const account = accountOf(order.account);
      const type = outcome === 'SUCCESS' ? 'PAYMENT_SUCCESS_WEBHOOK' : 'PAYMENT_FAILED_WEBHOOK';
      void state.send(account, [
        webhook(account, type, {
          order: { order_id: order.order_id, order_amount: order.order_amount, order_currency: 'INR', order_tags: null },
          payment: { ...payment, auth_id: null },
          customer_details: order.customer_details,
        }),
      ], typeof order.order_meta.notify_url === 'string' ? order.order_meta.notify_url : null);
      return { order_id: order.order_id, cf_payment_id: payment.cf_payment_id };
    },
  };
  return sim;
}

/** Settles a pending Cashfree refund, with its REFUND_STATUS_WEBHOOK. */
export function settleCashfreeRefund(sim: CashfreeSimulator, refundId: string, outcome: 'SUCCESS' | 'CANCELLED'): Promise<void> {
  const refund = sim.refunds.get(refundId)!;
  refund.refund_status = outcome;
  refund.processed_at = new Date().toISOString();
  const account = sim.state.accounts.get(sim.orders.get(refund.order_id)!.account)!;
  return sim.state.send(account, [webhook(account, 'REFUND_STATUS_WEBHOOK', { refund })]);
}
