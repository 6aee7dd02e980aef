// Settling an online order once its money is captured: the one path shared by the checkout's
// confirmPayment, both providers' webhooks and the reconciliation job, so whichever comes first
// settles and the others find it done. The order row is locked for the whole transaction; a payment
// is written only for captured money of exactly the order's amount and currency (anything else puts
// the order in REVIEW for the owner); its money goes on the order's dues and it gets its receipt
// number in the same transaction.
import type { TenantPrisma } from '@studyspot/db';
import { clock, ports, topics, type Platform } from '@studyspot/runtime';
import { gatewayFee } from '../providers/money.ts';
import type { Provider, ProviderPayment } from '../providers/provider.ts';
import { assignReceipt } from '../receipts/numbers.repository.ts';
import { allocatePayment } from './apply.ts';
import { findAccount } from '../providers/providers.repository.ts';
import { inTransaction } from '../shared/transactions.repository.ts';
import * as repo from './payments.repository.ts';

type Method = 'CARD' | 'UPI' | 'NETBANKING' | 'WALLET' | 'ONLINE';

export function methodOf(providerMethod: string | null): Method {
  const m = (providerMethod ?? '').toLowerCase();
  if (m.includes('upi')) return 'UPI';
  if (m.includes('card')) return 'CARD';
  if (m.includes('net')) return 'NETBANKING';
  if (m.includes('wallet')) return 'WALLET';
  return 'ONLINE';
}

/** The seller's GST registration and the place of supply (the library's state). */
export async function gstContext(platform: Platform, db: TenantPrisma, tenantId: string, libraryId: string | null) {
  const [tenant, [library]] = await Promise.all([ports.tenants.profile(platform.core, tenantId), libraryId ? ports.campus.libraries(db, [libraryId]) : []]);
  return { seller: { gstin: tenant?.gstin ?? null, state: tenant?.state ?? null }, placeOfSupply: library?.state ?? null };
}

export type Settled =
  | { outcome: 'settled' | 'already'; paymentId: string }
  | { outcome: 'review'; reason: string }
  | { outcome: 'missing' };

export async function settleOrder(platform: Platform, tenantId: string, db: TenantPrisma, where: { orderId: string } | { provider: Provider; providerOrderId: string }, captured: ProviderPayment): Promise<Settled> {
  const order = 'orderId' in where ? await repo.findOrder(db, where.orderId) : await repo.orderByProvider(db, where.provider, where.providerOrderId);
  if (!order) return { outcome: 'missing' };
  const gst = await gstContext(platform, db, tenantId, order.libraryId);
  const account = await findAccount(db, order.provider);
  const result = await inTransaction(db, async (tx): Promise<Settled> => {
    if ((await repo.lockOrderStatus(tx, order.id)) === 'PAID') return { outcome: 'already', paymentId: await repo.paymentIdOfOrder(tx, order.id) };
    if (captured.amountPaise !== order.amountPaise || captured.currency !== order.currency) {
      const reason = `captured ${captured.amountPaise} ${captured.currency} for an order of ${order.amountPaise} ${order.currency} (payment ${captured.providerPaymentId})`;
      await repo.setOrderStatus(tx, order.id, 'REVIEW', reason);
      return { outcome: 'review', reason };
    }
    const capturedAt = clock.now();
    const feePaise = captured.feePaise ?? (account ? gatewayFee(order.amountPaise, { percentBp: account.feePercentBp, fixedPaise: account.feeFixedPaise }) : 0);
    const payment = await repo.createPayment(tx, {
        studentId: order.studentId,
        amountPaise: order.amountPaise,
        status: 'CAPTURED',
        provider: order.provider,
        channel: 'ONLINE',
        method: methodOf(captured.method),
        libraryId: order.libraryId,
        orderId: order.id,
        providerPaymentId: captured.providerPaymentId,
        reference: captured.bankReference,
        feePaise,
        capturedAt,
    });
    const earmarks = await repo.earmarksOf(tx, order.id);
    await allocatePayment(tx, { paymentId: payment.id, studentId: order.studentId, amountPaise: payment.amountPaise, earmarks });
    await assignReceipt(tx, { id: payment.id, amountPaise: payment.amountPaise, libraryId: payment.libraryId, capturedAt }, gst);
    await repo.setOrderStatus(tx, order.id, 'PAID');
    return { outcome: 'settled', paymentId: payment.id };
  });
  if (result.outcome === 'settled') {
    // A receipt may be an automatic SMS; a first payment may earn a referral reward.
    await Promise.all([platform.work.due(tenantId, 'messages'), platform.work.due(tenantId, 'engagement')]);
    await platform.events.publish(topics.tenant(tenantId), { type: 'PAYMENT_CAPTURED', paymentId: result.paymentId, orderId: order.id, studentId: order.studentId, libraryId: order.libraryId, amountPaise: order.amountPaise, provider: order.provider });
  }
  if (result.outcome === 'review') {
    platform.logger.warn({ tenantId, orderId: order.id, reason: result.reason }, 'payment order needs review');
    await platform.events.publish(topics.tenant(tenantId), { type: 'PAYMENT_REVIEW', orderId: order.id, studentId: order.studentId, libraryId: order.libraryId, reason: result.reason });
  }
  return result;
}

/** A failed attempt: an order still waiting becomes FAILED (a later capture can still settle it). */
export async function failOrder(platform: Platform, tenantId: string, db: TenantPrisma, where: { provider: Provider; providerOrderId: string }, reason: string): Promise<boolean> {
  const done = await repo.failWaitingOrder(db, where.provider, where.providerOrderId, reason.slice(0, 300));
  if (done) {
    const order = await repo.orderByProviderOrThrow(db, where.provider, where.providerOrderId);
    await platform.events.publish(topics.tenant(tenantId), { type: 'PAYMENT_FAILED', orderId: order.id, studentId: order.studentId, libraryId: order.libraryId, reason });
  }
  return done;
}
