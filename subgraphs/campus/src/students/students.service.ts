// Students: register, edit, suspend, remove, search. (Bulk import from CSV: import.service.ts.)
import { isEmail, isUuid, isViolation, normalizeIndianMobile, paginate, ports, topics, type ConnectionArgs, type SubgraphContext } from '@studyspot/runtime';
import type { CorePrisma, TenantPrisma } from '@studyspot/db';
import { liveAllocationIdsOf } from '../allocations/allocations.repository.ts';
import { withdrawWaitingOf } from '../allocations/waitlist.repository.ts';
import { campusError, fail, isUserError as isError, type CampusUserError } from '../errors.ts';
import { planLimitError } from '../shared/plan-limits.ts';
import { visibleLibrary, type Scope } from '../shared/scope.ts';
import { istDay } from '../shared/time.ts';
import * as repo from './students.repository.ts';

export const ID_PROOFS = ['AADHAAR', 'PAN', 'DRIVING_LICENCE', 'PASSPORT', 'VOTER_ID', 'STUDENT_ID'] as const;
export type IdProof = (typeof ID_PROOFS)[number];

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

async function checkLibrary(s: Scope, libraryId: string | null | undefined) {
  return !libraryId || Boolean(await visibleLibrary(s, libraryId));
}

export async function createStudent(ctx: SubgraphContext, s: Scope, input: StudentInput) {
  const data = studentData(input, true);
  if (isError(data)) return { userErrors: [data] };
  if (!(await checkLibrary(s, data.libraryId))) return fail('NOT_FOUND', 'No such library', 'input', 'libraryId');
  const limited = await planLimitError(ctx, s, 'students', 1);
  if (limited) return limited;
  const student = await repo.createStudent(s.db, { ...data, name: data.name!, phone: data.phone! });
  if (isViolation(student)) return phoneTaken();
  await ctx.audit({ action: 'student.create', targetType: 'Student', targetId: student.id, tenantId: s.tenantId });
  return { student, userErrors: [] };
}

const phoneTaken = () => fail('DUPLICATE', 'A student with this phone is registered already', 'input', 'phone');

export async function updateStudent(s: Scope, id: string, input: StudentInput) {
  const data = studentData(input, false);
  if (isError(data)) return { userErrors: [data] };
  const existing = await visibleStudent(s, id);
  if (!existing) return fail('NOT_FOUND', 'No such student');
  if (!(await checkLibrary(s, data.libraryId))) return fail('NOT_FOUND', 'No such library', 'input', 'libraryId');
  const student = await repo.updateStudent(s.db, id, data);
  return isViolation(student) ? phoneTaken() : { student, userErrors: [] };
}

/** A student the caller may see: branch-limited staff see students of their branches (or with no branch). */
export async function visibleStudent(s: Scope, id: string) {
  const st = isUuid(id) ? await repo.findStudent(s.db, id) : null;
  if (!st) return null;
  if (s.libraryIds && st.libraryId && !s.libraryIds.includes(st.libraryId)) return null;
  return st;
}

export async function setStudentStatus(ctx: SubgraphContext, s: Scope, id: string, status: 'ACTIVE' | 'SUSPENDED') {
  const st = await visibleStudent(s, id);
  if (!st) return fail('NOT_FOUND', 'No such student');
  if (st.status === status) return fail('INVALID_STATE', `The student is ${status} already`);
  const student = await repo.setStudentStatus(s.db, id, status);
  await ctx.audit({ action: status === 'SUSPENDED' ? 'student.suspend' : 'student.reactivate', targetType: 'Student', targetId: id, tenantId: s.tenantId });
  if (st.libraryId) await ctx.events.publish(topics.library(s.tenantId, st.libraryId), { type: 'STUDENT_STATUS_CHANGED', studentId: id, status });
  return { student, userErrors: [] };
}

/** Students are never deleted (payments and attendance refer to them): they leave. */
export async function removeStudent(ctx: SubgraphContext, s: Scope, id: string, cancel: (allocationId: string) => Promise<unknown>) {
  const st = await visibleStudent(s, id);
  if (!st) return fail('NOT_FOUND', 'No such student');
  if (st.status === 'LEFT') return fail('INVALID_STATE', 'The student has left already');
  const live = await liveAllocationIdsOf(s.db, id);
  for (const allocationId of live) await cancel(allocationId);
  await withdrawWaitingOf(s.db, id);
  const student = await repo.setStudentStatus(s.db, id, 'LEFT');
  await ctx.audit({ action: 'student.remove', targetType: 'Student', targetId: id, tenantId: s.tenantId, details: { cancelledAllocations: live.length } });
  return { student, userErrors: [] };
}

export function listStudents(s: Scope, args: ConnectionArgs, f: repo.StudentListFilter) {
  return paginate(args, (take, where) => repo.listStudents(s.db, take, where, s.libraryIds, f));
}

/**
 * The student record of a signed-in account: the record with the account's id (a student who signed
 * in by OTP), else the one with the account's phone (a student account made by staff).
 */
export async function studentOfAccount(core: CorePrisma, db: TenantPrisma, userId: string) {
  const byId = isUuid(userId) ? await repo.findStudent(db, userId) : null;
  if (byId) return byId;
  const phone = await ports.accounts.phoneOf(core, userId);
  return phone ? repo.findStudentByPhone(db, phone) : null;
}
