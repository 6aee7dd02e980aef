// The tenant's plan limits on what campus creates (the plans live in billing: ports.billing).
import { ports, type PlanLimitName as LimitName, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { countAllLibraries } from '../libraries/libraries.repository.ts';
import { countAllSeats } from '../seats/seats.repository.ts';
import { countCountedStudents } from '../students/students.repository.ts';
import type { Scope } from './scope.ts';

const counts: Record<Exclude<LimitName, 'staff'>, (s: Scope) => Promise<number>> = {
  libraries: (s) => countAllLibraries(s.db),
  seats: (s) => countAllSeats(s.db),
  students: (s) => countCountedStudents(s.db),
};

/** A PLAN_LIMIT_REACHED userError when `adding` more would pass the plan's limit, else null. */
export async function planLimitError(ctx: SubgraphContext, s: Scope, limit: Exclude<LimitName, 'staff'>, adding: number, ...field: string[]) {
  if (adding <= 0) return null;
  const breach = await ports.billing.checkPlanLimit(ctx.core, s.tenantId, limit, adding, () => counts[limit](s));
  return breach ? fail('PLAN_LIMIT_REACHED', breach.message, ...field) : null;
}
