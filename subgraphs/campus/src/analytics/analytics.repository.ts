// The reads behind campus analytics and Tenant.stats: counts and groupings over students, seats,
// shifts, allocations and visits (all campus's tables), each one statement.
import type { TenantPrisma } from '@studyspot/db';

const LIVE = ['ACTIVE', 'PAUSED', 'HELD'] as const;

/** What a month's analytics need, read in parallel. `libraryIds` null: every branch. */
export async function monthFacts(db: TenantPrisma, libraryIds: string[] | null, m: { start: Date; end: Date; lastDay: Date; today: Date }) {
  const inLibraries = libraryIds ? { libraryId: { in: libraryIds } } : {};
  const [activeStudents, newStudents, endedInMonth, shifts, seats, liveToday, visits] = await Promise.all([
    db.student.count({ where: { status: 'ACTIVE', ...inLibraries } }),
    db.student.count({ where: { joinedOn: { gte: m.start, lte: m.end }, ...inLibraries } }),
    db.seatAllocation.findMany({ where: { endDate: { gte: m.start, lte: m.end }, status: { in: ['ACTIVE', 'PAUSED', 'CANCELLED'] }, ...inLibraries }, select: { studentId: true, endDate: true } }),
    db.shift.findMany({ where: { active: true, ...inLibraries } }),
    db.seat.groupBy({ by: ['libraryId'], where: { status: 'AVAILABLE', ...inLibraries }, _count: { _all: true } }),
    db.seatAllocation.findMany({ where: { status: { in: [...LIVE] }, startDate: { lte: m.today }, endDate: { gte: m.today }, ...inLibraries }, select: { libraryId: true, shiftStart: true, shiftEnd: true, seatId: true } }),
    db.visit.groupBy({ by: ['day'], where: { day: { gte: m.start, lte: m.lastDay }, ...inLibraries }, _count: { studentId: true } }),
  ]);
  return {
    activeStudents,
    newStudents,
    endedInMonth,
    shifts,
    availableSeats: new Map(seats.map((s) => [s.libraryId, s._count._all])),
    liveToday,
    visitsTotal: visits.reduce((n, d) => n + d._count.studentId, 0),
  };
}

/** Of these students, those with a live allocation ending after `after`. */
export async function studentsContinuingAfter(db: TenantPrisma, studentIds: string[], after: Date): Promise<Set<string>> {
  if (!studentIds.length) return new Set();
  const rows = await db.seatAllocation.findMany({ where: { studentId: { in: studentIds }, endDate: { gt: after }, status: { in: [...LIVE] } }, select: { studentId: true } });
  return new Set(rows.map((a) => a.studentId));
}

export async function tenantCounts(db: TenantPrisma, today: Date) {
  const [libraryCount, seatCount, studentCount, activeStudentCount, activeAllocationCount, insideNow] = await Promise.all([
    db.library.count(),
    db.seat.count(),
    db.student.count(),
    db.student.count({ where: { status: 'ACTIVE' } }),
    db.seatAllocation.count({ where: { status: { in: [...LIVE] }, startDate: { lte: today }, endDate: { gte: today } } }),
    db.visit.count({ where: { checkedOutAt: null } }),
  ]);
  return { libraryCount, seatCount, studentCount, activeStudentCount, activeAllocationCount, insideNow };
}
