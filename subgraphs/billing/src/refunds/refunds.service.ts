// Refunds, full or partial, never more than captured minus refunded and pending. The caller's
// idempotency key makes a retried request return the same refund. The refund row is written (PENDING,
// with the payment locked) before the gateway is asked, so a webhook that arrives first finds it; its
// outcome — from the gateway's answer or a webhook, whichever comes first — is applied once: the
// payment's refunded amount grows and the money comes off the dues it paid (re-opening them, or
// keeping them settled with a waiver, as the owner chose). Offline payments are refunded in cash at
// once.
import type { TenantPrisma } from '@studyspot/db';
import { clock, constraintViolation, isUuid, retryBusy, topics, type Platform } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { clientFor } from '../providers/accounts.ts';
import type { GatewayError, ProviderRefundStatus } from '../providers/provider.ts';
import { unwindPayment } from '../payments/apply.ts';
import { canSee, type BillingScope } from '../shared/scope.ts';
import { findAccount } from '../providers/providers.repository.ts';
import { findOrder, paymentsByIds } from '../payments/payments.repository.ts';
import { inTransaction } from '../shared/transactions.repository.ts';
import * as repo from './refunds.repository.ts';

export interface RefundInput {
  paymentId: string;
  /** Default: everything still refundable. */
  amountPaise?: number | null;
  idempotencyKey: string;
  reopenDues?: boolean | null;
  reason?: string | null;
}

export async function refundPayment(s: BillingScope, input: RefundInput) {
  const key = input.idempotencyKey.trim();
  if (key.length < 8) return fail('INVALID_INPUT', 'idempotencyKey: at least 8 characters, the same for a retry of the same refund', 'input', 'idempotencyKey');
  const again = await repo.refundByKey(s.db, key);
  if (again) return again.paymentId === input.paymentId ? { refund: again, userErrors: [] } : fail('INVALID_INPUT', 'This idempotencyKey was used for another payment', 'input', 'idempotencyKey');
  const [payment] = isUuid(input.paymentId) ? await paymentsByIds(s.db, [input.paymentId]) : [];
  if (!payment || !canSee(s, payment)) return fail('NOT_FOUND', 'No such payment', 'input', 'paymentId');
  const created = await createRefundRow(s, payment.id, key, input).catch(async (err: unknown) => {
    // The same key raced us: the refund that won is the answer.
    if (constraintViolation(err)?.kind !== 'unique') throw err;
    const winner = await repo.refundByKey(s.db, key);
    if (!winner) throw err;
    return winner.paymentId === payment.id ? { refund: winner, userErrors: [], replay: true } : fail('INVALID_INPUT', 'This idempotencyKey was used for another payment', 'input', 'idempotencyKey');
  });
  if (!('refund' in created)) return created;
  if ('replay' in created) return { refund: created.refund, userErrors: [] };
  const refund = created.refund;
  await s.ctx.audit({ action: 'payment.refund', targetType: 'Refund', targetId: refund.id, tenantId: s.tenantId, details: { paymentId: payment.id, amountPaise: refund.amountPaise, reopenDues: refund.reopenDues } });
  await sendRefund(s, payment, refund);
  return { refund: await repo.findRefundOrThrow(s.db, refund.id), userErrors: [] };
}

/**
 * Writes the refund (PENDING) with the payment locked, if that much is still refundable. Refunds of
 * one payment queue on its lock; one that could not get a connection or its turn in time is tried
 * again (nothing but this transaction is in it).
 */
function createRefundRow(s: BillingScope, paymentId: string, key: string, input: RefundInput) {
  return retryBusy(() => inTransaction(s.db, async (tx) => {
    const p = await repo.lockRefundable(tx, paymentId);
    if (p.status !== 'CAPTURED') return fail('INVALID_STATE', `The payment is ${p.status}`);
    const refundable = p.amount - p.refunded - p.pending;
    if (refundable <= 0) return fail('INVALID_STATE', `Nothing is left to refund (captured ${p.amount}, refunded ${p.refunded}, pending ${p.pending})`);
    const amount = input.amountPaise ?? refundable;
    if (!Number.isInteger(amount) || amount < 1) return fail('INVALID_INPUT', 'amountPaise: at least 1', 'input', 'amountPaise');
    if (amount > refundable) return fail('AMOUNT_TOO_LARGE', `At most ${refundable} paise can be refunded (captured ${p.amount}, refunded ${p.refunded}, pending ${p.pending})`, 'input', 'amountPaise');
    return {
      refund: await repo.createRefund(tx, { paymentId, amountPaise: amount, idempotencyKey: key, reopenDues: input.reopenDues ?? false, reason: input.reason?.trim() || null, createdById: s.ctx.claims!.sub }),
      userErrors: [],
    };
  }));
}

type PaymentRow = Awaited<ReturnType<typeof paymentsByIds>>[number];
type RefundRow = Awaited<ReturnType<typeof repo.findRefundOrThrow>>;

/** Offline money goes back in cash at once; online money is refunded at its gateway. */
async function sendRefund(s: BillingScope, payment: PaymentRow, refund: RefundRow): Promise<void> {
  if (payment.channel === 'OFFLINE') {
    await applyRefundOutcome(s.ctx.platform, s.tenantId, s.db, refund.id, 'processed', null);
  } else {
    const account = await findAccount(s.db, payment.provider);
    const order = payment.orderId ? await findOrder(s.db, payment.orderId) : null;
    if (!account || !order || !payment.providerPaymentId) {
      await applyRefundOutcome(s.ctx.platform, s.tenantId, s.db, refund.id, 'failed', null, `the ${payment.provider} account is not connected`);
    } else {
      try {
        const r = await clientFor(s.ctx.platform, account).refund({ providerOrderId: order.providerOrderId, providerPaymentId: payment.providerPaymentId, amountPaise: refund.amountPaise, reference: refund.id });
        await applyRefundOutcome(s.ctx.platform, s.tenantId, s.db, refund.id, r.status, r.providerRefundId);
      } catch (err) {
        const e = err as GatewayError;
        // No answer: the refund may or may not exist at the gateway; it stays PENDING for its webhook.
        if (e.kind === 'unavailable') s.ctx.logger.warn({ refundId: refund.id, err: e.message }, 'refund request got no answer; waiting for the webhook');
        else await applyRefundOutcome(s.ctx.platform, s.tenantId, s.db, refund.id, 'failed', null, e.message);
      }
    }
  }
}

/**
 * Moves a refund forward (PENDING → PROCESSED or FAILED), once: a second report of the same outcome,
 * or a late "failed" after "processed", changes nothing. Returns whether this call moved it.
 */
export async function applyRefundOutcome(platform: Platform, tenantId: string, db: TenantPrisma, refundId: string, outcome: ProviderRefundStatus, providerRefundId: string | null, failure?: string): Promise<boolean> {
  if (!isUuid(refundId)) return false;
  const moved = await inTransaction(db, async (tx) => {
    if (!(await repo.lockPaymentOfRefund(tx, refundId))) return null;
    const status = await repo.lockRefundStatus(tx, refundId);
    if (!status) return null;
    if (providerRefundId) await repo.updateRefund(tx, refundId, { providerRefundId });
    if (status !== 'PENDING' || outcome === 'pending') return null;
    const refund = await repo.updateRefund(
      tx,
      refundId,
      outcome === 'processed' ? { status: 'PROCESSED', processedAt: clock.now() } : { status: 'FAILED', failureReason: (failure ?? 'the gateway failed the refund').slice(0, 300) },
    );
    if (outcome !== 'processed') return refund;
    const payment = await repo.addRefunded(tx, refund.paymentId, refund.amountPaise);
    await unwindPayment(tx, { paymentId: payment.id, studentId: payment.studentId, amountPaise: refund.amountPaise, reopenDues: refund.reopenDues, actorId: refund.createdById, refundId });
    return refund;
  });
  if (moved) {
    // A refunded first payment takes its referral reward back.
    if (moved.status === 'PROCESSED') await platform.work.due(tenantId, 'engagement');
    await platform.events.publish(topics.tenant(tenantId), { type: moved.status === 'PROCESSED' ? 'REFUND_PROCESSED' : 'REFUND_FAILED', refundId, paymentId: moved.paymentId, amountPaise: moved.amountPaise });
  }
  return moved !== null;
}
