// Which tenant, branches and student a billing request may touch. Managers and staff limited to some
// branches see only those libraries' dues and payments; a student sees only their own. Anything
// outside the scope answers like a missing row.
import type { RequestScope, SubgraphContext } from '@studyspot/runtime';

/** The runtime's request scope, with the student a student caller is (awaited: billing's rules read it at once). */
export interface BillingScope extends RequestScope {
  ctx: SubgraphContext;
  /** A student caller's own student id (null for staff; "none" when the student has no record). */
  studentId: string | null;
}

export async function billingScope(ctx: SubgraphContext, tenantId: string | null = ctx.tenantId): Promise<BillingScope> {
  const s = await ctx.scope(tenantId);
  return { ...s, ctx, studentId: await s.ownStudentId() };
}

/** A Prisma `where` fragment limiting rows with studentId/libraryId to the scope. */
export function scopeWhere(s: BillingScope): { studentId?: string; libraryId?: { in: string[] } } {
  return { ...(s.studentId ? { studentId: s.studentId } : {}), ...(s.libraryIds ? { libraryId: { in: s.libraryIds } } : {}) };
}

export function canSee(s: BillingScope, row: { studentId: string; libraryId: string | null }): boolean {
  if (s.studentId && row.studentId !== s.studentId) return false;
  return !s.libraryIds || (row.libraryId !== null && s.libraryIds.includes(row.libraryId));
}

/** A student is visible to branch-limited staff when in one of their branches, or in none (as in campus). */
export function canSeeStudent(s: BillingScope, student: { id: string; libraryId: string | null }): boolean {
  if (s.studentId && student.id !== s.studentId) return false;
  return !s.libraryIds || student.libraryId === null || s.libraryIds.includes(student.libraryId);
}
