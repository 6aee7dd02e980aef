// The help desk's report, per branch: tickets raised in the period, open and overdue now, resolved in
// the period and the share of those that met both SLA deadlines, median minutes to the first public
// reply, and the average satisfaction — one aggregate statement.
import { addDays, clock, istDayStart, isUuid, ports, type RequestScope } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { branchesAsked } from '../shared/scope.ts';
import * as repo from './tickets.repository.ts';

export type ReportRow = { libraryId: string | null; libraryName: string | null; raised: number; openNow: number; overdueNow: number; resolved: number; slaMet: number; slaMetPercent: number | null; medianFirstResponseMinutes: number | null; satisfactionAverage: number | null; rated: number };

export async function ticketReport(s: RequestScope, from: Date, to: Date, libraryId: string | null | undefined) {
  if (to < from) return { rows: [], total: null, ...fail('INVALID_INPUT', 'to is before from', 'to') };
  if (libraryId && !isUuid(libraryId)) return { rows: [], total: null, userErrors: [] };
  const scope = branchesAsked(s, libraryId);
  const rows = await repo.report(s.db, istDayStart(from), istDayStart(addDays(to, 1)), clock.now(), scope);
  const names = new Map((await ports.campus.libraries(s.db, rows.map((r) => r.library_id))).map((l) => [l.id, l.name]));
  const shape = (r: repo.TicketReportRow): ReportRow => ({
    libraryId: r.library_id,
    libraryName: names.get(r.library_id) ?? null,
    raised: r.opened,
    openNow: r.open_now,
    overdueNow: r.overdue,
    resolved: r.resolved,
    slaMet: r.sla_met,
    slaMetPercent: r.resolved ? Math.round((r.sla_met / r.resolved) * 1000) / 10 : null,
    medianFirstResponseMinutes: r.first_response_minutes_median === null ? null : Math.round(r.first_response_minutes_median),
    satisfactionAverage: r.satisfaction_avg === null ? null : Math.round(r.satisfaction_avg * 100) / 100,
    rated: r.rated,
  });
  const out = rows.map(shape);
  const sum = (k: 'raised' | 'openNow' | 'overdueNow' | 'resolved' | 'slaMet' | 'rated') => out.reduce((n, r) => n + r[k], 0);
  const rated = sum('rated');
  const total: ReportRow = {
    libraryId: null,
    libraryName: null,
    raised: sum('raised'),
    openNow: sum('openNow'),
    overdueNow: sum('overdueNow'),
    resolved: sum('resolved'),
    slaMet: sum('slaMet'),
    slaMetPercent: sum('resolved') ? Math.round((sum('slaMet') / sum('resolved')) * 1000) / 10 : null,
    // The median of medians is not a median: the whole's is left to the rows.
    medianFirstResponseMinutes: out.length === 1 ? out[0]!.medianFirstResponseMinutes : null,
    satisfactionAverage: rated ? Math.round((out.reduce((n, r) => n + (r.satisfactionAverage ?? 0) * r.rated, 0) / rated) * 100) / 100 : null,
    rated,
  };
  return { rows: out, total, userErrors: [] };
}
