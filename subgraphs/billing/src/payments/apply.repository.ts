// The SQL of applying money to dues (apply.ts holds the rules), always inside the caller's transaction.
import type { Tx } from '../shared/transactions.repository.ts';

export interface OpenDue {
  id: string;
  balance: number;
}

/** The student's open dues with what each still owes, oldest first, locked until the transaction ends. */
export function lockOpenDues(tx: Tx, studentId: string): Promise<OpenDue[]> {
  return tx.$queryRaw<OpenDue[]>`
    SELECT id, (amount_paise + adjustment_paise - paid_paise)::int AS balance
    FROM dues WHERE student_id = ${studentId}::uuid AND status = 'OPEN'
    ORDER BY due_date, created_at, id
    FOR UPDATE`;
}

/** Puts money of a payment on a due: the allocation row, and the due paid (PAID once nothing is owed). */
export async function putOnDue(tx: Tx, paymentId: string, dueId: string, amountPaise: number): Promise<void> {
  await tx.paymentAllocation.create({ data: { paymentId, dueId, amountPaise } });
  await tx.$executeRaw`
    UPDATE dues SET paid_paise = paid_paise + ${amountPaise},
      status = CASE WHEN paid_paise + ${amountPaise} >= amount_paise + adjustment_paise THEN 'PAID'::"DueStatus" ELSE 'OPEN'::"DueStatus" END,
      updated_at = now()
    WHERE id = ${dueId}::uuid`;
}

export async function addCreditEntry(tx: Tx, e: { studentId: string; paymentId: string; dueId?: string | null; amountPaise: number; reason: string }): Promise<void> {
  await tx.creditEntry.create({ data: e });
}

/** The student's unused credit per payment, oldest payment first. */
export const creditsByPayment = (tx: Tx, studentId: string) =>
  tx.$queryRaw<{ payment_id: string; amount: number }[]>`
    SELECT c.payment_id, SUM(c.amount_paise)::int AS amount
    FROM credit_entries c JOIN payments p ON p.id = c.payment_id
    WHERE c.student_id = ${studentId}::uuid
    GROUP BY c.payment_id, p.captured_at, p.created_at
    HAVING SUM(c.amount_paise) > 0
    ORDER BY p.captured_at NULLS LAST, p.created_at`;

export const creditOfStudent = async (tx: Tx, studentId: string) => (await tx.creditEntry.aggregate({ where: { studentId }, _sum: { amountPaise: true } }))._sum.amountPaise ?? 0;
export const creditOfPayment = async (tx: Tx, paymentId: string) => (await tx.creditEntry.aggregate({ where: { paymentId }, _sum: { amountPaise: true } }))._sum.amountPaise ?? 0;

/** What a payment still has on each due, newest due first. */
export const paidByDueNewestFirst = (tx: Tx, paymentId: string) =>
  tx.$queryRaw<{ due_id: string; amount: number }[]>`
    SELECT a.due_id, SUM(a.amount_paise)::int AS amount
    FROM payment_allocations a JOIN dues d ON d.id = a.due_id
    WHERE a.payment_id = ${paymentId}::uuid
    GROUP BY a.due_id, d.due_date
    HAVING SUM(a.amount_paise) > 0
    ORDER BY d.due_date DESC`;

/** Takes money of a payment back off a due, re-opening it (a VOID due stays VOID). */
export async function takeOffDue(tx: Tx, paymentId: string, dueId: string, amountPaise: number): Promise<void> {
  await tx.paymentAllocation.create({ data: { paymentId, dueId, amountPaise: -amountPaise } });
  await tx.$executeRaw`UPDATE dues SET paid_paise = paid_paise - ${amountPaise}, status = 'OPEN'::"DueStatus", updated_at = now() WHERE id = ${dueId}::uuid AND status <> 'VOID'`;
}

/** Takes money of a payment back off a due and waives the same amount, so the due stays settled. */
export async function takeOffDueKeepingItSettled(tx: Tx, paymentId: string, dueId: string, amountPaise: number, reason: string, actorId: string | null): Promise<void> {
  await tx.paymentAllocation.create({ data: { paymentId, dueId, amountPaise: -amountPaise } });
  await tx.dueAdjustment.create({ data: { dueId, kind: 'WAIVER', amountPaise: -amountPaise, reason, actorId } });
  await tx.$executeRaw`UPDATE dues SET paid_paise = paid_paise - ${amountPaise}, adjustment_paise = adjustment_paise - ${amountPaise}, updated_at = now() WHERE id = ${dueId}::uuid`;
}
