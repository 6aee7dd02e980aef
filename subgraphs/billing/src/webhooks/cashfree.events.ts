// What a Cashfree webhook means for billing (amounts converted from rupees exactly). Idempotent and
// forward-only, like the Razorpay handlers.
import type { TenantPrisma } from '@studyspot/db';
import { isUuid, type Platform } from '@studyspot/runtime';
import { rupeesToPaise } from '../providers/money.ts';
import { applyRefundOutcome } from '../refunds/refunds.service.ts';
import { failOrder, settleOrder } from '../payments/settle.ts';
import { readCashfreeEvent } from './shapes.ts';
import { refundExists } from '../refunds/refunds.repository.ts';

export async function handleCashfree(platform: Platform, tenantId: string, db: TenantPrisma, body: unknown): Promise<string> {
  const e = readCashfreeEvent(body);
  if ('ignored' in e) return e.ignored;
  const order = e.order;
  const p = e.payment;
  switch (e.type) {
    case 'PAYMENT_SUCCESS_WEBHOOK': {
      if (!order || !p || p.payment_status !== 'SUCCESS') return 'ignored: not a success';
      let amountPaise: number;
      try {
        amountPaise = rupeesToPaise(p.payment_amount);
      } catch {
        // Acknowledged (a retry would not read better); reconciliation asks the API about the order.
        return `ignored: unreadable amount ${JSON.stringify(p.payment_amount).slice(0, 40)}`;
      }
      const r = await settleOrder(platform, tenantId, db, { provider: 'cashfree', providerOrderId: order.order_id }, { providerPaymentId: String(p.cf_payment_id), status: 'captured', amountPaise, currency: p.payment_currency, method: p.payment_group ?? null, feePaise: null, bankReference: p.bank_reference ?? null });
      return r.outcome === 'review' ? `review: ${r.reason}` : r.outcome;
    }
    case 'PAYMENT_FAILED_WEBHOOK':
    case 'PAYMENT_USER_DROPPED_WEBHOOK':
      if (!order) return 'ignored: no order';
      return (await failOrder(platform, tenantId, db, { provider: 'cashfree', providerOrderId: order.order_id }, p?.payment_message ?? e.type)) ? 'order failed' : 'no change';
    case 'REFUND_STATUS_WEBHOOK': {
      const r = e.refund;
      if (!r || !(isUuid(r.refund_id) && (await refundExists(db, r.refund_id)))) return 'ignored: not a StudySpot refund';
      const outcome = r.refund_status === 'SUCCESS' ? 'processed' : r.refund_status === 'CANCELLED' ? 'failed' : 'pending';
      return (await applyRefundOutcome(platform, tenantId, db, r.refund_id, outcome, r.refund_id, r.status_description)) ? `refund ${outcome}` : 'no change';
    }
    default:
      return `ignored: ${e.type}`;
  }
}
