// The only code that reads or writes campus's libraries.
import type { TenantPrisma } from '@studyspot/db';

/** How many of these ids name a library. */
export function countLibraries(db: TenantPrisma, ids: string[]) {
  return db.library.count({ where: { id: { in: ids } } });
}
