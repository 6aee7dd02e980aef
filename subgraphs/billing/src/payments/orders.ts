// Online payments: a payment order for a student's dues, created at the cheapest usable gateway
// (with failover), and confirmed after checkout — by the Razorpay signature (HMAC of
// order_id|payment_id with the key secret, compared in constant time) and, for both providers, by
// asking the gateway for the order's captured payment. Dues are settled only for captured money.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { clock, isUuid, ports } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { apiBase, clientFor } from '../providers/accounts.ts';
import { type GatewayError, type Provider } from '../providers/provider.ts';
import { createOrderRouted } from '../providers/routing.ts';
import { canSee, canSeeStudent, type BillingScope } from '../shared/scope.ts';
import { failOrder, settleOrder } from './settle.ts';
import { countClosedOf, openDuesOldestFirst } from '../dues/dues.repository.ts';
import { findAccount } from '../providers/providers.repository.ts';
import { createOrder, findOrder, findPaymentOrThrow } from './payments.repository.ts';

/** Orders not paid within this time are expired by reconciliation. */
export const ORDER_TTL_MS = 24 * 3_600_000;
/** Gateways take at least ₹1. */
const MIN_ORDER_PAISE = 100;

export async function createPaymentOrder(s: BillingScope, input: { studentId?: string | null; dueIds?: string[] | null }) {
  const studentId = s.studentId ?? input.studentId;
  if (!studentId) return fail('INVALID_INPUT', 'Say whose dues to pay', 'input', 'studentId');
  const [student] = isUuid(studentId) ? await ports.campus.students(s.db, [studentId]) : [];
  if (!student || !canSeeStudent(s, student)) return fail('NOT_FOUND', 'No such student', 'input', 'studentId');
  const open = await openDuesOldestFirst(s.db, student.id);
  const chosen = input.dueIds?.length ? open.filter((d) => input.dueIds!.includes(d.id)) : open;
  if (input.dueIds?.length && chosen.length !== new Set(input.dueIds).size) {
    // Dues of this student that are paid or void: nothing to pay on them (not "not found").
    const named = input.dueIds.filter(isUuid);
    const closed = await countClosedOf(s.db, student.id, named);
    if (closed && closed + chosen.length === new Set(input.dueIds).size) return fail('NOTHING_TO_PAY', 'Some of those dues are already paid or void: nothing is owed on them', 'input', 'dueIds');
    return fail('NOT_FOUND', 'Some of those dues are not open dues of this student', 'input', 'dueIds');
  }
  const earmarks = chosen.map((d) => ({ dueId: d.id, amountPaise: d.amountPaise + d.adjustmentPaise - d.paidPaise })).filter((e) => e.amountPaise > 0);
  const amountPaise = earmarks.reduce((t, e) => t + e.amountPaise, 0);
  if (amountPaise < MIN_ORDER_PAISE) return fail('NOTHING_TO_PAY', amountPaise ? 'Less than ₹1 is owed: pay it at the desk' : 'Nothing is owed on those dues');
  const reference = randomUUID();
  const { webhookKey } = (await ports.tenants.profile(s.ctx.core, s.tenantId))!;
  const routed = await createOrderRouted(s.ctx.platform, s.db, { reference, amountPaise, webhookKey, customer: { id: student.id, phone: student.phone, name: student.name, email: student.email } });
  if ('unavailable' in routed) {
    return routed.unavailable
      ? { ...fail('PAYMENT_GATEWAY_UNAVAILABLE', `No gateway could take the order: ${routed.unavailable.tried.map((t) => `${t.provider}: ${t.error}`).join('; ')}`), routing: routed.unavailable }
      : fail('NO_GATEWAY', 'No payment gateway is connected; record the payment at the desk or connect Razorpay or Cashfree');
  }
  const libraryId = chosen.find((d) => d.libraryId)?.libraryId ?? student.libraryId;
  const order = await createOrder(
    s.db,
    {
        id: reference,
        studentId: student.id,
        libraryId,
        provider: routed.decision.chosen,
        providerOrderId: routed.order.providerOrderId,
        amountPaise,
        routing: { ...routed.decision },
        checkout: routed.order.checkout,
        createdById: s.ctx.claims!.sub,
        expiresAt: new Date(clock.nowMs() + ORDER_TTL_MS),
    },
    earmarks,
  );
  // If no webhook settles it, the billing sweep asks the gateway once the order is this old.
  await s.ctx.platform.work.due(s.tenantId, 'billing', new Date(order.createdAt.getTime() + s.ctx.platform.config.payments.reconcileAfterMinutes * 60_000));
  return { order, userErrors: [] };
}

/** Where a person can complete a checkout by hand: only the local simulators have such a page. */
export function simulatorCheckoutUrl(s: BillingScope, order: { provider: string; providerOrderId: string }): string | null {
  const provider = order.provider as Provider;
  const configured = provider === 'razorpay' ? s.ctx.platform.config.payments.razorpayUrl : s.ctx.platform.config.payments.cashfreeUrl;
  if (configured) return null;
  return `${apiBase(s.ctx.platform, provider).replace(/\/pg$/, '')}/__sim/checkout/${order.providerOrderId}`;
}

function signatureMatches(secret: string, providerOrderId: string, paymentId: string, signature: string): boolean {
  const expected = createHmac('sha256', secret).update(`${providerOrderId}|${paymentId}`).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function confirmPayment(s: BillingScope, input: { orderId: string; razorpayPaymentId?: string | null; razorpaySignature?: string | null }) {
  const order = isUuid(input.orderId) ? await findOrder(s.db, input.orderId) : null;
  if (!order || !canSee(s, order)) return fail('NOT_FOUND', 'No such payment order', 'input', 'orderId');
  const account = await findAccount(s.db, order.provider);
  if (!account) return fail('NO_GATEWAY', `The ${order.provider} account of this order is no longer connected`);
  const provider = order.provider as Provider;
  if (provider === 'razorpay') {
    if (!input.razorpayPaymentId || !input.razorpaySignature) return fail('INVALID_INPUT', "Razorpay's checkout returns razorpay_payment_id and razorpay_signature: send both", 'input', 'razorpaySignature');
    const secret = s.ctx.platform.config.payments.secrets.open(account.secretEnc);
    if (!signatureMatches(secret, order.providerOrderId, input.razorpayPaymentId, input.razorpaySignature)) return fail('SIGNATURE_INVALID', 'The checkout signature does not match this order', 'input', 'razorpaySignature');
  }
  let payments;
  try {
    payments = await clientFor(s.ctx.platform, account).orderPayments(order.providerOrderId);
  } catch (err) {
    const e = err as GatewayError;
    return fail('PAYMENT_GATEWAY_UNAVAILABLE', `Could not ask ${provider} about the payment (${e.message}); it will be settled when ${provider} reports it`);
  }
  const captured = payments.find((p) => p.status === 'captured' && (provider !== 'razorpay' || p.providerPaymentId === input.razorpayPaymentId));
  if (!captured) {
    if (payments.some((p) => p.status === 'failed')) await failOrder(s.ctx.platform, s.tenantId, s.db, { provider, providerOrderId: order.providerOrderId }, 'the payment failed at checkout');
    return fail('PAYMENT_NOT_CAPTURED', `${provider} has no captured payment for this order (yet)`);
  }
  const settled = await settleOrder(s.ctx.platform, s.tenantId, s.db, { orderId: order.id }, captured);
  if (settled.outcome === 'review') return fail('INVALID_STATE', `The payment does not match the order and waits for review: ${settled.reason}`);
  if (settled.outcome === 'missing') return fail('NOT_FOUND', 'No such payment order');
  return { payment: await findPaymentOrThrow(s.db, settled.paymentId), userErrors: [] };
}
