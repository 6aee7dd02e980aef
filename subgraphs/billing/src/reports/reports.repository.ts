// Tenant-wide money figures (Tenant.stats): one statement each.
import type { TenantPrisma } from '@studyspot/db';

/** Payments received (net of refunds) and what is still owed. */
export async function tenantCounts(db: TenantPrisma) {
  const [paid, owed] = await Promise.all([
    db.$queryRaw<{ n: number; revenue: number }[]>`SELECT count(*)::int AS n, COALESCE(SUM(amount_paise - refunded_paise), 0)::float8 AS revenue FROM payments WHERE status IN ('CAPTURED', 'REFUNDED')`,
    db.$queryRaw<{ owed: number }[]>`SELECT COALESCE(SUM(amount_paise + adjustment_paise - paid_paise), 0)::float8 AS owed FROM dues WHERE status = 'OPEN'`,
  ]);
  return { paymentCount: paid[0]!.n, revenuePaise: paid[0]!.revenue, outstandingPaise: owed[0]!.owed };
}
