// Which tenant and which branches a request may touch. Managers and staff limited to some branches
// (their token's libraryIds) see only those; a library outside the scope looks like a missing one.
import { isUuid, notFound, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { findLibrary } from '../libraries/libraries.repository.ts';

/** The runtime's request scope (tenant, its database, actor, branch limits), the same in every subgraph. */
export type Scope = RequestScope;

export const scope = (ctx: SubgraphContext, tenantId: string | null = ctx.tenantId): Promise<Scope> => ctx.scope(tenantId);

export const canSeeLibrary = (s: Scope, libraryId: string) => s.libraryIds === null || s.libraryIds.includes(libraryId);

/** The library, if it exists and the caller may see it. */
export async function visibleLibrary(s: Scope, libraryId: string) {
  if (!isUuid(libraryId) || !canSeeLibrary(s, libraryId)) return null;
  return findLibrary(s.db, libraryId);
}

export async function requireLibrary(s: Scope, libraryId: string) {
  const lib = await visibleLibrary(s, libraryId);
  if (!lib) throw notFound('Library');
  return lib;
}
