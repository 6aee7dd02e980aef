// Which tenant, branches and student a billing request may touch. Managers and staff limited to some
// branches see only those libraries' dues and payments; a student sees only their own. Anything
// outside the scope answers like a missing row.
import type { TenantPrisma } from '@studyspot/db';
import { branchLimits, ports, type SubgraphContext } from '@studyspot/runtime';

export interface BillingScope {
  ctx: SubgraphContext;
  tenantId: string;
  db: TenantPrisma;
  /** Branches the caller is limited to; null = every branch. */
  libraryIds: string[] | null;
  /** A student caller's own student id (null for staff; "none" when the student has no record). */
  studentId: string | null;
}

/** The student record of a signed-in student (campus's rule, through its port); "none" without one. */
async function ownStudentId(ctx: SubgraphContext, db: TenantPrisma): Promise<string> {
  return (await ports.campus.studentOfAccount(ctx.core, db, ctx.claims!.sub)) ?? 'none';
}

export async function billingScope(ctx: SubgraphContext, tenantId: string | null = ctx.tenantId): Promise<BillingScope> {
  const id = ctx.requireTenant(tenantId);
  const db = await ctx.tenantDb(id);
  const role = ctx.claims?.role ?? null;
  const libraryIds = branchLimits(ctx.claims);
  return { ctx, tenantId: id, db, libraryIds, studentId: role === 'STUDENT' ? await ownStudentId(ctx, db) : null };
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
