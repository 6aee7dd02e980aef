// The figures of a library's day computed straight from the raw rows, in TypeScript, independently of
// the SQL behind insights' rollups (campus/billing dayfacts.repository.ts): the property tests compare
// the two. The definitions are the ones runtime insight-facts.ts states.
import type { TenantPrisma } from '@studyspot/db';

const DAY = 86_400_000;
const IST = 330 * 60_000;
const istDay = (t: Date) => new Date(Math.floor((t.getTime() + IST) / DAY) * DAY);
const dayStart = (d: Date) => new Date(d.getTime() - IST);
const same = (a: Date | null, b: Date) => a !== null && a.getTime() === b.getTime();

export async function readRaw(db: TenantPrisma) {
  const [visits, allocations, dues, adjustments, applied, payments, refunds] = await Promise.all([
    db.visit.findMany(),
    db.seatAllocation.findMany(),
    db.due.findMany(),
    db.dueAdjustment.findMany(),
    db.paymentAllocation.findMany(),
    db.payment.findMany(),
    db.refund.findMany(),
  ]);
  return { visits, allocations, dues, adjustments, applied, payments, refunds };
}
export type Raw = Awaited<ReturnType<typeof readRaw>>;

export interface DayFigures {
  checkIns: number;
  uniqueStudents: number;
  occupancyMinutes: number[];
  allocated: number;
  paused: number;
  newStudents: number;
  leavingStudents: number;
  duesRaisedPaise: number;
  collectedPaise: number;
  collectedByAgePaise: number[];
  refundedPaise: number;
  overduePaise: number;
}

export function figuresOf(raw: Raw, libraryId: string, day: Date, now: Date): DayFigures {
  const today = istDay(now);
  const end = dayStart(new Date(day.getTime() + DAY));
  // Visits of the day and the seconds inside per hour.
  const visits = raw.visits.filter((v) => v.libraryId === libraryId && same(v.day, day));
  const seconds = Array.from({ length: 24 }, () => 0);
  for (const v of visits) {
    const a = v.checkedInAt.getTime();
    const b = Math.min((v.checkedOutAt ?? now).getTime(), end.getTime());
    for (let h = 0; h < 24; h++) {
      const hs = dayStart(day).getTime() + h * 3_600_000;
      const overlap = Math.min(b, hs + 3_600_000) - Math.max(a, hs);
      if (overlap > 0) seconds[h]! += overlap / 1000;
    }
  }
  // Allocations that held a seat, and until when.
  const held = raw.allocations
    .filter((a) => ['ACTIVE', 'PAUSED', 'CANCELLED'].includes(a.status))
    .map((a) => ({ ...a, endDay: a.status === 'CANCELLED' && istDay(a.updatedAt) < a.endDate ? istDay(a.updatedAt) : a.endDate }))
    .filter((a) => a.endDay >= a.startDate);
  const onDay = held.filter((a) => a.libraryId === libraryId && a.startDate <= day && a.endDay >= day);
  const byStudent = new Map<string, typeof held>();
  for (const a of held) byStudent.set(a.studentId, [...(byStudent.get(a.studentId) ?? []), a]);
  let newStudents = 0;
  let leavingStudents = 0;
  for (const list of byStudent.values()) {
    const first = [...list].sort((x, y) => x.startDate.getTime() - y.startDate.getTime() || x.id.localeCompare(y.id))[0]!;
    const last = [...list].sort((x, y) => y.endDay.getTime() - x.endDay.getTime() || x.id.localeCompare(y.id))[0]!;
    if (first.libraryId === libraryId && same(first.startDate, day)) newStudents++;
    if (last.libraryId === libraryId && same(last.endDay, day) && day < today) leavingStudents++;
  }
  // Money.
  const raised = raw.dues.filter((d) => d.libraryId === libraryId && d.status !== 'VOID' && same(d.dueDate, day));
  const captured = raw.payments.filter((p) => p.libraryId === libraryId && ['CAPTURED', 'REFUNDED'].includes(p.status) && p.capturedAt && same(istDay(p.capturedAt), day));
  const byAge = [0, 0, 0, 0, 0];
  const dueById = new Map(raw.dues.map((d) => [d.id, d]));
  for (const p of captured) {
    const positive = raw.applied.filter((x) => x.paymentId === p.id && x.amountPaise > 0);
    for (const x of positive) {
      const late = Math.round((day.getTime() - dueById.get(x.dueId)!.dueDate.getTime()) / DAY);
      byAge[late <= 0 ? 0 : late <= 7 ? 1 : late <= 30 ? 2 : 3]! += x.amountPaise;
    }
    byAge[4]! += Math.max(0, p.amountPaise - positive.reduce((n, x) => n + x.amountPaise, 0));
  }
  const paymentById = new Map(raw.payments.map((p) => [p.id, p]));
  const refunded = raw.refunds.filter((r) => r.status === 'PROCESSED' && r.processedAt && same(istDay(r.processedAt), day) && paymentById.get(r.paymentId)?.libraryId === libraryId);
  let overduePaise = 0;
  for (const d of raw.dues) {
    if (d.libraryId !== libraryId || d.status === 'VOID' || d.dueDate > day || d.createdAt >= end) continue;
    if (d.status !== 'OPEN' && d.updatedAt < end) continue;
    const adj = raw.adjustments.filter((j) => j.dueId === d.id && j.createdAt < end).reduce((n, j) => n + j.amountPaise, 0);
    const paid = raw.applied.filter((x) => x.dueId === d.id && x.createdAt < end).reduce((n, x) => n + x.amountPaise, 0);
    overduePaise += Math.max(0, d.amountPaise + adj - paid);
  }
  return {
    checkIns: visits.length,
    uniqueStudents: new Set(visits.map((v) => v.studentId)).size,
    occupancyMinutes: seconds.map((s) => Math.round(s / 60)),
    allocated: onDay.length,
    paused: onDay.filter((a) => a.pausedFrom && a.pausedUntil && a.pausedFrom <= day && a.pausedUntil >= day).length,
    newStudents,
    leavingStudents,
    duesRaisedPaise: raised.reduce((n, d) => n + d.amountPaise + d.adjustmentPaise, 0),
    collectedPaise: captured.reduce((n, p) => n + p.amountPaise, 0),
    collectedByAgePaise: byAge,
    refundedPaise: refunded.reduce((n, r) => n + r.amountPaise, 0),
    overduePaise,
  };
}
