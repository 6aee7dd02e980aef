// Makes an allocation's dues match what it should charge (schedule.ts). Campus calls it after every
// change to an allocation; it is idempotent, so calling it again (the billing sweep does, for recent
// changes) repairs anything a failure in between left behind.
// - New periods become OPEN dues; the student's credit is used on them at once.
// - A period whose charge changed: an unpaid due takes the new amount and dates; a (partly) paid one
//   keeps its amount and the difference, when it grew, becomes a TOP_UP due.
// - Unpaid dues the allocation no longer charges (cancelled or left: periods starting after that
//   day) become VOID; paid ones stay, for the owner to refund.
import { clock, formatDate, ports, topics, type AllocationForDues, type SubgraphContext } from '@studyspot/runtime';
import type { TenantPrisma } from '@studyspot/db';
import { applyCredit, type Tx } from '../payments/apply.ts';
import { inTransaction } from '../shared/transactions.repository.ts';
import { createDueTx, duesOfAllocationTx, updateDueTx } from './dues.repository.ts';
import { istDay } from './dates.ts';
import { scheduleFor, type ScheduledDue } from './schedule.ts';

type AllocationRow = AllocationForDues;


function wanted(a: AllocationRow): ScheduledDue[] {
  if (a.status === 'HELD' || a.status === 'EXPIRED') return [];
  const all = scheduleFor({ kind: a.kind, startDate: a.startDate, endDate: a.endDate, pausedFrom: a.pausedFrom, pausedUntil: a.pausedUntil, pricePaise: a.pricePaise });
  if (a.status !== 'CANCELLED') return all;
  const cancelledOn = istDay(a.updatedAt);
  return all.filter((d) => d.periodStart <= cancelledOn);
}

export async function syncDuesInTx(tx: Tx, allocationId: string): Promise<{ created: { id: string; studentId: string; libraryId: string; amountPaise: number; dueDate: Date }[] }> {
  // Campus's allocation, locked for this transaction (its port): two syncs of one allocation queue.
  const a = await ports.campus.lockAllocationForDues(tx, allocationId);
  if (!a) return { created: [] };
  const existing = await duesOfAllocationTx(tx, allocationId);
  const key = (kind: string, period: number) => `${kind}:${period}`;
  const have = new Map(existing.map((d) => [key(d.kind, d.period), d]));
  const created: { id: string; studentId: string; libraryId: string; amountPaise: number; dueDate: Date }[] = [];
  const keep = new Set<string>();
  const create = async (kind: 'MONTHLY' | 'DAY_PASS' | 'TOP_UP', d: ScheduledDue, amountPaise: number) => {
    const due = await createDueTx(tx, { studentId: a.studentId, libraryId: a.libraryId, allocationId, kind, period: d.period, periodStart: d.periodStart, periodEnd: d.periodEnd, dueDate: d.dueDate, amountPaise });
    created.push({ id: due.id, studentId: due.studentId, libraryId: due.libraryId, amountPaise, dueDate: due.dueDate });
  };
  for (const d of wanted(a)) {
    keep.add(key(d.kind, d.period));
    const due = have.get(key(d.kind, d.period));
    if (!due) {
      if (d.amountPaise > 0) await create(d.kind, d, d.amountPaise);
      continue;
    }
    if (due.status === 'VOID') continue;
    const dates = { periodStart: d.periodStart, periodEnd: d.periodEnd, dueDate: d.dueDate };
    if (due.paidPaise === 0) {
      await updateDueTx(tx, due.id, { ...dates, amountPaise: d.amountPaise, status: d.amountPaise + due.adjustmentPaise > 0 ? 'OPEN' : 'PAID' });
      continue;
    }
    await updateDueTx(tx, due.id, dates);
    const topUp = have.get(key('TOP_UP', d.period));
    const missing = d.amountPaise - due.amountPaise;
    keep.add(key('TOP_UP', d.period));
    if (missing > 0 && !topUp) await create('TOP_UP', d, missing);
    else if (topUp && topUp.paidPaise === 0 && topUp.status !== 'VOID') await updateDueTx(tx, topUp.id, { ...dates, amountPaise: Math.max(missing, 0), status: missing > 0 ? 'OPEN' : 'VOID' });
  }
  for (const due of existing) {
    if (keep.has(key(due.kind, due.period)) || due.status === 'VOID' || due.paidPaise > 0) continue;
    await updateDueTx(tx, due.id, { status: 'VOID' });
  }
  if (created.length) await applyCredit(tx, a.studentId);
  return { created };
}

/** Syncs one allocation's dues in its own transaction and announces the new ones. */
export async function syncAllocationDues(ctx: SubgraphContext, tenantId: string, allocationId: string): Promise<void> {
  // Recorded first, so a sync that fails here is repaired by the billing sweep; the allocation may be
  // an automatic SMS (seat allocated).
  await ctx.platform.work.due(tenantId, 'billing', new Date(clock.nowMs() + 10 * 60_000));
  await ctx.platform.work.due(tenantId, 'messages');
  const db = await ctx.tenantDb(tenantId);
  const { created } = await inTransaction(db, (tx) => syncDuesInTx(tx, allocationId));
  for (const d of created) {
    await ctx.events.publish(topics.tenant(tenantId), { type: 'DUE_CREATED', dueId: d.id, studentId: d.studentId, libraryId: d.libraryId, amountPaise: d.amountPaise, dueDate: formatDate(d.dueDate) });
  }
}

/** Syncs one allocation's dues in its own transaction (the sweep's repair pass), announcing nothing. */
export const resyncDues = (db: TenantPrisma, allocationId: string) => inTransaction(db, (tx) => syncDuesInTx(tx, allocationId));
