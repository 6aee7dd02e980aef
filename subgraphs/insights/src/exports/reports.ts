// What each exported report holds: its columns and its rows, read a page at a time through the same
// services the GraphQL fields use (so a CSV says exactly what the API says). Long reports — a trend by
// day over two years, the at-risk list — are read in pages and written as they come (export.router.ts).
import { addDays, daysBetween, formatDate, percent, ports, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { collectionsForecast, occupancyForecast } from '../forecasts/forecasts.service.ts';
import { renewals, retentionCohorts } from '../owner/cohorts.service.ts';
import { collectionEfficiency, insightRows, insightTrend, occupancyHeatmap } from '../owner/owner.service.ts';
import { studentsAtRisk } from '../risk/risk.service.ts';


export const REPORTS = ['HEATMAP', 'TREND', 'COLLECTION_EFFICIENCY', 'RENEWALS', 'RETENTION', 'OCCUPANCY_FORECAST', 'COLLECTIONS_FORECAST', 'STUDENTS_AT_RISK', 'ROWS'] as const;
export type Report = (typeof REPORTS)[number];
export type Grain = 'DAY' | 'WEEK' | 'MONTH';

export interface ExportRequest {
  report: Report;
  from: Date | null;
  to: Date | null;
  grain: Grain;
  libraryId: string | null;
  figure: string | null;
}

type Row = Record<string, string | number | null>;

/** Days of a trend page: whole periods of the grain (weeks start on Monday, months on the 1st). */
const PAGE_DAYS: Record<Grain, number> = { DAY: 62, WEEK: 63, MONTH: 366 };
const periodEnd = (start: Date, grain: Grain, to: Date) => {
  if (grain !== 'MONTH') {
    const aligned = grain === 'WEEK' ? addDays(start, 6 - ((start.getUTCDay() + 6) % 7)) : start;
    const end = addDays(aligned, grain === 'WEEK' ? PAGE_DAYS.WEEK - 7 : PAGE_DAYS.DAY - 1);
    return end < to ? end : to;
  }
  const end = new Date(Date.UTC(start.getUTCFullYear() + 1, start.getUTCMonth(), 0));
  return end < to ? end : to;
};

async function* trend(ctx: SubgraphContext, s: RequestScope, r: ExportRequest): AsyncGenerator<Row> {
  let previous: number | null = null;
  for (let from = r.from!; from <= r.to!; ) {
    const to = periodEnd(from, r.grain, r.to!);
    const page = await insightTrend(ctx, s, { from, to, grain: r.grain, libraryId: r.libraryId });
    for (const p of page.points) {
      // The change is against the previous period, also across pages.
      yield { ...p, period: formatDate(p.period), collectedChangePercent: previous ? percent(p.collectedPaise - previous, previous) : null };
      previous = p.collectedPaise;
    }
    from = addDays(to, 1);
  }
}

async function* heatmap(ctx: SubgraphContext, s: RequestScope, r: ExportRequest): AsyncGenerator<Row> {
  const h = await occupancyHeatmap(ctx, s, r.libraryId!, r.from!, r.to!);
  const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  for (const c of h.cells) yield { weekday: weekdays[c.weekday]!, hour: c.hour, averageInside: c.averageInside, utilisationPercent: c.utilisationPercent, seats: h.seats };
}

async function* atRisk(s: RequestScope, r: ExportRequest): AsyncGenerator<Row> {
  const list = (await studentsAtRisk(s, { libraryId: r.libraryId, first: 500, minProbability: 0 })).students;
  // Names and phones a page of 100 at a time.
  for (let i = 0; i < list.length; i += 100) {
    const page = list.slice(i, i + 100);
    const people = new Map((await ports.campus.students(s.db, page.map((x) => x.studentId))).map((p) => [p.id, p]));
    for (const x of page) {
      const p = people.get(x.studentId);
      yield { studentId: x.studentId, name: p?.name ?? null, phone: p?.phone ?? null, libraryId: x.libraryId, leaveProbability: x.leaveProbability, lateProbability: x.lateProbability, reasons: x.reasons.join('; ') };
    }
  }
}

/** The rows of a report, in order. Input was checked when the link was made (exports.service.ts). */
export async function* reportRows(ctx: SubgraphContext, s: RequestScope, r: ExportRequest): AsyncGenerator<Row> {
  const range = { from: r.from!, to: r.to!, libraryId: r.libraryId };
  switch (r.report) {
    case 'TREND':
      return yield* trend(ctx, s, r);
    case 'HEATMAP':
      return yield* heatmap(ctx, s, r);
    case 'COLLECTION_EFFICIENCY':
      return yield* await collectionEfficiency(ctx, s, range);
    case 'RENEWALS':
      return yield* await renewals(s, range);
    case 'RETENTION':
      for (const c of await retentionCohorts(s, range)) yield { month: c.month, students: c.students, ...Object.fromEntries(c.retainedPercent.map((p, k) => [`month${k + 1}Percent`, p])) };
      return;
    case 'OCCUPANCY_FORECAST':
      for (const p of (await occupancyForecast(ctx, s, r.libraryId!)).points) yield { at: p.at.toISOString(), value: p.value, low: p.low, high: p.high };
      return;
    case 'COLLECTIONS_FORECAST':
      for (const d of (await collectionsForecast(ctx, s, r.libraryId)).days) yield { ...d, day: formatDate(d.day) };
      return;
    case 'STUDENTS_AT_RISK':
      return yield* atRisk(s, r);
    case 'ROWS':
      for (const x of (await insightRows(ctx, s, { libraryId: r.libraryId!, day: r.from!, figure: r.figure as never, first: 200 })).rows) {
        yield { id: x.id, studentId: x.studentId, at: x.at ? x.at.toISOString() : null, amount: x.amount, detail: x.detail };
      }
      return;
  }
}

/** The columns of each report, in order (the CSV's header). */
export const COLUMNS: Record<Report, string[]> = {
  TREND: ['period', 'days', 'checkIns', 'averageDailyStudents', 'averageAllocated', 'utilisationPercent', 'newStudents', 'leavingStudents', 'duesRaisedPaise', 'collectedPaise', 'collectedChangePercent', 'refundedPaise', 'overduePaise', 'smsSent'],
  HEATMAP: ['weekday', 'hour', 'averageInside', 'utilisationPercent', 'seats'],
  COLLECTION_EFFICIENCY: ['month', 'raisedPaise', 'collectedPaise', 'onTimePaise', 'late1To7DaysPaise', 'late8To30DaysPaise', 'lateOver30DaysPaise', 'aheadPaise', 'efficiencyPercent', 'overduePaise'],
  RENEWALS: ['month', 'dueToRenew', 'renewed', 'renewalPercent'],
  RETENTION: ['month', 'students', ...Array.from({ length: 6 }, (_, k) => `month${k + 1}Percent`)],
  OCCUPANCY_FORECAST: ['at', 'value', 'low', 'high'],
  COLLECTIONS_FORECAST: ['day', 'valuePaise', 'lowPaise', 'highPaise'],
  STUDENTS_AT_RISK: ['studentId', 'name', 'phone', 'libraryId', 'leaveProbability', 'lateProbability', 'reasons'],
  ROWS: ['id', 'studentId', 'at', 'amount', 'detail'],
};

/** The file a report downloads as. */
export function filename(r: ExportRequest): string {
  const span = r.from && r.to && daysBetween(r.from, r.to) > 0 ? `-${formatDate(r.from)}-to-${formatDate(r.to)}` : r.from ? `-${formatDate(r.from)}` : '';
  return `${r.report.toLowerCase().replace(/_/g, '-')}${span}.csv`;
}
