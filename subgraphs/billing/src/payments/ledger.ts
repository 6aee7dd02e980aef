// The one place money is put on dues. Reads like accounting:
// - a payment's money goes first to the dues it was meant for, then to the student's oldest open
//   dues; what is left becomes the student's credit (an advance), recorded against that payment;
// - credit is used by the next dues, oldest credit first;
// - every captured payment balances: amount - refunded = Σ its allocations + Σ its credit entries.
// Callers hold a transaction; the student's open dues are locked (FOR UPDATE) so two payments of one
// student are applied one after the other.
import type { Tx } from '../shared/transactions.repository.ts';

export type { Tx };

interface OpenDue {
  id: string;
  balance: number;
}

async function lockOpenDues(tx: Tx, studentId: string): Promise<OpenDue[]> {
  return tx.$queryRaw<OpenDue[]>`
    SELECT id, (amount_paise + adjustment_paise - paid_paise)::int AS balance
    FROM dues WHERE student_id = ${studentId}::uuid AND status = 'OPEN'
    ORDER BY due_date, created_at, id
    FOR UPDATE`;
}

async function put(tx: Tx, paymentId: string, dueId: string, amountPaise: number): Promise<void> {
  await tx.paymentAllocation.create({ data: { paymentId, dueId, amountPaise } });
  await tx.$executeRaw`
    UPDATE dues SET paid_paise = paid_paise + ${amountPaise},
      status = CASE WHEN paid_paise + ${amountPaise} >= amount_paise + adjustment_paise THEN 'PAID'::"DueStatus" ELSE 'OPEN'::"DueStatus" END,
      updated_at = now()
    WHERE id = ${dueId}::uuid`;
}

/**
 * Puts `amountPaise` of a payment on the student's dues: the earmarked ones first (up to their
 * earmark), then the oldest; the rest becomes credit. Returns the dues paid and the credit left.
 */
export async function allocatePayment(
  tx: Tx,
  p: { paymentId: string; studentId: string; amountPaise: number; earmarks?: { dueId: string; amountPaise: number }[] },
): Promise<{ allocations: { dueId: string; amountPaise: number }[]; creditPaise: number }> {
  const open = await lockOpenDues(tx, p.studentId);
  const byId = new Map(open.map((d) => [d.id, d]));
  let left = p.amountPaise;
  const allocations: { dueId: string; amountPaise: number }[] = [];
  const take = async (due: OpenDue, cap: number) => {
    const amount = Math.min(cap, due.balance, left);
    if (amount <= 0) return;
    await put(tx, p.paymentId, due.id, amount);
    due.balance -= amount;
    left -= amount;
    allocations.push({ dueId: due.id, amountPaise: amount });
  };
  for (const e of p.earmarks ?? []) {
    const due = byId.get(e.dueId);
    if (due) await take(due, e.amountPaise);
  }
  for (const due of open) await take(due, Number.MAX_SAFE_INTEGER);
  if (left > 0) await tx.creditEntry.create({ data: { studentId: p.studentId, paymentId: p.paymentId, amountPaise: left, reason: 'advance' } });
  return { allocations, creditPaise: left };
}

/** Uses the student's credit on their open dues, oldest credit and oldest due first. Returns what was used. */
export async function applyCredit(tx: Tx, studentId: string): Promise<number> {
  const credits = await tx.$queryRaw<{ payment_id: string; amount: number }[]>`
    SELECT c.payment_id, SUM(c.amount_paise)::int AS amount
    FROM credit_entries c JOIN payments p ON p.id = c.payment_id
    WHERE c.student_id = ${studentId}::uuid
    GROUP BY c.payment_id, p.captured_at, p.created_at
    HAVING SUM(c.amount_paise) > 0
    ORDER BY p.captured_at NULLS LAST, p.created_at`;
  if (!credits.length) return 0;
  const open = await lockOpenDues(tx, studentId);
  let used = 0;
  for (const credit of credits) {
    let left = credit.amount;
    for (const due of open) {
      const amount = Math.min(left, due.balance);
      if (amount <= 0) continue;
      await put(tx, credit.payment_id, due.id, amount);
      await tx.creditEntry.create({ data: { studentId, paymentId: credit.payment_id, dueId: due.id, amountPaise: -amount, reason: 'applied to due' } });
      due.balance -= amount;
      left -= amount;
      used += amount;
    }
  }
  return used;
}

/** The student's credit: money paid that no due has used yet. */
export async function creditOf(tx: Tx, studentId: string): Promise<number> {
  const r = await tx.creditEntry.aggregate({ where: { studentId }, _sum: { amountPaise: true } });
  return r._sum.amountPaise ?? 0;
}

/**
 * Takes `amountPaise` of a payment back out of the dues it paid (newest first), for a refund that
 * re-opens them, or keeps them settled by waiving the same amount (the owner's choice). Credit the
 * payment still holds is refunded first. Keeps the payment's ledger balanced either way.
 */
export async function unwindPayment(tx: Tx, p: { paymentId: string; studentId: string; amountPaise: number; reopenDues: boolean; actorId: string | null; refundId: string }): Promise<void> {
  let left = p.amountPaise;
  const credit = await tx.creditEntry.aggregate({ where: { paymentId: p.paymentId }, _sum: { amountPaise: true } });
  const fromCredit = Math.min(left, credit._sum.amountPaise ?? 0);
  if (fromCredit > 0) {
    await tx.creditEntry.create({ data: { studentId: p.studentId, paymentId: p.paymentId, amountPaise: -fromCredit, reason: `refund ${p.refundId}` } });
    left -= fromCredit;
  }
  if (left <= 0) return;
  const paid = await tx.$queryRaw<{ due_id: string; amount: number }[]>`
    SELECT a.due_id, SUM(a.amount_paise)::int AS amount
    FROM payment_allocations a JOIN dues d ON d.id = a.due_id
    WHERE a.payment_id = ${p.paymentId}::uuid
    GROUP BY a.due_id, d.due_date
    HAVING SUM(a.amount_paise) > 0
    ORDER BY d.due_date DESC`;
  for (const row of paid) {
    const amount = Math.min(left, row.amount);
    if (amount <= 0) break;
    await tx.paymentAllocation.create({ data: { paymentId: p.paymentId, dueId: row.due_id, amountPaise: -amount } });
    if (p.reopenDues) {
      await tx.$executeRaw`UPDATE dues SET paid_paise = paid_paise - ${amount}, status = 'OPEN'::"DueStatus", updated_at = now() WHERE id = ${row.due_id}::uuid AND status <> 'VOID'`;
    } else {
      await tx.dueAdjustment.create({ data: { dueId: row.due_id, kind: 'WAIVER', amountPaise: -amount, reason: `refunded (refund ${p.refundId}), due kept settled`, actorId: p.actorId } });
      await tx.$executeRaw`UPDATE dues SET paid_paise = paid_paise - ${amount}, adjustment_paise = adjustment_paise - ${amount}, updated_at = now() WHERE id = ${row.due_id}::uuid`;
    }
    left -= amount;
  }
}
