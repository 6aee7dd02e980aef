// Owner insights from the daily rollups (rollups/): occupancy by weekday and hour with peak and empty
// hours, trends per day, week or month, collection efficiency per month, and the records behind any
// figure of a library's day (through campus's and billing's ports). Reads build what they need first
// (ensureBuilt), so an answer is never older than five minutes for today and final for closed days.
// Percentages carry one decimal; money is paise.
import { addDays, badInput, type BillingFigure, type CampusFigure, clock, daysBetween, formatDate, istDay, minDay, percent, ports, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { ensureBuilt, MAX_RANGE_DAYS } from '../rollups/rollups.service.ts';
import { branch, librariesOf } from '../shared/branches.ts';
import { libraryDay, libraryDays, tenantDays, type LibraryDay } from './owner.repository.ts';

type Grain = 'DAY' | 'WEEK' | 'MONTH';
type Figure = CampusFigure | BillingFigure;

const round2 = (x: number) => Math.round(x * 100) / 100;

export function checkRange(from: Date, to: Date, max: number) {
  if (to < from) throw badInput('to is before from', 'to');
  if (daysBetween(from, to) + 1 > max) throw badInput(`A range covers at most ${max} days`, 'to');
}

export async function occupancyHeatmap(ctx: SubgraphContext, s: RequestScope, libraryId: string, from: Date, to: Date) {
  checkRange(from, to, 366);
  await branch(s, libraryId);
  const now = clock.now();
  // Closed days only: today's later hours have not happened yet.
  const last = minDay(to, addDays(istDay(now), -1));
  await ensureBuilt(ctx, s, from, last, now);
  const days = last < from ? [] : await libraryDays(s.db, from, last, [libraryId]);
  const sums = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  const counts = Array.from({ length: 7 }, () => 0);
  for (const d of days) {
    const w = d.day.getUTCDay();
    counts[w]!++;
    d.occupancyMinutes.forEach((m, h) => (sums[w]![h]! += m / 60));
  }
  const seats = days.at(-1)?.seats ?? 0;
  const cells = sums.flatMap((hours, weekday) =>
    hours.map((sum, hour) => {
      const averageInside = counts[weekday] ? round2(sum / counts[weekday]!) : 0;
      return { weekday, hour, averageInside, utilisationPercent: percent(averageInside, seats) };
    }),
  );
  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, averageInside: days.length ? round2(sums.reduce((n, w) => n + w[hour]!, 0) / days.length) : 0 }));
  const used = byHour.filter((h) => h.averageInside > 0);
  const open = used.length ? byHour.slice(used[0]!.hour, used.at(-1)!.hour + 1) : [];
  return {
    library: { id: libraryId },
    from,
    to,
    seats,
    cells,
    peakHours: [...used].sort((a, b) => b.averageInside - a.averageInside || a.hour - b.hour).slice(0, 3),
    emptyHours: [...open].sort((a, b) => a.averageInside - b.averageInside || a.hour - b.hour).slice(0, 3),
  };
}

const periodOf = (day: Date, grain: Grain) =>
  grain === 'DAY' ? day : grain === 'WEEK' ? addDays(day, -((day.getUTCDay() + 6) % 7)) : new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1));

/** Library days grouped by period, in order; each group's days in order. */
function periods(days: LibraryDay[], grain: Grain) {
  const out = new Map<string, { period: Date; days: Map<string, LibraryDay[]> }>();
  for (const d of days) {
    const p = periodOf(d.day, grain);
    const k = formatDate(p);
    let g = out.get(k);
    if (!g) out.set(k, (g = { period: p, days: new Map() }));
    const dk = formatDate(d.day);
    g.days.set(dk, [...(g.days.get(dk) ?? []), d]);
  }
  return [...out.values()];
}

const sum = (rows: LibraryDay[], f: (d: LibraryDay) => number) => rows.reduce((n, d) => n + f(d), 0);

export async function insightTrend(ctx: SubgraphContext, s: RequestScope, a: { from: Date; to: Date; grain: Grain; libraryId?: string | null }) {
  checkRange(a.from, a.to, MAX_RANGE_DAYS);
  const libs = await librariesOf(s, a.libraryId);
  const now = clock.now();
  await ensureBuilt(ctx, s, a.from, a.to, now);
  const last = minDay(a.to, istDay(now));
  const [days, texts] = await Promise.all([libraryDays(s.db, a.from, last, libs), libs === null ? tenantDays(s.db, a.from, last) : null]);
  const sms = texts && new Map(texts.map((t) => [formatDate(t.day), t.smsSent]));
  let previous: number | null = null;
  const points = periods(days, a.grain).map((g) => {
    const all = [...g.days.values()].flat();
    const n = g.days.size;
    const final = [...g.days.values()].at(-1)!;
    const seats = sum(final, (d) => d.seats);
    const averageAllocated = round2(sum(all, (d) => d.allocated) / n);
    const collectedPaise = sum(all, (d) => d.collectedPaise);
    const point = {
      period: g.period,
      days: n,
      checkIns: sum(all, (d) => d.checkIns),
      averageDailyStudents: round2(sum(all, (d) => d.uniqueStudents) / n),
      averageAllocated,
      utilisationPercent: percent(averageAllocated, seats),
      newStudents: sum(all, (d) => d.newStudents),
      leavingStudents: sum(all, (d) => d.leavingStudents),
      duesRaisedPaise: sum(all, (d) => d.duesRaisedPaise),
      collectedPaise,
      collectedChangePercent: previous ? percent(collectedPaise - previous, previous) : null,
      refundedPaise: sum(all, (d) => d.refundedPaise),
      overduePaise: sum(final, (d) => d.overduePaise),
      smsSent: sms ? [...g.days.keys()].reduce((t, k) => t + (sms.get(k) ?? 0), 0) : null,
    };
    previous = collectedPaise;
    return point;
  });
  return { from: a.from, to: a.to, grain: a.grain, library: a.libraryId ? { id: a.libraryId } : null, points };
}

export async function collectionEfficiency(ctx: SubgraphContext, s: RequestScope, a: { from: Date; to: Date; libraryId?: string | null }) {
  checkRange(a.from, a.to, MAX_RANGE_DAYS);
  const libs = await librariesOf(s, a.libraryId);
  const now = clock.now();
  await ensureBuilt(ctx, s, a.from, a.to, now);
  const days = await libraryDays(s.db, a.from, minDay(a.to, istDay(now)), libs);
  return periods(days, 'MONTH').map((g) => {
    const all = [...g.days.values()].flat();
    const age = (i: number) => sum(all, (d) => d.collectedByAgePaise[i] ?? 0);
    const raisedPaise = sum(all, (d) => d.duesRaisedPaise);
    const collectedPaise = sum(all, (d) => d.collectedPaise);
    return {
      month: formatDate(g.period).slice(0, 7),
      raisedPaise,
      collectedPaise,
      onTimePaise: age(0),
      late1To7DaysPaise: age(1),
      late8To30DaysPaise: age(2),
      lateOver30DaysPaise: age(3),
      aheadPaise: age(4),
      efficiencyPercent: percent(collectedPaise, raisedPaise),
      overduePaise: sum([...g.days.values()].at(-1)!, (d) => d.overduePaise),
    };
  });
}

const CAMPUS: readonly string[] = ['CHECK_INS', 'ALLOCATED', 'NEW_STUDENTS', 'LEAVING_STUDENTS'] satisfies CampusFigure[];
const VALUE: Record<Figure, (d: LibraryDay) => number> = {
  CHECK_INS: (d) => d.checkIns,
  ALLOCATED: (d) => d.allocated,
  NEW_STUDENTS: (d) => d.newStudents,
  LEAVING_STUDENTS: (d) => d.leavingStudents,
  DUES_RAISED: (d) => d.duesRaisedPaise,
  COLLECTED: (d) => d.collectedPaise,
  REFUNDED: (d) => d.refundedPaise,
  OVERDUE: (d) => d.overduePaise,
};

export async function insightRows(ctx: SubgraphContext, s: RequestScope, a: { libraryId: string; day: Date; figure: Figure; first: number }) {
  if (!Number.isInteger(a.first) || a.first < 1 || a.first > 200) throw badInput('first must be 1–200', 'first');
  await branch(s, a.libraryId);
  const now = clock.now();
  if (a.day > istDay(now)) throw badInput('day is after today', 'day');
  await ensureBuilt(ctx, s, a.day, a.day, now);
  const stored = await libraryDay(s.db, a.libraryId, a.day);
  const take = a.first + 1;
  const rows = CAMPUS.includes(a.figure)
    ? await ports.campus.dayRows(s.db, { libraryId: a.libraryId, day: a.day, figure: a.figure as CampusFigure, now, take })
    : await ports.billing.dayRows(s.db, { libraryId: a.libraryId, day: a.day, figure: a.figure as BillingFigure, take });
  return { library: { id: a.libraryId }, day: a.day, figure: a.figure, value: stored ? VALUE[a.figure](stored) : 0, rows: rows.slice(0, a.first), truncated: rows.length > a.first };
}
