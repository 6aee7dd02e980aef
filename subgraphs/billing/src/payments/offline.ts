// Offline payments recorded by the front desk: cash, UPI to the library's QR, bank transfer. The money
// goes on the dues named (in that order), then on the oldest open dues; what is left is kept as the
// student's credit and used by the next due. Receipt number in the same transaction.
import { clock, constraintViolation, isUuid, ports, topics } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { assignReceipt } from '../receipts/numbers.repository.ts';
import { canSeeStudent, type BillingScope } from '../shared/scope.ts';
import { allocatePayment } from './apply.ts';
import { gstContext } from './settle.ts';
import { openDuesOfStudent } from '../dues/dues.repository.ts';
import { inTransaction } from '../shared/transactions.repository.ts';
import { createPayment, paymentByKey } from './payments.repository.ts';

export interface RecordPaymentInput {
  studentId: string;
  amountPaise: number;
  method: 'CASH' | 'UPI_QR' | 'BANK_TRANSFER';
  reference?: string | null;
  note?: string | null;
  dueIds?: string[] | null;
  /** The desk's key: the same key again (a double click, a retry) returns the first payment. */
  idempotencyKey?: string | null;
}

export const MAX_PAYMENT_PAISE = 100_000_000; // ₹10 lakh in one payment

/** A payment recorded before under this key: the same payment again, or a refusal if the key named another. */
type Recorded = { payment: NonNullable<Awaited<ReturnType<typeof paymentByKey>>>; userErrors: never[] };

async function replayed(s: BillingScope, key: string, input: RecordPaymentInput): Promise<Recorded | ReturnType<typeof fail> | null> {
  const prior = await paymentByKey(s.db, key);
  if (!prior) return null;
  if (prior.studentId !== input.studentId || prior.amountPaise !== input.amountPaise || prior.method !== input.method) return fail('INVALID_INPUT', 'This idempotencyKey was used for another payment', 'input', 'idempotencyKey');
  return { payment: prior, userErrors: [] };
}

export async function recordPayment(s: BillingScope, input: RecordPaymentInput): Promise<Recorded | ReturnType<typeof fail>> {
  const key = input.idempotencyKey?.trim() || null;
  if (key !== null && key.length < 8) return fail('INVALID_INPUT', 'idempotencyKey: at least 8 characters, the same for a retry of the same payment', 'input', 'idempotencyKey');
  if (!Number.isInteger(input.amountPaise) || input.amountPaise < 1 || input.amountPaise > MAX_PAYMENT_PAISE) return fail('INVALID_INPUT', 'amountPaise is 1 to 100,000,000', 'input', 'amountPaise');
  if (!['CASH', 'UPI_QR', 'BANK_TRANSFER'].includes(input.method)) return fail('INVALID_INPUT', 'Offline payments are CASH, UPI_QR or BANK_TRANSFER', 'input', 'method');
  if (input.method !== 'CASH' && !input.reference?.trim()) return fail('INVALID_INPUT', 'A UPI or bank transfer needs its reference (UTR)', 'input', 'reference');
  const [student] = isUuid(input.studentId) ? await ports.campus.students(s.db, [input.studentId]) : [];
  if (!student || !canSeeStudent(s, student)) return fail('NOT_FOUND', 'No such student', 'input', 'studentId');
  if (key) {
    const again = await replayed(s, key, input);
    if (again) return again;
  }
  const named = input.dueIds ?? [];
  const dues = named.length ? await openDuesOfStudent(s.db, student.id, named.filter(isUuid)) : [];
  if (dues.length !== new Set(named).size) return fail('NOT_FOUND', 'Some of those dues are not open dues of this student', 'input', 'dueIds');
  const libraryId = dues[0]?.libraryId ?? student.libraryId;
  const gst = await gstContext(s.ctx.platform, s.db, s.tenantId, libraryId);
  const capturedAt = clock.now();
  const record = () =>
    inTransaction(s.db, async (tx) => {
      const payment = await createPayment(tx, {
          studentId: student.id,
          amountPaise: input.amountPaise,
          status: 'CAPTURED',
          provider: 'offline',
          channel: 'OFFLINE',
          method: input.method,
          libraryId,
          reference: input.reference?.trim() || null,
          note: input.note?.trim() || null,
          receivedById: s.ctx.claims!.sub,
          capturedAt,
          idempotencyKey: key,
      });
      const byId = new Map(dues.map((d) => [d.id, d]));
      const earmarks = named.map((id) => byId.get(id)!).map((d) => ({ dueId: d.id, amountPaise: d.amountPaise + d.adjustmentPaise - d.paidPaise }));
      await allocatePayment(tx, { paymentId: payment.id, studentId: student.id, amountPaise: input.amountPaise, earmarks });
      const receipt = await assignReceipt(tx, { id: payment.id, amountPaise: payment.amountPaise, libraryId, capturedAt }, gst);
      return { payment, receipt };
    });
  let recorded: Awaited<ReturnType<typeof record>>;
  try {
    recorded = await record();
  } catch (err) {
    // The same key at the same moment (a double click): one transaction wins, this one returns its payment.
    if (key && constraintViolation(err)?.kind === 'unique') {
      const again = await replayed(s, key, input);
      if (again) return again;
    }
    throw err;
  }
  const { payment, receipt } = recorded;
  await s.ctx.audit({ action: 'payment.record', targetType: 'Payment', targetId: payment.id, tenantId: s.tenantId, details: { amountPaise: payment.amountPaise, method: input.method, receipt: receipt.number } });
  // A receipt may be an automatic SMS; a first payment may earn a referral reward.
  await Promise.all([s.ctx.platform.work.due(s.tenantId, 'messages'), s.ctx.platform.work.due(s.tenantId, 'engagement')]);
  await s.ctx.events.publish(topics.tenant(s.tenantId), { type: 'PAYMENT_CAPTURED', paymentId: payment.id, studentId: student.id, libraryId, amountPaise: payment.amountPaise, provider: 'offline' });
  return { payment, userErrors: [] };
}
