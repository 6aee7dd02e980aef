// What other subgraphs may ask campus without going through federation (exported as
// @studyspot/campus/ports), read-only, on a tenant database they were handed by the runtime.
import type { TenantPrisma } from '@studyspot/db';
import { activatedSince, activeSince, heldOffers } from './allocations/allocations.repository.ts';
import { lastCheckIns } from './attendance/attendance.repository.ts';
import { countLibraries } from './libraries/libraries.repository.ts';
import { findStudentByPhone, studentContacts, studentsInAudience } from './students/students.repository.ts';

export function campusDirectory(db: TenantPrisma) {
  return {
    /** The student with this (normalized) phone: identity signs students in by it. */
    studentByPhone: (phone: string) => findStudentByPhone(db, phone),
    /** Whether every id names a library of this tenant (branch limits of staff accounts). */
    librariesExist: async (ids: string[]) => (await countLibraries(db, [...new Set(ids)])) === new Set(ids).size,
    /** Name, email, phone and status of these students. */
    students: (ids: readonly string[]) => studentContacts(db, ids),
    /** A campaign's audience: students by status, branch and shift, by id. */
    audience: (a: Parameters<typeof studentsInAudience>[1], today: Date) => studentsInAudience(db, a, today),
    /** Allocations made active since `since` (automatic "seat allocated" messages). */
    activatedSince: (since: Date) => activatedSince(db, since),
    /** Seats on offer now (automatic "seat offered" messages). */
    heldOffers: (now: Date) => heldOffers(db, now),
    /** Active allocations started by a day (absence streaks). */
    activeSince: (startedBy: Date, today: Date) => activeSince(db, startedBy, today),
    /** Each student's latest check-in. */
    lastCheckIns: (studentIds: readonly string[]) => lastCheckIns(db, studentIds),
  };
}

export type CampusDirectory = ReturnType<typeof campusDirectory>;
