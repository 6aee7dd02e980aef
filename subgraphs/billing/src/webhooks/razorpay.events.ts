// What a Razorpay webhook means for billing. Each handler is idempotent and only moves states
// forward, so deliveries may come twice, late or out of order.
import type { TenantPrisma } from '@studyspot/db';
import type { Platform } from '@studyspot/runtime';
import { markDown, recordSuccess } from '../providers/accounts.ts';
import { applyRefundOutcome } from '../refunds/refunds.service.ts';
import { failOrder, settleOrder } from '../payments/settle.ts';
import { readRazorpayEvent, type RzpRefund } from './shapes.ts';
import { refundIdByProviderId } from '../refunds/refunds.repository.ts';

/** Our refund id: carried in the refund's notes (so a webhook faster than our own call still finds it), else looked up. */
async function refundIdOf(db: TenantPrisma, r: RzpRefund): Promise<string | null> {
  if (r.ours) return r.ours;
  return refundIdByProviderId(db, r.id);
}

export async function handleRazorpay(platform: Platform, tenantId: string, db: TenantPrisma, body: unknown): Promise<string> {
  const e = readRazorpayEvent(body);
  if ('ignored' in e) return e.ignored;
  const p = e.payment;
  switch (e.event) {
    case 'payment.captured':
    case 'order.paid': {
      if (!p || p.status !== 'captured') return 'ignored: not captured';
      const r = await settleOrder(platform, tenantId, db, { provider: 'razorpay', providerOrderId: p.order_id }, { providerPaymentId: p.id, status: 'captured', amountPaise: p.amount, currency: p.currency, method: p.method ?? null, feePaise: typeof p.fee === 'number' ? p.fee : null, bankReference: p.bank_reference ?? null });
      return r.outcome === 'review' ? `review: ${r.reason}` : r.outcome;
    }
    case 'payment.failed':
      if (!p) return 'ignored: no payment';
      return (await failOrder(platform, tenantId, db, { provider: 'razorpay', providerOrderId: p.order_id }, p.error_description ?? 'payment failed')) ? 'order failed' : 'no change';
    case 'refund.created':
    case 'refund.processed':
    case 'refund.failed': {
      const r = e.refund;
      const id = r && (await refundIdOf(db, r));
      if (!r || !id) return 'ignored: not a StudySpot refund';
      const outcome = e.event === 'refund.processed' ? 'processed' : e.event === 'refund.failed' ? 'failed' : 'pending';
      return (await applyRefundOutcome(platform, tenantId, db, id, outcome, r.id)) ? `refund ${outcome}` : 'no change';
    }
    case 'payment.downtime.started':
      await markDown(db, 'razorpay', 'Razorpay reported a payment downtime');
      return 'marked down';
    case 'payment.downtime.resolved':
      await recordSuccess(db, 'razorpay');
      return 'marked up';
    default:
      return `ignored: ${e.event}`;
  }
}
