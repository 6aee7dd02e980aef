// What other subgraphs may call in billing without going through federation (exported as
// @studyspot/billing/ports). Each is a small, stable function or interface; billing's tables stay
// behind them.
// - credits: reserve, commit, release or consume SMS credits (communications);
// - dues: bring an allocation's dues in line after campus changed it (campus, seeds);
// - plan limits: whether creating N more libraries, seats, students or staff fits the tenant's plan
//   (campus, identity); the caller counts what it owns.
export { creditsPort, type CreditsPort, type Reservation } from './credits/port.ts';
export { syncAllocationDues } from './dues/dues.sync.ts';
export { checkPlanLimit, type LimitName, type PlanLimitBreach } from './platform/limits.ts';

import type { TenantPrisma } from '@studyspot/db';
import { openDuesDue, openDuesOf } from './dues/dues.repository.ts';
import { capturedSince } from './payments/payments.repository.ts';

/** Read-only money facts of a tenant, for messages about them (communications). */
export function billingDirectory(db: TenantPrisma) {
  return {
    /** Open dues of these students. */
    openDuesOf: (studentIds: readonly string[]) => openDuesOf(db, studentIds),
    /** Open dues falling due on a day or in a range. */
    openDuesDue: (when: Parameters<typeof openDuesDue>[1]) => openDuesDue(db, when),
    /** Payments captured since an instant, with their receipt numbers. */
    capturedSince: (since: Date) => capturedSince(db, since),
  };
}
