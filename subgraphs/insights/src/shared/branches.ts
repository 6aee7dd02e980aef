// Which libraries a caller's insights cover — one rule for every area of insights.
import { isUuid, notFound, ports, type RequestScope } from '@studyspot/runtime';

/** The library, when it exists and is one of the caller's branches (else NOT_FOUND, as for a library that does not exist). */
export async function branch(s: RequestScope, libraryId: string): Promise<string> {
  const seen = isUuid(libraryId) && (s.libraryIds === null || s.libraryIds.includes(libraryId));
  if (!seen || !(await ports.campus.librariesExist(s.db, [libraryId]))) throw notFound('Library');
  return libraryId;
}

/** The libraries a read covers: the one asked for (checked), or the caller's branches (null: all). */
export const librariesOf = async (s: RequestScope, libraryId: string | null | undefined) => (libraryId ? [await branch(s, libraryId)] : s.libraryIds);
