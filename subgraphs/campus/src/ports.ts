// What other subgraphs may ask campus without going through federation (exported as
// @studyspot/campus/ports), read-only, on a tenant database they were handed by the runtime.
import type { TenantPrisma } from '@studyspot/db';
import { countLibraries } from './libraries/libraries.repository.ts';
import { findStudentByPhone } from './students/students.repository.ts';

export interface CampusDirectory {
  /** The student with this (normalized) phone: identity signs students in by it. */
  studentByPhone(phone: string): Promise<{ id: string; name: string; status: string } | null>;
  /** Whether every id names a library of this tenant (branch limits of staff accounts). */
  librariesExist(ids: string[]): Promise<boolean>;
}

export function campusDirectory(db: TenantPrisma): CampusDirectory {
  return {
    studentByPhone: (phone) => findStudentByPhone(db, phone),
    librariesExist: async (ids) => (await countLibraries(db, [...new Set(ids)])) === new Set(ids).size,
  };
}
