// The only code in campus that talks to Prisma. Returns plain rows with just the selected fields.
import type { TenantPrisma } from '@studyspot/db';
import { KEYSET_ORDER } from '@studyspot/runtime';

const LIBRARY_SELECT = { id: true, name: true, city: true, address: true, capacity: true, createdAt: true } as const;
const STUDENT_SELECT = { id: true, name: true, phone: true, email: true, status: true, libraryId: true, createdAt: true } as const;

export type LibraryRow = Awaited<ReturnType<typeof findLibrariesByIds>>[number];
export type StudentRow = Awaited<ReturnType<typeof findStudentsByIds>>[number];


export function findLibrariesByIds(db: TenantPrisma, ids: readonly string[]) {
  return db.library.findMany({ where: { id: { in: [...ids] } }, select: LIBRARY_SELECT });
}

export function listLibraries(db: TenantPrisma, take: number, where: object) {
  return db.library.findMany({ where, orderBy: KEYSET_ORDER, take, select: LIBRARY_SELECT });
}

export async function countSeatsByLibrary(db: TenantPrisma, libraryIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.seat.groupBy({ by: ['libraryId'], where: { libraryId: { in: [...libraryIds] } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.libraryId, r._count._all]));
}

export function findStudentsByIds(db: TenantPrisma, ids: readonly string[]) {
  return db.student.findMany({ where: { id: { in: [...ids] } }, select: STUDENT_SELECT });
}

export function listStudents(db: TenantPrisma, take: number, where: object, filter: { libraryId?: string; search?: string | null }) {
  const search = filter.search?.trim();
  return db.student.findMany({
    where: {
      AND: [
        where,
        filter.libraryId ? { libraryId: filter.libraryId } : {},
        search ? { OR: [{ name: { contains: search, mode: 'insensitive' as const } }, { phone: { contains: search } }] } : {},
      ],
    },
    orderBy: KEYSET_ORDER,
    take,
    select: STUDENT_SELECT,
  });
}

export async function tenantCounts(db: TenantPrisma) {
  const [libraryCount, seatCount, studentCount, activeStudentCount] = await Promise.all([
    db.library.count(),
    db.seat.count(),
    db.student.count(),
    db.student.count({ where: { status: 'ACTIVE' } }),
  ]);
  return { libraryCount, seatCount, studentCount, activeStudentCount };
}
