// A local Razorpay: the REST API the `razorpay` SDK calls (orders, payments, refunds), HTTP Basic
// auth with registered test keys, Razorpay's error bodies, a checkout that a test (or a person, on
// the HTML page) completes or fails, and webhooks signed as Razorpay signs them: hex HMAC-SHA256 of
// the raw body with the account's webhook secret, X-Razorpay-Event-Id for de-duplication.
import { createHmac, randomInt } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { checkoutPage } from './checkout-page.ts';
import { controlRoutes, nowSeconds, randomId, SimulatorState, type SimAccount } from './harness.ts';

interface Order {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string | null;
  status: 'created' | 'attempted' | 'paid';
  attempts: number;
  notes: Record<string, string>;
  created_at: number;
  account: string;
}

interface Payment {
  id: string;
  entity: 'payment';
  amount: number;
  currency: string;
  status: 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';
  order_id: string;
  method: string;
  captured: boolean;
  amount_refunded: number;
  refund_status: null | 'partial' | 'full';
  fee: number;
  tax: number;
  error_code: string | null;
  error_description: string | null;
  /** What the bank returned: UPI's RRN and transaction id, netbanking's transaction id, a card's auth code. */
  acquirer_data: Record<string, string | null>;
  created_at: number;
}

interface RefundEntity {
  id: string;
  entity: 'refund';
  amount: number;
  currency: string;
  payment_id: string;
  status: 'pending' | 'processed' | 'failed';
  speed_processed: string;
  receipt: string | null;
  notes: Record<string, string>;
  created_at: number;
}

const error = (res: Response, status: number, description: string, code = 'BAD_REQUEST_ERROR', field?: string) =>
  void res.status(status).json({ error: { code, description, source: 'business', step: 'payment_initiation', reason: 'input_validation_failed', field: field ?? null } });

/** A webhook as Razorpay sends it: hex HMAC-SHA256 of the raw body with the webhook secret. */
function event(account: SimAccount, name: string, payload: Record<string, unknown>) {
  const eventId = randomId('evt_');
  const body = JSON.stringify({ entity: 'event', account_id: `acc_${account.keyId.slice(-8)}`, event: name, contains: Object.keys(payload), payload, created_at: nowSeconds() });
  return { body, headers: (b: string) => ({ 'x-razorpay-signature': createHmac('sha256', account.webhookSecret).update(b).digest('hex'), 'x-razorpay-event-id': eventId }) };
}

export interface RazorpaySimulator {
  state: SimulatorState;
  router: Router;
  orders: Map<string, Order>;
  payments: Map<string, Payment>;
  refunds: Map<string, RefundEntity>;
  /** Completes (or fails) the checkout of an order, as the student's browser would; returns what Checkout hands back. */
  pay(orderId: string, outcome?: 'captured' | 'failed', method?: string): Promise<{ razorpay_order_id: string; razorpay_payment_id: string; razorpay_signature: string }>;
  /** Razorpay's downtime webhooks to every account. */
  downtime(phase: 'started' | 'resolved'): Promise<void>;
  /** How the next refunds end: processed at once, pending (then processed by a webhook), or failed. */
  refundOutcome: 'processed' | 'pending' | 'failed';
}

export function razorpaySimulator(state = new SimulatorState('razorpay')): RazorpaySimulator {
  const orders = new Map<string, Order>();
  const payments = new Map<string, Payment>();
  const refunds = new Map<string, RefundEntity>();
  const router = express.Router();
  router.use(express.json());

  const accountOf = (keyId: string) => state.accounts.get(keyId)!;

  // Control endpoints (not Razorpay's): accounts, switches, the checkout.
  controlRoutes(router, state);
  router.get('/__sim/checkout/:orderId', (req, res) => {
    const order = orders.get(req.params.orderId);
    if (!order) return void res.status(404).send('No such order');
    res.type('html').send(checkoutPage('Razorpay', order.id, order.amount, `${req.baseUrl}/__sim/checkout/${order.id}`));
  });
  router.post('/__sim/checkout/:orderId', async (req, res) => {
    if (!orders.has(req.params.orderId)) return error(res, 404, 'The id provided does not exist');
    res.json(await sim.pay(req.params.orderId, req.body?.outcome === 'failed' ? 'failed' : 'captured', req.body?.method));
  });

  // Everything below is Razorpay's API: switches first, then HTTP Basic auth.
  const api = express.Router();
  api.use((req, res, next) => {
    if (state.mode === 'down') return error(res, 503, 'Service temporarily unavailable', 'SERVER_ERROR');
    if (state.mode === 'timeout') {
      const t = setTimeout(() => !res.headersSent && error(res, 504, 'Gateway timeout', 'SERVER_ERROR'), 60_000);
      req.on('close', () => clearTimeout(t));
      return;
    }
    const [user, pass] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
    const account = state.authenticate(user, pass);
    if (!account) return error(res, 401, 'Authentication failed');
    res.locals.account = account;
    next();
  });

  api.post('/orders', (req: Request, res) => {
    const { amount, currency = 'INR', receipt = null, notes = {} } = req.body ?? {};
    if (!Number.isInteger(amount) || amount < 100) return error(res, 400, 'The amount must be atleast INR 1.00', 'BAD_REQUEST_ERROR', 'amount');
    if (currency !== 'INR') return error(res, 400, 'Currency is not supported', 'BAD_REQUEST_ERROR', 'currency');
    if (receipt && String(receipt).length > 40) return error(res, 400, 'receipt: the length must be no more than 40.', 'BAD_REQUEST_ERROR', 'receipt');
    const order: Order = { id: randomId('order_'), entity: 'order', amount, amount_paid: 0, amount_due: amount, currency, receipt, status: 'created', attempts: 0, notes, created_at: nowSeconds(), account: res.locals.account.keyId };
    orders.set(order.id, order);
    const { account: _a, ...out } = order;
    res.json(out);
  });
  api.get('/orders', (_req, res) => {
    const mine = [...orders.values()].filter((o) => o.account === res.locals.account.keyId).map(({ account: _a, ...o }) => o);
    res.json({ entity: 'collection', count: mine.length, items: mine });
  });
  const ownOrder = (req: Request, res: Response) => {
    const o = orders.get(String(req.params.id));
    return o && o.account === res.locals.account.keyId ? o : null;
  };
  api.get('/orders/:id', (req, res) => {
    const o = ownOrder(req, res);
    if (!o) return error(res, 400, 'The id provided does not exist');
    const { account: _a, ...out } = o;
    res.json(out);
  });
  api.get('/orders/:id/payments', (req, res) => {
    const o = ownOrder(req, res);
    if (!o) return error(res, 400, 'The id provided does not exist');
    const items = [...payments.values()].filter((p) => p.order_id === o.id);
    res.json({ entity: 'collection', count: items.length, items });
  });
  api.get('/payments/:id', (req, res) => {
    const p = payments.get(req.params.id);
    if (!p || orders.get(p.order_id)?.account !== res.locals.account.keyId) return error(res, 400, 'The id provided does not exist');
    res.json(p);
  });
  api.post('/payments/:id/refund', (req, res) => {
    const p = payments.get(req.params.id);
    if (!p || orders.get(p.order_id)?.account !== res.locals.account.keyId) return error(res, 400, 'The id provided does not exist');
    const amount = req.body?.amount ?? p.amount - p.amount_refunded;
    if (p.status !== 'captured' && p.status !== 'refunded') return error(res, 400, 'The payment has not been captured');
    if (!Number.isInteger(amount) || amount < 100 || amount > p.amount - p.amount_refunded) return error(res, 400, 'The refund amount provided is greater than amount captured', 'BAD_REQUEST_ERROR', 'amount');
    if (sim.refundOutcome === 'failed') return error(res, 400, 'Refund could not be initiated: insufficient balance', 'BAD_REQUEST_ERROR');
    const refund: RefundEntity = {
      id: randomId('rfnd_'),
      entity: 'refund',
      amount,
      currency: 'INR',
      payment_id: p.id,
      status: sim.refundOutcome === 'processed' ? 'processed' : 'pending',
      speed_processed: 'normal',
      receipt: req.body?.receipt ?? null,
      notes: req.body?.notes ?? {},
      created_at: nowSeconds(),
    };
    refunds.set(refund.id, refund);
    p.amount_refunded += amount;
    p.refund_status = p.amount_refunded === p.amount ? 'full' : 'partial';
    if (p.amount_refunded === p.amount) p.status = 'refunded';
    const account = accountOf(orders.get(p.order_id)!.account);
    const events = [event(account, 'refund.created', { refund: { entity: { ...refund, status: 'pending' } }, payment: { entity: p } })];
    if (refund.status === 'processed') events.push(event(account, 'refund.processed', { refund: { entity: refund }, payment: { entity: p } }));
    void state.send(account, events);
    res.json(refund);
  });
  api.get('/refunds/:id', (req, res) => {
    const r = refunds.get(req.params.id);
    if (!r) return error(res, 400, 'The id provided does not exist');
    res.json(r);
  });
  router.use('/v1', api);

  const sim: RazorpaySimulator = {
    state,
    router,
    orders,
    payments,
    refunds,
    refundOutcome: 'processed',
    async pay(orderId, outcome = 'captured', method = 'upi') {
      const order = orders.get(orderId);
      if (!order) throw new Error(`no order ${orderId}`);
      const account = accountOf(order.account);
      order.attempts++;
      order.status = outcome === 'captured' ? 'paid' : 'attempted';
      const fee = Math.round(order.amount * 0.02);
      const payment: Payment = {
        id: randomId('pay_'),
        entity: 'payment',
        amount: order.amount,
        currency: order.currency,
        status: outcome,
        order_id: order.id,
        method,
        captured: outcome === 'captured',
        amount_refunded: 0,
        refund_status: null,
        fee: outcome === 'captured' ? fee + Math.round(fee * 0.18) : 0,
        tax: outcome === 'captured' ? Math.round(fee * 0.18) : 0,
        error_code: outcome === 'failed' ? 'BAD_REQUEST_ERROR' : null,
        error_description: outcome === 'failed' ? 'Payment was declined by the bank' : null,
        acquirer_data:
          outcome !== 'captured' ? {} : method === 'upi' ? { rrn: String(randomInt(1e11, 1e12)), upi_transaction_id: randomId('', 12).toUpperCase() } : method === 'netbanking' ? { bank_transaction_id: String(randomInt(1e9, 1e10)) } : { auth_code: String(randomInt(1e5, 1e6)) },
        created_at: nowSeconds(),
      };
      payments.set(payment.id, payment);
      if (outcome === 'captured') {
        order.amount_paid = order.amount;
        order.amount_due = 0;
      }
      const { account: _a, ...orderOut } = order;
      void state.send(
        account,
        outcome === 'captured'
          ? [event(account, 'payment.captured', { payment: { entity: payment } }), event(account, 'order.paid', { payment: { entity: payment }, order: { entity: orderOut } })]
          : [event(account, 'payment.failed', { payment: { entity: payment } })],
      );
      const signature = createHmac('sha256', account.keySecret).update(`${order.id}|${payment.id}`).digest('hex');
      return { razorpay_order_id: order.id, razorpay_payment_id: payment.id, razorpay_signature: signature };
    },
    async downtime(phase) {
      await Promise.all(
        [...state.accounts.values()].map((a) =>
          state.send(a, [event(a, `payment.downtime.${phase}`, { 'payment.downtime': { entity: { id: randomId('down_'), entity: 'payment.downtime', method: ['upi', 'card'], status: phase === 'started' ? 'started' : 'resolved', severity: 'high', begin: nowSeconds() } } })]),
        ),
      );
    },
  };
  return sim;
}

/** Settles a pending refund, with its webhook (refund.processed or refund.failed). */
export function settleRazorpayRefund(sim: RazorpaySimulator, refundId: string, outcome: 'processed' | 'failed'): Promise<void> {
  const refund = sim.refunds.get(refundId)!;
  refund.status = outcome;
  const payment = sim.payments.get(refund.payment_id)!;
  const account = sim.state.accounts.get(sim.orders.get(payment.order_id)!.account)!;
  return sim.state.send(account, [event(account, `refund.${outcome}`, { refund: { entity: refund }, payment: { entity: payment } })]);
}
