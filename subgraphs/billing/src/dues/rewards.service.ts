// Discounts another subgraph grants through the billing port (engagement's referral rewards) and
// takes back: on the student's next open due, idempotent by the caller's key, each one a row of the
// due's adjustments (the due's own audit trail: kind, amount, reason, when).
import type { TenantPrisma } from '@studyspot/db';
import { inTransaction } from '../shared/transactions.repository.ts';
import * as repo from './dues.repository.ts';

/** Up to `amountPaise` off the student's next open due; null when no due owes anything now. The same key again answers what that call gave. */
export async function discountNextDue(db: TenantPrisma, a: { studentId: string; amountPaise: number; reason: string; idempotencyKey: string }): Promise<{ dueId: string; amountPaise: number } | null> {
  if (!Number.isInteger(a.amountPaise) || a.amountPaise <= 0) throw new Error('discountNextDue: amountPaise must be a positive integer');
  return inTransaction(db, async (tx) => {
    const given = async () => {
      const prior = await repo.adjustmentByKey(tx, a.idempotencyKey);
      return prior ? { dueId: prior.dueId, amountPaise: -prior.amountPaise } : null;
    };
    const before = await given();
    if (before) return before;
    const due = await repo.lockNextOpenDue(tx, a.studentId);
    // A twin with the same key may have committed while this one waited for the due's lock.
    const twin = await given();
    if (twin || !due) return twin;
    const amount = Math.min(a.amountPaise, due.balance);
    await repo.adjust(tx, { dueId: due.id, kind: 'DISCOUNT', amountPaise: amount, reason: a.reason, actorId: null, idempotencyKey: a.idempotencyKey, settles: amount === due.balance });
    return { dueId: due.id, amountPaise: amount };
  });
}

/** Takes back the discount given under `idempotencyKey` (a paid due opens again for it); the paise taken back — 0 when none was given or its due is void. Repeats take nothing more. */
export async function reverseDiscount(db: TenantPrisma, a: { idempotencyKey: string; reason: string }): Promise<number> {
  return inTransaction(db, async (tx) => {
    const given = await repo.adjustmentByKey(tx, a.idempotencyKey);
    if (!given || given.kind !== 'DISCOUNT') return 0;
    const due = await repo.lockDue(tx, given.dueId);
    const key = `${a.idempotencyKey}:reversed`;
    if (await repo.adjustmentByKey(tx, key)) return -given.amountPaise;
    if (!due || due.status === 'VOID') return 0;
    await repo.reverseAdjustment(tx, { dueId: given.dueId, amountPaise: -given.amountPaise, reason: a.reason, idempotencyKey: key });
    return -given.amountPaise;
  });
}
