// What a student's risk is scored on, as of a day T, from campus's activity and billing's dues
// (runtime StudentActivity, DueRecord) and engagement's help-desk tickets (TicketRecord) — only what was known on T — and, for training and backtests,
// what happened after: whether they left within 30 days, and whether their next due was paid over a
// week late. Each feature has the sentence an owner reads when it raises the score.
import { addDays, daysBetween, istDayStart, type DueRecord, type StudentActivity, type TicketRecord } from '@studyspot/runtime';

export const FEATURES = ['absenceStreak', 'visits14', 'visitDrop', 'tenureMonths', 'latePayments', 'overdueNow', 'openComplaints'] as const;
export type Feature = (typeof FEATURES)[number];
export type Features = Record<Feature, number>;

export interface Sample {
  studentId: string;
  libraryId: string;
  asOf: Date;
  x: Features;
  /** Left (their last allocation ended) within 30 days after asOf; null when not yet known. */
  leaves: boolean | null;
  /** Their next due after asOf (within 30 days) was paid over 7 days late or not at all; null when unknown or none. */
  late: boolean | null;
}

const HORIZON = 30;
const LATE_DAYS = 7;

/** Whether a due was late as of a day: paid over 7 days after its date, or still unpaid 8 days after it. */
const lateBy = (d: DueRecord, on: Date) => (d.paidOn ? daysBetween(d.dueDate, d.paidOn) > LATE_DAYS && d.paidOn <= on : daysBetween(d.dueDate, on) > LATE_DAYS);

/** The sample of a student holding a seat on `asOf`; null when they do not. `today` bounds what labels may know. */
export function sampleOf(a: StudentActivity, dues: readonly DueRecord[], asOf: Date, today: Date, tickets: readonly TicketRecord[] = []): Sample | null {
  if (a.firstStart > asOf || a.lastEnd < asOf) return null;
  const visits = a.visitDays.filter((d) => d <= asOf);
  const last = visits.at(-1) ?? null;
  const since = last ?? addDays(a.firstStart, -1);
  const inWindow = (from: number, to: number) => visits.filter((d) => daysBetween(d, asOf) >= from && daysBetween(d, asOf) < to).length;
  const known = dues.filter((d) => d.dueDate <= asOf);
  const dayEnd = istDayStart(addDays(asOf, 1));
  const recent = known.filter((d) => daysBetween(d.dueDate, asOf) <= 120 && daysBetween(d.dueDate, asOf) > LATE_DAYS);
  const x: Features = {
    absenceStreak: Math.min(30, daysBetween(since, asOf)),
    visits14: inWindow(0, 14),
    visitDrop: Math.max(0, inWindow(14, 28) - inWindow(0, 14)),
    tenureMonths: Math.min(12, daysBetween(a.firstStart, asOf) / 30),
    latePayments: recent.filter((d) => lateBy(d, asOf)).length,
    overdueNow: known.some((d) => daysBetween(d.dueDate, asOf) > 0 && !(d.paidOn && d.paidOn <= asOf)) ? 1 : 0,
    openComplaints: Math.min(3, tickets.filter((t) => t.openedAt < dayEnd && !(t.resolvedAt && t.resolvedAt < dayEnd)).length),
  };
  const horizonEnd = addDays(asOf, HORIZON);
  const leaves = horizonEnd < today ? a.lastEnd <= horizonEnd : a.lastEnd < today && a.lastEnd <= horizonEnd ? true : null;
  const next = dues.find((d) => d.dueDate > asOf && d.dueDate <= horizonEnd);
  const late = next && addDays(next.dueDate, LATE_DAYS) < today ? lateBy(next, today) : null;
  return { studentId: a.studentId, libraryId: a.libraryId, asOf, x, leaves, late };
}

/** Samples every `step` days from `from` to `to`, for every student holding a seat then. */
export function samplesBetween(activity: readonly StudentActivity[], dues: Map<string, DueRecord[]>, from: Date, to: Date, today: Date, tickets: Map<string, TicketRecord[]> = new Map(), step = 7): Sample[] {
  const out: Sample[] = [];
  for (let t = from; t <= to; t = addDays(t, step)) {
    for (const a of activity) {
      const s = sampleOf(a, dues.get(a.studentId) ?? [], t, today, tickets.get(a.studentId));
      if (s) out.push(s);
    }
  }
  return out;
}

/** The sentence an owner reads for a feature that raised a score. */
export function reason(f: Feature, x: Features): string {
  switch (f) {
    case 'absenceStreak':
      return `not seen for ${x.absenceStreak} days`;
    case 'visits14':
      return `came ${x.visits14} days in the last fortnight`;
    case 'visitDrop':
      return `came ${x.visitDrop} fewer days than the fortnight before`;
    case 'tenureMonths':
      return x.tenureMonths < 1 ? 'joined this month' : `with us ${Math.floor(x.tenureMonths)} months`;
    case 'latePayments':
      return `paid ${x.latePayments} recent fee${x.latePayments === 1 ? '' : 's'} over a week late`;
    case 'overdueNow':
      return 'a fee is overdue now';
    case 'openComplaints':
      return `${x.openComplaints} complaint${x.openComplaints === 1 ? '' : 's'} open at the help desk`;
  }
}
