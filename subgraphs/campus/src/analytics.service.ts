// Tenant analytics: active students, joiners and leavers in a month, seat utilisation per shift
// today, average daily attendance; and the counts campus adds to Tenant.stats.
import type { TenantPrisma } from '@studyspot/db';
import { badInput } from '@studyspot/runtime';
import { shiftsOverlap, istDay } from './time.ts';

function monthRange(month: string | null | undefined): { start: Date; end: Date } {
  const today = istDay();
  const m = month ?? today.toISOString().slice(0, 7);
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(m);
  if (!match) throw badInput('month must be YYYY-MM', 'month');
  const start = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  const end = new Date(Date.UTC(Number(match[1]), Number(match[2]), 0));
  return { start, end };
}

export async function campusAnalytics(db: TenantPrisma, libraryIds: string[] | null, month?: string | null) {
  const { start, end } = monthRange(month);
  const today = istDay();
  const lastDay = end < today ? end : today;
  const inLibraries = libraryIds ? { libraryId: { in: libraryIds } } : {};
  const [activeStudents, newStudents, endedInMonth, shifts, seats, liveToday, visits] = await Promise.all([
    db.student.count({ where: { status: 'ACTIVE', ...inLibraries } }),
    db.student.count({ where: { joinedOn: { gte: start, lte: end }, ...inLibraries } }),
    db.seatAllocation.findMany({ where: { endDate: { gte: start, lte: end }, status: { in: ['ACTIVE', 'PAUSED', 'CANCELLED'] }, ...inLibraries }, select: { studentId: true, endDate: true } }),
    db.shift.findMany({ where: { active: true, ...inLibraries } }),
    db.seat.groupBy({ by: ['libraryId'], where: { status: 'AVAILABLE', ...inLibraries }, _count: { _all: true } }),
    db.seatAllocation.findMany({ where: { status: { in: ['ACTIVE', 'PAUSED', 'HELD'] }, startDate: { lte: today }, endDate: { gte: today }, ...inLibraries }, select: { libraryId: true, shiftStart: true, shiftEnd: true, seatId: true } }),
    db.visit.groupBy({ by: ['day'], where: { day: { gte: start, lte: lastDay }, ...inLibraries }, _count: { studentId: true } }),
  ]);
  // Churned: an allocation ended in the month and the student has none starting after it.
  const enders = [...new Set(endedInMonth.map((a) => a.studentId))];
  const continuing = enders.length
    ? new Set((await db.seatAllocation.findMany({ where: { studentId: { in: enders }, endDate: { gt: end }, status: { in: ['ACTIVE', 'PAUSED', 'HELD'] } }, select: { studentId: true } })).map((a) => a.studentId))
    : new Set<string>();
  const seatsByLibrary = new Map(seats.map((s) => [s.libraryId, s._count._all]));
  const utilisation = shifts.map((shift) => {
    const allocated = new Set(liveToday.filter((a) => a.libraryId === shift.libraryId && shiftsOverlap({ start: shift.startMinute, end: shift.endMinute }, { start: a.shiftStart, end: a.shiftEnd })).map((a) => a.seatId)).size;
    const total = seatsByLibrary.get(shift.libraryId) ?? 0;
    return { shift, allocated, seats: total, ratio: total ? Math.round((allocated / total) * 1000) / 1000 : 0 };
  });
  const days = Math.max(1, Math.round((lastDay.getTime() - start.getTime()) / 86_400_000) + 1);
  const visitsTotal = visits.reduce((n, d) => n + d._count.studentId, 0);
  return {
    activeStudents,
    newStudents,
    churnedStudents: enders.filter((id) => !continuing.has(id)).length,
    utilisation,
    averageDailyAttendance: lastDay < start ? 0 : Math.round((visitsTotal / days) * 100) / 100,
  };
}

export async function tenantCounts(db: TenantPrisma) {
  const today = istDay();
  const [libraryCount, seatCount, studentCount, activeStudentCount, activeAllocationCount, insideNow] = await Promise.all([
    db.library.count(),
    db.seat.count(),
    db.student.count(),
    db.student.count({ where: { status: 'ACTIVE' } }),
    db.seatAllocation.count({ where: { status: { in: ['ACTIVE', 'PAUSED', 'HELD'] }, startDate: { lte: today }, endDate: { gte: today } } }),
    db.visit.count({ where: { checkedOutAt: null } }),
  ]);
  return { libraryCount, seatCount, studentCount, activeStudentCount, activeAllocationCount, insideNow };
}
