// Billing test worlds: a supergraph world whose gateways are the local Razorpay and Cashfree
// simulators on their own loopback port (so a test can make them fail), the tenant's accounts
// connected through the API like an owner does, and small helpers for the money paths.
import { createHmac, randomBytes } from 'node:crypto';
import { startPaymentSimulators, type SimAccount } from '@studyspot/simulators';
import { SecretBox } from '@studyspot/runtime/security';
import { monthEnd, setUpLibrary, today, type CampusSetup } from './campus.ts';
import { createSupergraphWorld, gql, type SeededTenant, type SupergraphWorld } from './supergraph.ts';

export type Sims = Awaited<ReturnType<typeof startPaymentSimulators>>;

export interface BillingWorld extends SupergraphWorld {
  sims: Sims;
  owner: string;
  lib: CampusSetup;
  accounts: { razorpay: SimAccount; cashfree: SimAccount };
  url(): string;
}

/** The gateway's base URL (where providers call back). */
export const baseOf = (w: SupergraphWorld) => w.gateway.url.replace(/\/graphql$/, '');

export async function webhookKeyOf(w: SupergraphWorld, t: SeededTenant): Promise<string> {
  return (await w.world.platform.core.tenant.findUniqueOrThrow({ where: { id: t.id }, select: { webhookKey: true } })).webhookKey;
}

export const CONNECT = `mutation($i: ConnectGatewayInput!) { connectGatewayAccount(input: $i) { account { provider keyId secretLast4 status feePercentBp feeFixedPaise webhookUrl } userErrors { code message field } } }`;

/** Registers a simulator account for the tenant (as if created in the provider's dashboard) and connects it through the API. */
export async function connectGateway(w: SupergraphWorld, sims: Sims, t: SeededTenant, provider: 'razorpay' | 'cashfree', fee: { percentBp: number; fixedPaise: number }, token: string) {
  const key = await webhookKeyOf(w, t);
  const account = sims[provider].state.register({ webhookUrl: `${baseOf(w)}/webhooks/${provider}/${key}` });
  const r = await gql(w.gateway.url, CONNECT, {
    token,
    variables: { i: { provider: provider.toUpperCase(), keyId: account.keyId, keySecret: account.keySecret, webhookSecret: provider === 'razorpay' ? account.webhookSecret : null, feePercentBp: fee.percentBp, feeFixedPaise: fee.fixedPaise } },
  });
  const payload = r.data?.connectGatewayAccount as { userErrors: unknown[] } | undefined;
  if (!payload || payload.userErrors.length) throw new Error(`connect ${provider}: ${r.raw}`);
  return account;
}

/** The seed's fee rules: Razorpay 2% + ₹0, Cashfree 1.5% + ₹3 (breakeven ₹600). */
export const FEES = { razorpay: { percentBp: 200, fixedPaise: 0 }, cashfree: { percentBp: 150, fixedPaise: 300 } };

export async function createBillingWorld(opts: { timeoutMs?: number; reconcileAfterMinutes?: number; logQueries?: boolean } = {}): Promise<BillingWorld> {
  const sims = await startPaymentSimulators();
  const w = await createSupergraphWorld({
    trustProxy: true,
    payments: {
      razorpayUrl: `${sims.baseUrl}/_simulators/razorpay`,
      cashfreeUrl: `${sims.baseUrl}/_simulators/cashfree/pg`,
      timeoutMs: opts.timeoutMs ?? 1_500,
      secrets: SecretBox.parse(`test:${Buffer.alloc(32, 9).toString('base64')}`),
      reconcileAfterMinutes: opts.reconcileAfterMinutes ?? 30,
    },
  }, { logQueries: opts.logQueries });
  const owner = w.ownerToken(w.a);
  const lib = await setUpLibrary(w.gateway.url, owner, 24);
  const accounts = {
    razorpay: await connectGateway(w, sims, w.a, 'razorpay', FEES.razorpay, owner),
    cashfree: await connectGateway(w, sims, w.a, 'cashfree', FEES.cashfree, owner),
  };
  const close = w.close;
  return {
    ...w,
    sims,
    owner,
    lib,
    accounts,
    url: () => w.gateway.url,
    close: async () => {
      await close();
      await sims.close();
    },
  };
}

let phoneCounter = 0;
/** A new student of tenant A with a monthly allocation (full-day shift) from `start`, lasting `months` billing months. */
export async function enrol(w: BillingWorld, opts: { name?: string; start?: string; endDate?: string; seat?: number; shift?: keyof CampusSetup['shifts']; pricePaise?: number } = {}) {
  const phone = `98${String(70_000_000 + ++phoneCounter + Math.floor(Math.random() * 1_000_000)).padStart(8, '0')}`;
  const created = await gql(w.url(), 'mutation($i: StudentInput!) { createStudent(input: $i) { student { id } userErrors { code message } } }', {
    token: w.owner,
    variables: { i: { name: opts.name ?? `Student ${phoneCounter}`, phone, libraryId: w.lib.libraryId } },
  });
  const studentId = (created.data!.createStudent as { student: { id: string } }).student.id;
  const start = opts.start ?? today();
  const a = await gql(w.url(), 'mutation($i: AllocateSeatInput!) { allocateSeat(input: $i) { allocation { id } userErrors { code message } } }', {
    token: w.owner,
    variables: { i: { studentId, seatId: w.lib.seatIds[opts.seat ?? phoneCounter % w.lib.seatIds.length], shiftId: w.lib.shifts[opts.shift ?? 'fullDay'], startDate: start, endDate: opts.endDate ?? monthEnd(start), ...(opts.pricePaise ? { pricePaise: opts.pricePaise } : {}) } },
  });
  const allocation = (a.data?.allocateSeat as { allocation: { id: string } | null; userErrors: unknown[] } | undefined)?.allocation;
  if (!allocation) throw new Error(`allocate: ${a.raw}`);
  return { studentId, phone, allocationId: allocation.id, studentToken: w.tokenFor({ sub: studentId, role: 'STUDENT', tenantId: w.a.id }) };
}

export interface DueView {
  id: string;
  kind: string;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
  amountPaise: number;
  paidPaise: number;
  balancePaise: number;
  status: string;
}

export async function duesOf(w: BillingWorld, studentId: string, status?: string): Promise<DueView[]> {
  const r = await gql(w.url(), 'query($s: ID!, $st: DueStatus) { student(id: $s) { dues(status: $st) { id kind periodStart periodEnd dueDate amountPaise paidPaise balancePaise status } } }', {
    token: w.owner,
    variables: { s: studentId, st: status ?? null },
  });
  if (r.errors) throw new Error(r.raw);
  return (r.data!.student as { dues: DueView[] }).dues;
}

export const ORDER = `mutation($i: CreatePaymentOrderInput!) { createPaymentOrder(input: $i) {
  order { id provider providerOrderId amountPaise status checkout { keyId paymentSessionId simulatorUrl } routing { chosen reason fees { provider feePaise } tried { provider error } } }
  routing { chosen reason tried { provider error } }
  userErrors { code message } } }`;

export interface OrderView {
  id: string;
  provider: 'RAZORPAY' | 'CASHFREE';
  providerOrderId: string;
  amountPaise: number;
  status: string;
  checkout: { keyId: string | null; paymentSessionId: string | null; simulatorUrl: string | null };
  routing: { chosen: string; reason: string; fees: { provider: string; feePaise: number }[]; tried: { provider: string; error: string }[] };
}

export async function createOrder(w: BillingWorld, studentId: string, dueIds?: string[]) {
  const r = await gql(w.url(), ORDER, { token: w.owner, variables: { i: { studentId, dueIds } } });
  if (r.errors) throw new Error(r.raw);
  return r.data!.createPaymentOrder as { order: OrderView | null; routing: OrderView['routing'] | null; userErrors: { code: string; message: string }[] };
}

/** Pays an order at its simulator's checkout (which then sends the webhooks). */
export async function payAtCheckout(w: BillingWorld, order: OrderView, outcome: 'success' | 'failure' = 'success') {
  if (order.provider === 'RAZORPAY') return w.sims.razorpay.pay(order.providerOrderId, outcome === 'success' ? 'captured' : 'failed');
  return w.sims.cashfree.pay(order.providerOrderId, outcome === 'success' ? 'SUCCESS' : 'FAILED');
}

export const settled = (w: BillingWorld) => Promise.all([w.sims.razorpay.state.settled(), w.sims.cashfree.state.settled()]);

export async function orderStatus(w: BillingWorld, orderId: string) {
  const r = await gql(w.url(), 'query($o: ID!) { paymentOrder(id: $o) { status statusReason payment { id amountPaise feePaise method receipt { id number pdfUrl } } } }', { token: w.owner, variables: { o: orderId } });
  return r.data!.paymentOrder as { status: string; statusReason: string | null; payment: { id: string; amountPaise: number; feePaise: number; method: string; receipt: { id: string; number: string; pdfUrl: string } | null } | null };
}

/** Every captured payment of tenant A balances: amount - refunded = Σ allocations + Σ credit entries. */
export async function unbalancedPayments(w: SupergraphWorld): Promise<string[]> {
  return w.world.platform.tenants.withTenant(w.a.id, async (db) => {
    const rows = await db.$queryRaw<{ id: string; amount: number; refunded: number; allocated: number; credit: number }[]>`
      SELECT p.id, p.amount_paise AS amount, p.refunded_paise AS refunded,
        COALESCE((SELECT SUM(a.amount_paise) FROM payment_allocations a WHERE a.payment_id = p.id), 0)::int AS allocated,
        COALESCE((SELECT SUM(c.amount_paise) FROM credit_entries c WHERE c.payment_id = p.id), 0)::int AS credit
      FROM payments p WHERE p.status IN ('CAPTURED', 'REFUNDED') AND p.channel IS NOT NULL
        AND EXISTS (SELECT 1 FROM receipts r WHERE r.payment_id = p.id)`;
    return rows.filter((r) => r.amount - r.refunded !== r.allocated + r.credit).map((r) => `${r.id}: ${r.amount} - ${r.refunded} != ${r.allocated} + ${r.credit}`);
  });
}

/** A Razorpay webhook signed the way Razorpay signs: hex HMAC-SHA256 of the raw body with the webhook secret. */
export function razorpayDelivery(webhookSecret: string, event: string, payload: object, eventId = `evt_${randomBytes(7).toString('hex')}`) {
  const body = JSON.stringify({ entity: 'event', event, contains: Object.keys(payload), payload, created_at: Math.floor(Date.now() / 1000) });
  return { body, headers: { 'content-type': 'application/json', 'x-razorpay-signature': createHmac('sha256', webhookSecret).update(body).digest('hex'), 'x-razorpay-event-id': eventId } };
}

/** A Cashfree webhook signed the way Cashfree signs: base64 HMAC-SHA256 of timestamp + raw body with the client secret. */
export function cashfreeDelivery(clientSecret: string, type: string, data: object, timestamp = Date.now()) {
  const body = JSON.stringify({ type, event_time: new Date(timestamp).toISOString(), data });
  const ts = String(timestamp);
  return { body, headers: { 'content-type': 'application/json', 'x-webhook-signature': createHmac('sha256', clientSecret).update(ts + body).digest('base64'), 'x-webhook-timestamp': ts, 'x-webhook-version': '2023-08-01' } };
}

export const deliver = (url: string, d: { body: string; headers: Record<string, string> }) => fetch(url, { method: 'POST', headers: d.headers, body: d.body });

/** Counts of what webhooks can write in tenant A, to show that a refused one wrote nothing. */
export const billingRows = (w: SupergraphWorld) =>
  w.world.platform.tenants.withTenant(w.a.id, async (db) => ({
    events: await db.webhookEvent.count(),
    payments: await db.payment.count(),
    receipts: await db.receipt.count(),
    paidOrders: await db.paymentOrder.count({ where: { status: 'PAID' } }),
    refunds: await db.refund.count(),
  }));
