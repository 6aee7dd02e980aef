// Tenant analytics: active students, joiners and leavers in a month, seat utilisation per shift
// today, average daily attendance; and the counts campus adds to Tenant.stats.
import type { TenantPrisma } from '@studyspot/db';
import { badInput } from '@studyspot/runtime';
import type { Scope } from '../shared/scope.ts';
import { istDay, shiftsOverlap } from '../shared/time.ts';
import * as repo from './analytics.repository.ts';

function monthRange(month: string | null | undefined): { start: Date; end: Date } {
  const today = istDay();
  const m = month ?? today.toISOString().slice(0, 7);
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(m);
  if (!match) throw badInput('month must be YYYY-MM', 'month');
  const start = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  const end = new Date(Date.UTC(Number(match[1]), Number(match[2]), 0));
  return { start, end };
}

export async function campusAnalytics(s: Scope, month?: string | null) {
  const { start, end } = monthRange(month);
  const today = istDay();
  const lastDay = end < today ? end : today;
  const f = await repo.monthFacts(s.db, s.libraryIds, { start, end, lastDay, today });
  // Churned: an allocation ended in the month and the student has none starting after it.
  const enders = [...new Set(f.endedInMonth.map((a) => a.studentId))];
  const continuing = await repo.studentsContinuingAfter(s.db, enders, end);
  const utilisation = f.shifts.map((shift) => {
    const allocated = new Set(f.liveToday.filter((a) => a.libraryId === shift.libraryId && shiftsOverlap({ start: shift.startMinute, end: shift.endMinute }, { start: a.shiftStart, end: a.shiftEnd })).map((a) => a.seatId)).size;
    const total = f.availableSeats.get(shift.libraryId) ?? 0;
    return { shift, allocated, seats: total, ratio: total ? Math.round((allocated / total) * 1000) / 1000 : 0 };
  });
  const days = Math.max(1, Math.round((lastDay.getTime() - start.getTime()) / 86_400_000) + 1);
  return {
    activeStudents: f.activeStudents,
    newStudents: f.newStudents,
    churnedStudents: enders.filter((id) => !continuing.has(id)).length,
    utilisation,
    averageDailyAttendance: lastDay < start ? 0 : Math.round((f.visitsTotal / days) * 100) / 100,
  };
}

/** The counts campus adds to Tenant.stats. */
export const tenantCounts = (db: TenantPrisma) => repo.tenantCounts(db, istDay());
