// What an authentic (signed) webhook body must look like before a handler reads it. A provider that
// signed a body of another shape will not send a better one by retrying, so such a body is
// acknowledged with 200 "ignored: …" and recorded, never a 500 (which providers redeliver, and after
// enough of them disable the webhook).
import { isUuid } from '@studyspot/runtime';
import { rzpBankReference } from '../providers/razorpay.client.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max = 200): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const int = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export interface RzpPayment {
  id: string;
  order_id: string;
  amount: number;
  currency: string;
  status: string;
  method?: string;
  fee?: number | null;
  error_description?: string | null;
  /** The bank's reference: a UPI payment's RRN (the UTR the payer's app shows), a netbanking transaction id. */
  bank_reference?: string | null;
}
export interface RzpRefund {
  id: string;
  payment_id: string;
  status: string;
  /** Our refund id, when the refund was ours (carried in its notes). */
  ours: string | null;
}
export interface RzpEvent {
  event: string;
  payment?: RzpPayment;
  refund?: RzpRefund;
  /** An order entity's id (order.paid carries the order). */
  orderId?: string;
}

/** A Razorpay webhook body as the handlers read it, or why it is not one. */
export function readRazorpayEvent(body: unknown): RzpEvent | { ignored: string } {
  if (!isObj(body) || !str(body.event, 100)) return { ignored: 'ignored: not a Razorpay event' };
  const payload = body.payload === undefined ? {} : body.payload;
  if (!isObj(payload)) return { ignored: 'ignored: payload is not an object' };
  const out: RzpEvent = { event: body.event };
  const entity = (k: string) => (isObj(payload[k]) ? (payload[k] as Obj).entity : undefined);
  const p = entity('payment');
  if (p !== undefined) {
    if (!isObj(p) || !str(p.id) || !str(p.order_id) || !int(p.amount) || !str(p.currency, 10) || !str(p.status, 40)) return { ignored: 'ignored: unreadable payment entity' };
    out.payment = {
      id: p.id,
      order_id: p.order_id,
      amount: p.amount,
      currency: p.currency,
      status: p.status,
      method: str(p.method, 40) ? p.method : undefined,
      fee: int(p.fee) ? p.fee : null,
      error_description: str(p.error_description, 500) ? p.error_description : null,
      bank_reference: rzpBankReference(p.acquirer_data),
    };
  }
  const r = entity('refund');
  if (r !== undefined) {
    if (!isObj(r) || !str(r.id) || !str(r.payment_id) || !str(r.status, 40)) return { ignored: 'ignored: unreadable refund entity' };
    const notes = isObj(r.notes) ? r.notes.studyspot_refund : undefined;
    out.refund = { id: r.id, payment_id: r.payment_id, status: r.status, ours: typeof notes === 'string' && isUuid(notes) ? notes : null };
  }
  const o = entity('order');
  if (o !== undefined && isObj(o) && str(o.id)) out.orderId = o.id;
  return out;
}

export interface CfEvent {
  type: string;
  order?: { order_id: string };
  payment?: { cf_payment_id: string; payment_status: string; payment_amount: number | string; payment_currency: string; payment_group?: string; payment_message?: string; bank_reference?: string };
  refund?: { refund_id: string; cf_refund_id?: string; refund_status: string; status_description?: string };
}

/** A Cashfree webhook body as the handlers read it, or why it is not one. */
export function readCashfreeEvent(body: unknown): CfEvent | { ignored: string } {
  if (!isObj(body) || !str(body.type, 100)) return { ignored: 'ignored: not a Cashfree event' };
  const data = body.data === undefined ? {} : body.data;
  if (!isObj(data)) return { ignored: 'ignored: data is not an object' };
  const out: CfEvent = { type: body.type };
  const { order, payment, refund } = data;
  if (order !== undefined) {
    if (!isObj(order) || !str(order.order_id)) return { ignored: 'ignored: unreadable order' };
    out.order = { order_id: order.order_id };
  }
  const id = (v: unknown) => (str(v, 100) ? v : int(v) ? String(v) : null);
  if (payment !== undefined) {
    const pid = isObj(payment) ? id(payment.cf_payment_id) : null;
    if (!isObj(payment) || !pid || !str(payment.payment_status, 40) || !(typeof payment.payment_amount === 'number' || typeof payment.payment_amount === 'string') || !str(payment.payment_currency, 10)) return { ignored: 'ignored: unreadable payment' };
    out.payment = {
      cf_payment_id: pid,
      payment_status: payment.payment_status,
      payment_amount: payment.payment_amount,
      payment_currency: payment.payment_currency,
      payment_group: str(payment.payment_group, 40) ? payment.payment_group : undefined,
      payment_message: str(payment.payment_message, 500) ? payment.payment_message : undefined,
      bank_reference: str(payment.bank_reference, 64) ? payment.bank_reference : undefined,
    };
  }
  if (refund !== undefined) {
    if (!isObj(refund) || !str(refund.refund_id) || !str(refund.refund_status, 40)) return { ignored: 'ignored: unreadable refund' };
    out.refund = { refund_id: refund.refund_id, cf_refund_id: id(refund.cf_refund_id) ?? undefined, refund_status: refund.refund_status, status_description: str(refund.status_description, 500) ? refund.status_description : undefined };
  }
  return out;
}
