// The only code that reads or writes campus's students.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import { idFilter, isUuid, KEYSET_ORDER, orViolation } from '@studyspot/runtime';

export type StudentRow = NonNullable<Awaited<ReturnType<typeof findStudent>>>;

export const findStudent = (db: TenantPrisma, id: string) => db.student.findUnique({ where: { id } });
export const studentsByIds = (db: TenantPrisma, ids: readonly string[]) => db.student.findMany({ where: { id: { in: [...ids] } } });

export const findStudentByPhone = (db: TenantPrisma, phone: string) => db.student.findUnique({ where: { phone } });

/** Students whose id starts with these 12 hex digits (a range of the primary key; at most 2). */
export function studentsByIdPrefix(db: TenantPrisma, hex12: string) {
  const p = `${hex12.slice(0, 8)}-${hex12.slice(8, 12)}`;
  return db.student.findMany({ where: { id: { gte: `${p}-0000-0000-000000000000`, lte: `${p}-ffff-ffff-ffffffffffff` } }, select: { id: true, name: true, phone: true, status: true }, take: 2 });
}

/** Students who count against the plan: everyone but those who left. */
export const countCountedStudents = (db: TenantPrisma) => db.student.count({ where: { status: { not: 'LEFT' } } });
export const countStudentsWithPhones = (db: TenantPrisma, phones: string[]) => db.student.count({ where: { phone: { in: phones } } });

/** The new student, or the unique violation of a phone registered already. */
export const createStudent = (db: TenantPrisma, data: TenantPrismaNs.StudentUncheckedCreateInput) => orViolation(db.student.create({ data }));
export const updateStudent = (db: TenantPrisma, id: string, data: TenantPrismaNs.StudentUncheckedUpdateInput) => orViolation(db.student.update({ where: { id }, data }));
export const setStudentStatus = (db: TenantPrisma, id: string, status: 'ACTIVE' | 'SUSPENDED' | 'LEFT') => db.student.update({ where: { id }, data: { status } });

export interface StudentListFilter {
  search?: string | null;
  status?: StudentRow['status'] | null;
  libraryId?: string | null;
}

/** A page of students; branch-limited callers see their branches' students and those with no branch. */
export function listStudents(db: TenantPrisma, take: number, keyset: object, scopeIds: string[] | null, f: StudentListFilter) {
  const search = f.search?.trim();
  return db.student.findMany({
    where: {
      AND: [
        keyset,
        scopeIds ? { OR: [{ libraryId: { in: scopeIds } }, { libraryId: null }] } : {},
        f.libraryId ? { libraryId: idFilter(f.libraryId) } : {},
        f.status ? { status: f.status } : {},
        search ? { OR: [{ name: { contains: search, mode: 'insensitive' as const } }, { phone: { contains: search.replace(/\D/g, '') || search } }] } : {},
      ],
    },
    orderBy: KEYSET_ORDER,
    take,
  });
}

export interface ImportRow {
  id: string;
  name: string;
  phone: string;
  email: string | null;
  guardianName: string | null;
  guardianPhone: string | null;
  address: string | null;
  preparingFor: string | null;
  /** YYYY-MM-DD, or null for `today`. */
  joinedOn: string | null;
  idProofType: string | null;
  idProofLast4: string | null;
}

const IMPORT_CHUNK = 1_000;

/**
 * Writes imported rows in one transaction with set-based upserts (INSERT … ON CONFLICT (phone) DO
 * UPDATE over unnest()ed arrays, 1,000 rows a statement): a phone already registered updates that
 * student. Returns how many rows were new students.
 */
export async function upsertStudents(db: TenantPrisma, rows: ImportRow[], libraryId: string | null, today: string): Promise<number> {
  let created = 0;
  await db.$transaction(
    async (tx) => {
      for (let i = 0; i < rows.length; i += IMPORT_CHUNK) {
        const chunk = rows.slice(i, i + IMPORT_CHUNK);
        const col = <T>(f: (r: ImportRow) => T) => chunk.map(f);
        const inserted = await tx.$queryRaw<{ inserted: boolean }[]>`
          INSERT INTO students (id, name, phone, email, guardian_name, guardian_phone, address, preparing_for, joined_on, id_proof_type, id_proof_last4, library_id, updated_at)
          SELECT u.id, u.name, u.phone, u.email, u.guardian_name, u.guardian_phone, u.address, u.preparing_for, COALESCE(u.joined_on, ${today}::date), u.id_proof_type::"IdProofType", u.id_proof_last4, u.library_id, now()
          FROM unnest(
            ${col((r) => r.id)}::uuid[], ${col((r) => r.name)}::text[], ${col((r) => r.phone)}::text[], ${col((r) => r.email)}::text[],
            ${col((r) => r.guardianName)}::text[], ${col((r) => r.guardianPhone)}::text[], ${col((r) => r.address)}::text[],
            ${col((r) => r.preparingFor)}::text[], ${col((r) => r.joinedOn)}::date[],
            ${col((r) => r.idProofType)}::text[], ${col((r) => r.idProofLast4)}::text[], ${col(() => libraryId)}::uuid[]
          ) AS u(id, name, phone, email, guardian_name, guardian_phone, address, preparing_for, joined_on, id_proof_type, id_proof_last4, library_id)
          ON CONFLICT (phone) DO UPDATE SET
            name = EXCLUDED.name,
            email = COALESCE(EXCLUDED.email, students.email),
            guardian_name = COALESCE(EXCLUDED.guardian_name, students.guardian_name),
            guardian_phone = COALESCE(EXCLUDED.guardian_phone, students.guardian_phone),
            address = COALESCE(EXCLUDED.address, students.address),
            preparing_for = COALESCE(EXCLUDED.preparing_for, students.preparing_for),
            id_proof_type = COALESCE(EXCLUDED.id_proof_type, students.id_proof_type),
            id_proof_last4 = COALESCE(EXCLUDED.id_proof_last4, students.id_proof_last4),
            library_id = COALESCE(EXCLUDED.library_id, students.library_id),
            updated_at = now()
          RETURNING (xmax = 0) AS inserted`;
        created += inserted.filter((r) => r.inserted).length;
      }
    },
    { timeout: 120_000 },
  );
  return created;
}


/** Contact details of these students (other subgraphs' messages to them). */
export const studentContacts = (db: TenantPrisma, ids: readonly string[]) =>
  db.student.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true, email: true, phone: true, status: true, libraryId: true } });

/**
 * Students by status, branch and a live allocation in a shift (a campaign's audience), by id, at most
 * 50,000. An id that is not a UUID matches nothing.
 */
export function studentsInAudience(db: TenantPrisma, a: { status: 'ACTIVE' | 'SUSPENDED' | 'LEFT'; libraryId?: string | null; shiftId?: string | null }, today: Date) {
  const uuid = (id: string) => (isUuid(id) ? id : '00000000-0000-0000-0000-000000000000');
  const where: TenantPrismaNs.StudentWhereInput = { status: a.status };
  if (a.libraryId) where.libraryId = uuid(a.libraryId);
  if (a.shiftId) where.allocations = { some: { shiftId: uuid(a.shiftId), status: { in: ['ACTIVE', 'PAUSED'] }, endDate: { gte: today } } };
  return db.student.findMany({ where, select: { id: true, name: true }, orderBy: { id: 'asc' }, take: 50_000 });
}
