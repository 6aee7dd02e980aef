// Students: register, edit, suspend, search; bulk import from CSV.
import { randomUUID } from 'node:crypto';
import { isEmail, normalizeIndianMobile, topics, type SubgraphContext } from '@studyspot/runtime';
import { parse } from 'csv-parse/sync';
import { visibleLibrary, type Scope } from './access.ts';
import { planLimitError } from './plan-limits.ts';
import { campusError, fail, violation, type CampusUserError } from './errors.ts';
import { formatDate, istDay, parseDate } from './time.ts';

const ID_PROOFS = ['AADHAAR', 'PAN', 'DRIVING_LICENCE', 'PASSPORT', 'VOTER_ID', 'STUDENT_ID'] as const;
type IdProof = (typeof ID_PROOFS)[number];

export interface StudentInput {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  guardianName?: string | null;
  guardianPhone?: string | null;
  address?: string | null;
  preparingFor?: string | null;
  joinedOn?: Date | null;
  photoUrl?: string | null;
  idProofType?: IdProof | null;
  idProofNumber?: string | null;
  libraryId?: string | null;
}

export interface StudentData {
  name?: string;
  phone?: string;
  email?: string | null;
  guardianName?: string | null;
  guardianPhone?: string | null;
  address?: string | null;
  preparingFor?: string | null;
  joinedOn?: Date;
  photoUrl?: string | null;
  idProofType?: IdProof | null;
  idProofLast4?: string | null;
  libraryId?: string | null;
}

/** Validates and normalizes; absent fields are left out. `field` names the input field at fault. */
export function studentData(input: StudentInput, creating: boolean): StudentData | CampusUserError {
  const out: StudentData = {};
  const bad = (field: string, message: string) => campusError('INVALID_INPUT', message, 'input', field);
  if (input.name != null || creating) {
    const name = input.name?.trim();
    if (!name) return bad('name', 'name is required');
    if (name.length > 120) return bad('name', 'name is at most 120 characters');
    out.name = name;
  }
  if (input.phone != null || creating) {
    const phone = input.phone ? normalizeIndianMobile(input.phone) : null;
    if (!phone) return bad('phone', 'phone must be a 10-digit Indian mobile number');
    out.phone = phone;
  }
  if (input.email !== undefined) {
    const email = input.email?.trim().toLowerCase() || null;
    if (email && !isEmail(email)) return bad('email', 'email is not an email address');
    out.email = email;
  }
  if (input.guardianPhone !== undefined) {
    const g = input.guardianPhone ? normalizeIndianMobile(input.guardianPhone) : null;
    if (input.guardianPhone && !g) return bad('guardianPhone', 'guardianPhone must be a 10-digit Indian mobile number');
    out.guardianPhone = g;
  }
  for (const k of ['guardianName', 'address', 'preparingFor'] as const) if (input[k] !== undefined) out[k] = input[k]?.trim() || null;
  if (input.joinedOn) {
    if (input.joinedOn > istDay()) return bad('joinedOn', 'joinedOn cannot be in the future');
    out.joinedOn = input.joinedOn;
  }
  if (input.photoUrl !== undefined) {
    if (input.photoUrl && !/^https:\/\/\S+$/.test(input.photoUrl)) return bad('photoUrl', 'photoUrl must be an https URL');
    out.photoUrl = input.photoUrl || null;
  }
  if (input.idProofType !== undefined) out.idProofType = input.idProofType;
  if (input.idProofNumber !== undefined) {
    const n = input.idProofNumber?.replace(/[\s-]/g, '') ?? '';
    if (n && !/^[A-Za-z0-9]{4,20}$/.test(n)) return bad('idProofNumber', 'idProofNumber must be 4-20 letters or digits');
    // Only the last 4 characters are kept: the full number never reaches the database.
    out.idProofLast4 = n ? n.slice(-4).toUpperCase() : null;
    if (n && !(input.idProofType ?? null)) return bad('idProofType', 'idProofType is required with idProofNumber');
  }
  if (input.libraryId !== undefined) out.libraryId = input.libraryId;
  return out;
}

const isError = (x: object): x is CampusUserError => 'code' in x && 'message' in x;

async function checkLibrary(s: Scope, libraryId: string | null | undefined) {
  return !libraryId || Boolean(await visibleLibrary(s, libraryId));
}

export async function createStudent(ctx: SubgraphContext, s: Scope, input: StudentInput) {
  const data = studentData(input, true);
  if (isError(data)) return { userErrors: [data] };
  if (!(await checkLibrary(s, data.libraryId))) return fail('NOT_FOUND', 'No such library', 'input', 'libraryId');
  const limited = await planLimitError(ctx, s, 'students', 1);
  if (limited) return limited;
  try {
    const student = await s.db.student.create({ data: data as never });
    await ctx.audit({ action: 'student.create', targetType: 'Student', targetId: student.id, tenantId: s.tenantId });
    return { student, userErrors: [] };
  } catch (err) {
    if (violation(err) === 'unique') return fail('DUPLICATE', 'A student with this phone is registered already', 'input', 'phone');
    throw err;
  }
}

export async function updateStudent(s: Scope, id: string, input: StudentInput) {
  const data = studentData(input, false);
  if (isError(data)) return { userErrors: [data] };
  const existing = await visibleStudent(s, id);
  if (!existing) return fail('NOT_FOUND', 'No such student');
  if (!(await checkLibrary(s, data.libraryId))) return fail('NOT_FOUND', 'No such library', 'input', 'libraryId');
  try {
    return { student: await s.db.student.update({ where: { id }, data: data as never }), userErrors: [] };
  } catch (err) {
    if (violation(err) === 'unique') return fail('DUPLICATE', 'A student with this phone is registered already', 'input', 'phone');
    throw err;
  }
}

/** A student the caller may see: branch-limited staff see students of their branches (or with no branch). */
export async function visibleStudent(s: Scope, id: string) {
  const st = await s.db.student.findUnique({ where: { id } }).catch(() => null);
  if (!st) return null;
  if (s.libraryIds && st.libraryId && !s.libraryIds.includes(st.libraryId)) return null;
  return st;
}

export async function setStudentStatus(ctx: SubgraphContext, s: Scope, id: string, status: 'ACTIVE' | 'SUSPENDED') {
  const st = await visibleStudent(s, id);
  if (!st) return fail('NOT_FOUND', 'No such student');
  if (st.status === status) return fail('INVALID_STATE', `The student is ${status} already`);
  const student = await s.db.student.update({ where: { id }, data: { status } });
  await ctx.audit({ action: status === 'SUSPENDED' ? 'student.suspend' : 'student.reactivate', targetType: 'Student', targetId: id, tenantId: s.tenantId });
  if (st.libraryId) await ctx.events.publish(topics.library(s.tenantId, st.libraryId), { type: 'STUDENT_STATUS_CHANGED', studentId: id, status });
  return { student, userErrors: [] };
}

/** Students are never deleted (payments and attendance refer to them): they leave. */
export async function removeStudent(ctx: SubgraphContext, s: Scope, id: string, cancel: (allocationId: string) => Promise<unknown>) {
  const st = await visibleStudent(s, id);
  if (!st) return fail('NOT_FOUND', 'No such student');
  if (st.status === 'LEFT') return fail('INVALID_STATE', 'The student has left already');
  const live = await s.db.seatAllocation.findMany({ where: { studentId: id, status: { in: ['HELD', 'ACTIVE', 'PAUSED'] } }, select: { id: true } });
  for (const a of live) await cancel(a.id);
  await s.db.waitlistEntry.updateMany({ where: { studentId: id, status: 'WAITING' }, data: { status: 'WITHDRAWN' } });
  const student = await s.db.student.update({ where: { id }, data: { status: 'LEFT' } });
  await ctx.audit({ action: 'student.remove', targetType: 'Student', targetId: id, tenantId: s.tenantId, details: { cancelledAllocations: live.length } });
  return { student, userErrors: [] };
}

// ---------------------------------------------------------------------------------------------
// Import

export const MAX_IMPORT_ROWS = 20_000;
const COLUMNS = ['name', 'phone', 'email', 'guardianName', 'guardianPhone', 'address', 'preparingFor', 'joinedOn', 'idProofType', 'idProofNumber'] as const;
const CHUNK = 1_000;

export interface ImportResult {
  created: number;
  updated: number;
  skipped: number;
  rowErrors: { row: number; column: string | null; message: string }[];
  userErrors: CampusUserError[];
}

function parseJoinedOn(v: string): Date | null {
  const iso = parseDate(v);
  if (iso) return iso;
  const m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(v); // DD/MM/YYYY, as Indian spreadsheets write it
  return m ? parseDate(`${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`) : null;
}

/**
 * Validates every row, then writes the valid ones in one transaction with set-based upserts
 * (INSERT … ON CONFLICT (phone) DO UPDATE over unnest()ed arrays, 1,000 rows a statement): a phone
 * already registered updates that student, so importing the same file twice changes nothing.
 */
export async function importStudents(ctx: SubgraphContext, s: Scope, csv: string, libraryId: string | null | undefined): Promise<ImportResult> {
  const empty = { created: 0, updated: 0, skipped: 0, rowErrors: [] };
  if (libraryId && !(await visibleLibrary(s, libraryId))) return { ...empty, ...fail('NOT_FOUND', 'No such library', 'libraryId') };
  let records: string[][];
  try {
    records = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (err) {
    return { ...empty, ...fail('INVALID_INPUT', `The file is not valid CSV: ${(err as Error).message}`, 'csv') };
  }
  const header = records[0]?.map((h) => h.trim()) ?? [];
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
  if (!header.includes('name') || !header.includes('phone')) return { ...empty, ...fail('INVALID_INPUT', 'The header row must name at least the columns name and phone', 'csv') };
  if (unknown.length) return { ...empty, ...fail('INVALID_INPUT', `Unknown columns: ${unknown.join(', ')} (known: ${COLUMNS.join(', ')})`, 'csv') };
  if (records.length - 1 > MAX_IMPORT_ROWS) return { ...empty, ...fail('INVALID_INPUT', `At most ${MAX_IMPORT_ROWS} rows per import`, 'csv') };

  const rowErrors: ImportResult['rowErrors'] = [];
  const valid = new Map<string, StudentData & { row: number }>();
  for (let i = 1; i < records.length; i++) {
    const row = i + 1;
    const cells = records[i]!;
    const get = (c: string) => {
      const idx = header.indexOf(c);
      return idx === -1 ? undefined : cells[idx]?.trim() || null;
    };
    let joinedOn: Date | undefined;
    const joined = get('joinedOn');
    if (joined) {
      const d = parseJoinedOn(joined);
      if (!d) {
        rowErrors.push({ row, column: 'joinedOn', message: 'joinedOn must be YYYY-MM-DD or DD/MM/YYYY' });
        continue;
      }
      joinedOn = d;
    }
    const proof = get('idProofType')?.toUpperCase().replace(/\s+/g, '_');
    if (proof && !(ID_PROOFS as readonly string[]).includes(proof)) {
      rowErrors.push({ row, column: 'idProofType', message: `idProofType must be one of ${ID_PROOFS.join(', ')}` });
      continue;
    }
    const data = studentData(
      {
        name: get('name'),
        phone: get('phone'),
        email: get('email'),
        guardianName: get('guardianName'),
        guardianPhone: get('guardianPhone'),
        address: get('address'),
        preparingFor: get('preparingFor'),
        joinedOn,
        idProofType: (proof as IdProof | undefined) ?? undefined,
        idProofNumber: get('idProofNumber'),
      },
      true,
    );
    if (isError(data)) {
      rowErrors.push({ row, column: data.field?.[1] ?? null, message: data.message });
      continue;
    }
    const earlier = valid.get(data.phone!);
    if (earlier) {
      rowErrors.push({ row, column: 'phone', message: `The same phone is on row ${earlier.row}` });
      continue;
    }
    valid.set(data.phone!, { ...data, row });
  }

  const rows = [...valid.values()];
  // Rows whose phone is new become students: they must fit the plan, or nothing is imported.
  const known = rows.length ? await s.db.student.count({ where: { phone: { in: rows.map((r) => r.phone!) } } }) : 0;
  const limited = await planLimitError(ctx, s, 'students', rows.length - known, 'csv');
  if (limited) return { ...empty, rowErrors, ...limited };
  let created = 0;
  await s.db.$transaction(
    async (tx) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = rows.slice(i, i + CHUNK);
        const col = <T>(f: (r: (typeof chunk)[number]) => T) => chunk.map(f);
        const inserted = await tx.$queryRaw<{ inserted: boolean }[]>`
          INSERT INTO students (id, name, phone, email, guardian_name, guardian_phone, address, preparing_for, joined_on, id_proof_type, id_proof_last4, library_id, updated_at)
          SELECT u.id, u.name, u.phone, u.email, u.guardian_name, u.guardian_phone, u.address, u.preparing_for, COALESCE(u.joined_on, ${formatDate(istDay())}::date), u.id_proof_type::"IdProofType", u.id_proof_last4, u.library_id, now()
          FROM unnest(
            ${col(() => randomUUID())}::uuid[], ${col((r) => r.name!)}::text[], ${col((r) => r.phone!)}::text[], ${col((r) => r.email ?? null)}::text[],
            ${col((r) => r.guardianName ?? null)}::text[], ${col((r) => r.guardianPhone ?? null)}::text[], ${col((r) => r.address ?? null)}::text[],
            ${col((r) => r.preparingFor ?? null)}::text[], ${col((r) => (r.joinedOn ? formatDate(r.joinedOn) : null))}::date[],
            ${col((r) => r.idProofType ?? null)}::text[], ${col((r) => r.idProofLast4 ?? null)}::text[], ${col(() => libraryId ?? null)}::uuid[]
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
  await ctx.audit({ action: 'student.import', targetType: 'Library', targetId: libraryId ?? undefined, tenantId: s.tenantId, details: { rows: records.length - 1, imported: rows.length, skipped: rowErrors.length } });
  return { created, updated: rows.length - created, skipped: rowErrors.length, rowErrors, userErrors: [] };
}
