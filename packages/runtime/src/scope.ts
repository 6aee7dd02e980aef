// The request scope: who acts, in which tenant and its database, limited to which branches, and (for a
// student) as which student record — worked out once per request and tenant by `ctx.scope()`, and
// the same in every subgraph. A background job's scope (systemContext) names the job: no user, no
// branch limits, no student.
import type { TenantPrisma } from '@studyspot/db';
import type { Claims } from './security/auth.ts';
import type { SubgraphContext } from './context.ts';
import { ports } from './ports.ts';
import { branchLimits } from './roles.ts';

export type Actor = { kind: 'user'; id: string; role: Claims['role'] } | { kind: 'job'; job: string };

export interface RequestScope {
  tenantId: string;
  /** The tenant's database, leased for the request; handed to repositories. */
  db: TenantPrisma;
  actor: Actor;
  /** The caller's role (null for a job). */
  role: Claims['role'] | null;
  /** Branches a manager or staff member is limited to; null = every branch (and for jobs). */
  libraryIds: string[] | null;
  /**
   * A student caller's own student record (campus's rule, through its port), read on first use:
   * its id, "none" when the account has no record, null for anyone who is not a student.
   */
  ownStudentId(): Promise<string | null>;
}

export async function buildScope(ctx: SubgraphContext, tenantId: string): Promise<RequestScope> {
  const db = await ctx.tenantDb(tenantId);
  const claims = ctx.claims;
  let own: Promise<string | null> | null = null;
  return {
    tenantId,
    db,
    actor: claims ? { kind: 'user', id: claims.sub, role: claims.role } : { kind: 'job', job: ctx.job ?? 'system' },
    role: claims?.role ?? null,
    libraryIds: branchLimits(claims),
    ownStudentId: () =>
      (own ??= claims?.role === 'STUDENT' ? ports.campus.studentOfAccount(ctx.core, db, claims.sub).then((id) => id ?? 'none') : Promise.resolve(null)),
  };
}
