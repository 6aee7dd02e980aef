// Renewals and retention, from the months students pay for (billing's MONTHLY dues through its port):
// - a month's renewal rate: of the billing months that ended in it (and whose next day has come), the
//   share followed by another billing month of the same student starting within 7 days;
// - retention by admission month: students whose first billing month began in a month, and of them the
//   share still paying for a month that covers the same day 1…6 months later (null until that day has
//   come for any of them).
// Computed on read from the dues of the students who held a seat in the range (one row per student and
// month: far fewer than the visits and payments the day rollups stand for).
import { addDays, badInput, clock, daysBetween, type DueRecord, formatDate, istDay, percent, ports, type RequestScope } from '@studyspot/runtime';
import { librariesOf } from '../shared/branches.ts';
import { MAX_RANGE_DAYS } from '../rollups/rollups.service.ts';

const RENEW_WITHIN_DAYS = 7;
const MONTHS_AHEAD = 6;
const monthOf = (d: Date) => formatDate(d).slice(0, 7);
const addMonths = (d: Date, k: number) => {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1));
  const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), Math.min(d.getUTCDate(), last)));
};

async function monthsOfStudents(s: RequestScope, from: Date, to: Date, libraryId: string | null | undefined) {
  if (to < from) throw badInput('to is before from', 'to');
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) throw badInput(`A range covers at most ${MAX_RANGE_DAYS} days`, 'to');
  const libs = await librariesOf(s, libraryId);
  const today = istDay(clock.now());
  // Students who held a seat from the range's start up to today (a renewal after `to` still counts).
  const activity = (await ports.campus.studentActivity(s.db, from, today, null)).filter((a) => libs === null || libs.includes(a.libraryId));
  const byStudent = new Map<string, DueRecord[]>();
  for (const d of await ports.billing.dueRecords(s.db, activity.map((a) => a.studentId))) {
    if (d.kind === 'MONTHLY') byStudent.set(d.studentId, [...(byStudent.get(d.studentId) ?? []), d]);
  }
  return { today, byStudent };
}

export async function renewals(s: RequestScope, a: { from: Date; to: Date; libraryId?: string | null }) {
  const { today, byStudent } = await monthsOfStudents(s, a.from, a.to, a.libraryId);
  const months = new Map<string, { due: number; renewed: number }>();
  for (const dues of byStudent.values()) {
    for (const d of dues) {
      if (d.periodEnd < a.from || d.periodEnd > a.to || addDays(d.periodEnd, 1) > today) continue;
      const m = months.get(monthOf(d.periodEnd)) ?? { due: 0, renewed: 0 };
      m.due++;
      if (dues.some((n) => n.periodStart > d.periodEnd && daysBetween(d.periodEnd, n.periodStart) <= RENEW_WITHIN_DAYS)) m.renewed++;
      months.set(monthOf(d.periodEnd), m);
    }
  }
  return [...months.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([month, m]) => ({ month, dueToRenew: m.due, renewed: m.renewed, renewalPercent: percent(m.renewed, m.due) }));
}

export async function retentionCohorts(s: RequestScope, a: { from: Date; to: Date; libraryId?: string | null }) {
  const { today, byStudent } = await monthsOfStudents(s, a.from, a.to, a.libraryId);
  const cohorts = new Map<string, { students: number; reached: number[]; retained: number[] }>();
  for (const dues of byStudent.values()) {
    const first = dues.reduce((x, d) => (d.periodStart < x ? d.periodStart : x), dues[0]!.periodStart);
    if (first < a.from || first > a.to) continue;
    const c = cohorts.get(monthOf(first)) ?? { students: 0, reached: Array(MONTHS_AHEAD).fill(0), retained: Array(MONTHS_AHEAD).fill(0) };
    c.students++;
    for (let k = 1; k <= MONTHS_AHEAD; k++) {
      const day = addMonths(first, k);
      if (day > today) break;
      c.reached[k - 1]!++;
      if (dues.some((d) => d.periodStart <= day && d.periodEnd >= day)) c.retained[k - 1]!++;
    }
    cohorts.set(monthOf(first), c);
  }
  return [...cohorts.entries()]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([month, c]) => ({ month, students: c.students, retainedPercent: c.reached.map((n, k) => (n ? percent(c.retained[k]!, n) : null)) }));
}
