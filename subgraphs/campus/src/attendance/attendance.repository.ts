// The only code that reads or writes campus's visits and used kiosk codes.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import { orViolation } from '@studyspot/runtime';

export type VisitRow = NonNullable<Awaited<ReturnType<typeof findVisitOrThrow>>>;

/** The new visit, or the unique violation of a student already inside (one open visit per student). */
export const createVisit = (db: TenantPrisma, data: TenantPrismaNs.VisitUncheckedCreateInput) => orViolation(db.visit.create({ data }));

/** Closes an open visit; false when it was closed already. */
export async function closeVisit(db: TenantPrisma, id: string, at: Date, data: { outSource?: 'KIOSK_QR' | 'STAFF'; autoClosed?: boolean }) {
  return (await db.visit.updateMany({ where: { id, checkedOutAt: null }, data: { checkedOutAt: at, ...data } })).count === 1;
}

export const findVisitOrThrow = (db: TenantPrisma, id: string) => db.visit.findUniqueOrThrow({ where: { id } });

/** The student's open visit (in this library, when given). */
export const openVisitOf = (db: TenantPrisma, studentId: string, libraryId?: string) => db.visit.findFirst({ where: { studentId, ...(libraryId ? { libraryId } : {}), checkedOutAt: null } });

export const openVisitsOfLibrary = (db: TenantPrisma, libraryId: string) => db.visit.findMany({ where: { libraryId, checkedOutAt: null } });

/** Records a kiosk code as used by the student; the unique violation when it was used already. */
export const useKioskCode = (db: TenantPrisma, nonce: string, studentId: string) => orViolation(db.kioskTokenUse.create({ data: { nonce, studentId } }));

export const visitsBetween = (db: TenantPrisma, studentId: string, start: Date, end: Date) =>
  db.visit.findMany({ where: { studentId, day: { gte: start, lte: end } }, orderBy: { checkedInAt: 'desc' } });

/** The zone of each open visit's seat (occupancy by zone). */
export const openVisitZones = async (db: TenantPrisma, libraryId: string) =>
  (await db.visit.findMany({ where: { libraryId, checkedOutAt: null }, select: { seat: { select: { zone: true } } } })).map((v) => v.seat?.zone ?? null);

/** Visits of a library that overlap [start, end). */
export const visitsOverlapping = (db: TenantPrisma, libraryId: string, start: Date, end: Date) =>
  db.visit.findMany({ where: { libraryId, checkedInAt: { lt: end }, OR: [{ checkedOutAt: null }, { checkedOutAt: { gt: start } }] }, select: { checkedInAt: true, checkedOutAt: true } });

export const visitsOfLibraryOn = (db: TenantPrisma, libraryId: string, day: Date) => db.visit.findMany({ where: { libraryId, day }, orderBy: { checkedInAt: 'desc' } });

export const visitsByIdsInLibrary = (db: TenantPrisma, ids: string[], libraryId: string) => db.visit.findMany({ where: { id: { in: ids }, libraryId } });

/** Visits of these students on `day`, in check-in order. */
export const visitsOfStudentsOn = (db: TenantPrisma, studentIds: readonly string[], day: Date) =>
  db.visit.findMany({ where: { studentId: { in: [...studentIds] }, day }, orderBy: { checkedInAt: 'asc' } });

/** Each of these students' latest check-in (one statement). */
export async function lastCheckIns(db: TenantPrisma, studentIds: readonly string[]): Promise<Map<string, Date>> {
  if (!studentIds.length) return new Map();
  const rows = await db.visit.groupBy({ by: ['studentId'], where: { studentId: { in: [...studentIds] } }, _max: { checkedInAt: true } });
  return new Map(rows.filter((r) => r._max.checkedInAt).map((r) => [r.studentId, r._max.checkedInAt!]));
}
