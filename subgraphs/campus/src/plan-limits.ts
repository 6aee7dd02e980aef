// The tenant's plan limits on what campus creates (the plans live in billing: @studyspot/billing/ports).
import { checkPlanLimit, type LimitName } from '@studyspot/billing/ports';
import type { SubgraphContext } from '@studyspot/runtime';
import type { Scope } from './access.ts';
import { fail } from './errors.ts';

const counts: Record<Exclude<LimitName, 'staff'>, (s: Scope) => Promise<number>> = {
  libraries: (s) => s.db.library.count(),
  seats: (s) => s.db.seat.count(),
  // Students who left do not count against the plan.
  students: (s) => s.db.student.count({ where: { status: { not: 'LEFT' } } }),
};

/** A PLAN_LIMIT_REACHED userError when `adding` more would pass the plan's limit, else null. */
export async function planLimitError(ctx: SubgraphContext, s: Scope, limit: Exclude<LimitName, 'staff'>, adding: number, ...field: string[]) {
  if (adding <= 0) return null;
  const breach = await checkPlanLimit(ctx.core, s.tenantId, limit, adding, () => counts[limit](s));
  return breach ? fail('PLAN_LIMIT_REACHED', breach.message, ...field) : null;
}
