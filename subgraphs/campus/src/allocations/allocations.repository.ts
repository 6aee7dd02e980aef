// The only code that reads or writes campus's seat allocations. The database's exclusion constraint
// (no_double_booking) refuses overlapping allocations of a seat; writes return that refusal as a
// ConstraintViolation for the service to answer with SEAT_UNAVAILABLE.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import { idFilter, orViolation } from '@studyspot/runtime';

export type AllocationRow = NonNullable<Awaited<ReturnType<typeof findAllocation>>>;

/** Statuses that hold a seat. */
export const LIVE = ['HELD', 'ACTIVE', 'PAUSED'] as const;

export const findAllocation = (db: TenantPrisma, id: string) => db.seatAllocation.findUnique({ where: { id } });
export const findAllocationOrThrow = (db: TenantPrisma, id: string) => db.seatAllocation.findUniqueOrThrow({ where: { id } });
export const allocationsByIds = (db: TenantPrisma, ids: readonly string[]) => db.seatAllocation.findMany({ where: { id: { in: [...ids] } } });

/** Every allocation of these students, newest first. */
export const allocationsOfStudents = (db: TenantPrisma, studentIds: readonly string[]) =>
  db.seatAllocation.findMany({ where: { studentId: { in: [...studentIds] } }, orderBy: [{ startDate: 'desc' }, { createdAt: 'desc' }] });

/** Allocations of these students that hold a seat on `day`, oldest first. */
export const currentAllocationsOf = (db: TenantPrisma, studentIds: readonly string[], day: Date) =>
  db.seatAllocation.findMany({
    where: { studentId: { in: [...studentIds] }, status: { in: [...LIVE] }, startDate: { lte: day }, endDate: { gte: day } },
    orderBy: { createdAt: 'asc' },
  });

/** A library's allocations holding a seat on `date`, with their students (the seat map). */
export const liveAllocationsOn = (db: TenantPrisma, libraryId: string, date: Date) =>
  db.seatAllocation.findMany({ where: { libraryId, status: { in: [...LIVE] }, startDate: { lte: date }, endDate: { gte: date } }, include: { student: true } });

/** Live allocations of a library overlapping the days [from, to] (a seat's availability for a range). */
export const liveAllocationsOverlapping = (db: TenantPrisma, libraryId: string, from: Date, to: Date) =>
  db.seatAllocation.findMany({ where: { libraryId, status: { in: [...LIVE] }, startDate: { lte: to }, endDate: { gte: from } }, select: { seatId: true, shiftStart: true, shiftEnd: true } });

/** A student's live allocation of this seat and shift starting on this day (a retried admission finds the one it made). */
export const liveAllocationFrom = (db: TenantPrisma, studentId: string, seatId: string, shiftId: string, startDate: Date) =>
  db.seatAllocation.findFirst({ where: { studentId, seatId, shiftId, startDate, status: { in: [...LIVE] } } });

export const countLiveInShift = (db: TenantPrisma, shiftId: string) => db.seatAllocation.count({ where: { shiftId, status: { in: [...LIVE] } } });

export const liveAllocationIdsOf = async (db: TenantPrisma, studentId: string) =>
  (await db.seatAllocation.findMany({ where: { studentId, status: { in: [...LIVE] } }, select: { id: true } })).map((a) => a.id);

/** A student's allocations in a library usable on `day` (active or paused), for check-in. */
export const usableAllocationsOn = (db: TenantPrisma, studentId: string, libraryId: string, day: Date) =>
  db.seatAllocation.findMany({ where: { studentId, libraryId, status: { in: ['ACTIVE', 'PAUSED'] }, startDate: { lte: day }, endDate: { gte: day } } });

/** A student's active or paused allocations overlapping [start, end] (attendance history). */
export const allocationsOverlapping = (db: TenantPrisma, studentId: string, start: Date, end: Date) =>
  db.seatAllocation.findMany({ where: { studentId, status: { in: ['ACTIVE', 'PAUSED'] }, startDate: { lte: end }, endDate: { gte: start } } });

export const myAllocations = (db: TenantPrisma, studentId: string) => db.seatAllocation.findMany({ where: { studentId }, orderBy: { startDate: 'desc' } });

export type NewAllocationRow = TenantPrismaNs.SeatAllocationUncheckedCreateInput;

export const createAllocation = (db: TenantPrisma, data: NewAllocationRow) => orViolation(db.seatAllocation.create({ data }));

/**
 * Applies `data` only if the allocation is still in the status and end date read (so a concurrent
 * change cannot be overwritten): true when applied, false when it changed meanwhile.
 */
export async function updateIfUnchanged(db: TenantPrisma, id: string, seen: { status: AllocationRow['status']; endDate: Date }, data: TenantPrismaNs.SeatAllocationUncheckedUpdateManyInput) {
  return orViolation(db.seatAllocation.updateMany({ where: { id, status: seen.status, endDate: seen.endDate }, data }).then((r) => r.count === 1));
}

/** Holds whose time is up. */
export const lapsedHolds = (db: TenantPrisma, now: Date) => db.seatAllocation.findMany({ where: { status: 'HELD', holdExpiresAt: { lte: now } } });

/** Lapses a hold; false when it was no longer held. */
export const expireHold = async (db: TenantPrisma, id: string) => (await db.seatAllocation.updateMany({ where: { id, status: 'HELD' }, data: { status: 'EXPIRED' } })).count === 1;

export const setExpired = (db: TenantPrisma, id: string) => db.seatAllocation.update({ where: { id }, data: { status: 'EXPIRED' } });

/** When the earliest hold lapses (the campus work's next due time). */
export const earliestHoldExpiry = async (db: TenantPrisma) =>
  (await db.seatAllocation.findFirst({ where: { status: 'HELD', holdExpiresAt: { not: null } }, orderBy: { holdExpiresAt: 'asc' }, select: { holdExpiresAt: true } }))?.holdExpiresAt ?? null;

const WITH_NAMES = { student: { select: { name: true } }, seat: { select: { label: true } }, shift: { select: { name: true } }, library: { select: { name: true } } } as const;

/** Allocations made active since `since`, with the names a message about them needs (at most 5,000). */
export const activatedSince = (db: TenantPrisma, since: Date) => db.seatAllocation.findMany({ where: { status: 'ACTIVE', createdAt: { gte: since } }, include: WITH_NAMES, take: 5_000 });

/** Seats held on offer now, with the names a message about them needs (at most 5,000). */
export const heldOffers = (db: TenantPrisma, now: Date) => db.seatAllocation.findMany({ where: { status: 'HELD', holdExpiresAt: { gt: now } }, include: WITH_NAMES, take: 5_000 });

/** Active allocations that started by `startedBy` and run through `today` (absence streaks), at most 5,000. */
export const activeSince = (db: TenantPrisma, startedBy: Date, today: Date) =>
  db.seatAllocation.findMany({
    where: { status: 'ACTIVE', startDate: { lte: startedBy }, endDate: { gte: today } },
    select: { studentId: true, startDate: true, library: { select: { name: true } }, student: { select: { name: true } } },
    take: 5_000,
  });

export const changedSince = (db: TenantPrisma, since: Date) => db.seatAllocation.findMany({ where: { updatedAt: { gte: since } }, select: { id: true, updatedAt: true } });

/** An allocation as its dues need it, locked (FOR UPDATE) for the rest of the caller's transaction. */
export async function lockForDues(tx: TenantPrismaNs.TransactionClient, id: string) {
  const [a] = await tx.$queryRaw<
    { id: string; student_id: string; library_id: string; kind: 'MONTHLY' | 'DAY_PASS'; status: string; start_date: Date; end_date: Date; paused_from: Date | null; paused_until: Date | null; price_paise: number; updated_at: Date }[]
  >`SELECT id, student_id, library_id, kind::text AS kind, status::text AS status, start_date, end_date, paused_from, paused_until, price_paise, updated_at
    FROM seat_allocations WHERE id = ${id}::uuid FOR UPDATE`;
  return a
    ? { id: a.id, studentId: a.student_id, libraryId: a.library_id, kind: a.kind, status: a.status, startDate: a.start_date, endDate: a.end_date, pausedFrom: a.paused_from, pausedUntil: a.paused_until, pricePaise: a.price_paise, updatedAt: a.updated_at }
    : null;
}

export const idsInShift = async (db: TenantPrisma, shiftId: string) => (await db.seatAllocation.findMany({ where: { shiftId: idFilter(shiftId) }, select: { id: true } })).map((a) => a.id);
