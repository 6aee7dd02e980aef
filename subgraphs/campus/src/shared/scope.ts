// Which tenant and which branches a request may touch. Managers and staff limited to some branches
// (their token's libraryIds) see only those; a library outside the scope looks like a missing one.
import type { TenantPrisma } from '@studyspot/db';
import { branchLimits, isUuid, notFound, type SubgraphContext } from '@studyspot/runtime';
import { findLibrary } from '../libraries/libraries.repository.ts';

export interface Scope {
  tenantId: string;
  /** The tenant's database, handed to repositories. */
  db: TenantPrisma;
  /** Branches the caller is limited to; null = every branch. */
  libraryIds: string[] | null;
}

export async function scope(ctx: SubgraphContext, tenantId: string | null = ctx.tenantId): Promise<Scope> {
  const id = ctx.requireTenant(tenantId);
  return { tenantId: id, db: await ctx.tenantDb(id), libraryIds: branchLimits(ctx.claims) };
}

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
