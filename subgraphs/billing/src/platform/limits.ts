// Plan limits, checked where things are created (campus: libraries, seats, students and imports;
// identity: staff accounts). A tenant without a subscription has no limits (tenants created before
// plans existed, the demo). Provided as ports.billing.checkPlanLimit.
//
// The check counts, then the caller creates: two creations racing at the very limit can both pass
// (by at most the number racing); the next creation sees the true count and is refused.
import type { CorePrisma } from '@studyspot/db';
import type { PlanLimitBreach, PlanLimitName as LimitName } from '@studyspot/runtime';
import { subscriptionOfTenant } from './platform.repository.ts';

export type { LimitName, PlanLimitBreach };

const COLUMN = { libraries: 'maxLibraries', seats: 'maxSeats', students: 'maxStudents', staff: 'maxStaff' } as const;


/** The tenant's plan version (current one), or null without a subscription. */
export async function currentPlan(core: CorePrisma, tenantId: string) {
  const sub = await subscriptionOfTenant(core, tenantId);
  return sub?.planVersion ?? null;
}

/**
 * Null when `adding` more fit the plan; otherwise what was passed, with a message naming the limit.
 * `count` is only called when the plan has that limit.
 */
export async function checkPlanLimit(core: CorePrisma, tenantId: string, limit: LimitName, adding: number, count: () => Promise<number>): Promise<PlanLimitBreach | null> {
  const plan = await currentPlan(core, tenantId);
  const maximum = plan?.[COLUMN[limit]];
  if (plan == null || maximum == null) return null;
  const current = await count();
  if (current + adding <= maximum) return null;
  const more = adding > 1 ? ` and ${current + adding - maximum} more than that would be ${current + adding}` : '';
  return {
    limit,
    maximum,
    current,
    adding,
    plan: plan.plan.name,
    message: `The ${plan.plan.name} plan allows ${maximum} ${limit}; this tenant has ${current}${more}. Upgrade the plan to add more.`,
  };
}
