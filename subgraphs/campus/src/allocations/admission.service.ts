// Admissions' one write into campus (the campus port's `admit`, called by engagement's conversion):
// the student with the lead's phone — made when there is none — and, when a seat is asked for, their
// allocation of it, which raises the first dues. Every step finds what an earlier attempt made before
// making anything, so a conversion retried after a failure half-way makes nothing twice.
import { type Admission, type AdmissionError, type Admitted, type SubgraphContext } from '@studyspot/runtime';
import type { CampusUserError } from '../errors.ts';
import { canSeeLibrary, type Scope } from '../shared/scope.ts';
import { findStudentByPhone } from '../students/students.repository.ts';
import { createStudent } from '../students/students.service.ts';
import { liveAllocationFrom } from './allocations.repository.ts';
import { allocateSeat } from './allocations.service.ts';

const CODES: AdmissionError['code'][] = ['NOT_FOUND', 'INVALID_INPUT', 'INVALID_STATE', 'SEAT_UNAVAILABLE', 'PLAN_LIMIT', 'DUPLICATE'];

function asError(e: CampusUserError): { error: AdmissionError } {
  const code = (CODES as string[]).includes(e.code) ? (e.code as AdmissionError['code']) : 'INVALID_STATE';
  return { error: { code, message: e.message, field: e.field ?? null } };
}

export async function admit(ctx: SubgraphContext, s: Scope, a: Admission): Promise<Admitted | { error: AdmissionError }> {
  if (!canSeeLibrary(s, a.libraryId)) return { error: { code: 'NOT_FOUND', message: 'No such library', field: ['libraryId'] } };
  let studentId = (await findStudentByPhone(s.db, a.phone))?.id ?? null;
  let createdStudent = false;
  if (!studentId) {
    const made = await createStudent(ctx, s, { name: a.name, phone: a.phone, email: a.email ?? null, libraryId: a.libraryId });
    if ('student' in made) {
      studentId = made.student.id;
      createdStudent = true;
    } else {
      // Made meanwhile by a concurrent admission of the same phone: link to it.
      const e = made.userErrors[0]!;
      studentId = e.code === 'DUPLICATE' ? ((await findStudentByPhone(s.db, a.phone))?.id ?? null) : null;
      if (!studentId) return asError(e);
    }
  }
  if (!a.seat) return { studentId, createdStudent, allocationId: null };
  const existing = await liveAllocationFrom(s.db, studentId, a.seat.seatId, a.seat.shiftId, a.seat.startDate);
  if (existing) return { studentId, createdStudent, allocationId: existing.id };
  const made = await allocateSeat(ctx, s, { studentId, ...a.seat });
  if ('allocation' in made) return { studentId, createdStudent, allocationId: made.allocation.id };
  // The same allocation made by a concurrent attempt loses the race to the exclusion constraint: find it.
  const again = await liveAllocationFrom(s.db, studentId, a.seat.seatId, a.seat.shiftId, a.seat.startDate);
  return again ? { studentId, createdStudent, allocationId: again.id } : asError(made.userErrors[0]!);
}
