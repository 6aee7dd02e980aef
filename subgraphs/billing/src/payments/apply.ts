// The one place money is put on dues (not the SMS-credit ledger of credits/). Reads like accounting:
// - a payment's money goes first to the dues it was meant for, then to the student's oldest open
//   dues; what is left becomes the student's credit (an advance), recorded against that payment;
// - credit is used by the next dues, oldest credit first;
// - every captured payment balances: amount - refunded = Σ its allocations + Σ its credit entries.
// Callers hold a transaction; the student's open dues are locked (FOR UPDATE) so two payments of one
// student are applied one after the other.
import type { Tx } from '../shared/transactions.repository.ts';
import { addCreditEntry, creditOfPayment, creditOfStudent, creditsByPayment, lockOpenDues, paidByDueNewestFirst, putOnDue, takeOffDue, takeOffDueKeepingItSettled, type OpenDue } from './apply.repository.ts';

export type { Tx };

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
    await putOnDue(tx, p.paymentId, due.id, amount);
    due.balance -= amount;
    left -= amount;
    allocations.push({ dueId: due.id, amountPaise: amount });
  };
  for (const e of p.earmarks ?? []) {
    const due = byId.get(e.dueId);
    if (due) await take(due, e.amountPaise);
  }
  for (const due of open) await take(due, Number.MAX_SAFE_INTEGER);
  if (left > 0) await addCreditEntry(tx, { studentId: p.studentId, paymentId: p.paymentId, amountPaise: left, reason: 'advance' });
  return { allocations, creditPaise: left };
}

/** Uses the student's credit on their open dues, oldest credit and oldest due first. Returns what was used. */
export async function applyCredit(tx: Tx, studentId: string): Promise<number> {
  const credits = await creditsByPayment(tx, studentId);
  if (!credits.length) return 0;
  const open = await lockOpenDues(tx, studentId);
  let used = 0;
  for (const credit of credits) {
    let left = credit.amount;
    for (const due of open) {
      const amount = Math.min(left, due.balance);
      if (amount <= 0) continue;
      await putOnDue(tx, credit.payment_id, due.id, amount);
      await addCreditEntry(tx, { studentId, paymentId: credit.payment_id, dueId: due.id, amountPaise: -amount, reason: 'applied to due' });
      due.balance -= amount;
      left -= amount;
      used += amount;
    }
  }
  return used;
}

/** The student's credit: money paid that no due has used yet. */
export async function creditOf(tx: Tx, studentId: string): Promise<number> {
  return creditOfStudent(tx, studentId);
}

/**
 * Takes `amountPaise` of a payment back out of the dues it paid (newest first), for a refund that
 * re-opens them, or keeps them settled by waiving the same amount (the owner's choice). Credit the
 * payment still holds is refunded first. Keeps the payment's ledger balanced either way.
 */
export async function unwindPayment(tx: Tx, p: { paymentId: string; studentId: string; amountPaise: number; reopenDues: boolean; actorId: string | null; refundId: string }): Promise<void> {
  let left = p.amountPaise;
  const fromCredit = Math.min(left, await creditOfPayment(tx, p.paymentId));
  if (fromCredit > 0) {
    await addCreditEntry(tx, { studentId: p.studentId, paymentId: p.paymentId, amountPaise: -fromCredit, reason: `refund ${p.refundId}` });
    left -= fromCredit;
  }
  if (left <= 0) return;
  const paid = await paidByDueNewestFirst(tx, p.paymentId);
  for (const row of paid) {
    const amount = Math.min(left, row.amount);
    if (amount <= 0) break;
    if (p.reopenDues) await takeOffDue(tx, p.paymentId, row.due_id, amount);
    else await takeOffDueKeepingItSettled(tx, p.paymentId, row.due_id, amount, `refunded (refund ${p.refundId}), due kept settled`, p.actorId);
    left -= amount;
  }
}
