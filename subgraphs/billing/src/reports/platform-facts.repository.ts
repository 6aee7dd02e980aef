// Billing's facts for insights' platform rollups (runtime insight-facts.ts): subscriptions as they are
// with the dates that tell their past, a tenant's fee payments per IST day and provider, and the
// platform's SMS credit trade per IST day (credits sold, their retail price and wholesale cost, each
// tenant's credits used). One grouped statement each; values are bound parameters.
import type { CorePrisma, TenantPrisma } from '@studyspot/db';
import { dayOf, istDaySql, istStartSql, type CreditDayFact, type DayRange, type PaymentDayFact, type SubscriptionFact } from '@studyspot/runtime';
import { CYCLE_MONTHS } from '../platform/periods.ts';

export async function subscriptionFacts(core: CorePrisma): Promise<SubscriptionFact[]> {
  const subs = await core.tenantSubscription.findMany({ include: { planVersion: { include: { plan: { select: { name: true } } } } } });
  return subs.map((s) => ({
    tenantId: s.tenantId,
    status: s.status,
    plan: s.planVersion.plan.name,
    monthlyPaise: Math.round(s.planVersion.pricePaise / CYCLE_MONTHS[s.planVersion.cycle]),
    createdAt: s.createdAt,
    trialEndsAt: s.trialEndsAt,
    pausedAt: s.pausedAt,
    cancelledAt: s.cancelledAt,
  }));
}

export async function paymentDays(db: TenantPrisma, range: Pick<DayRange, 'from' | 'to'>): Promise<PaymentDayFact[]> {
  const rows = await db.$queryRawUnsafe<{ day: string; provider: string; count: number; paise: number }[]>(
    `SELECT ${istDaySql('captured_at')}::text AS day, provider, COUNT(*)::int AS count, LEAST(SUM(amount_paise), 2147483647)::int AS paise FROM payments
      WHERE status IN ('CAPTURED', 'REFUNDED') AND captured_at >= ${istStartSql('$1::date')} AND captured_at < ${istStartSql('$2::date + 1')}
      GROUP BY 1, 2 ORDER BY 1, 2`,
    range.from,
    range.to,
  );
  return rows.map((r) => ({ day: dayOf(r.day), provider: r.provider, count: r.count, paise: r.paise }));
}

export async function creditDays(core: CorePrisma, range: Pick<DayRange, 'from' | 'to'>): Promise<CreditDayFact[]> {
  const [trade, used] = await Promise.all([
    core.$queryRawUnsafe<{ day: string; sold: number; retail: number; cost: number }[]>(
      `WITH days AS (SELECT d::date AS day FROM generate_series($1::date, $2::date, interval '1 day') d),
        sold AS (SELECT ${istDaySql('created_at')} AS day, SUM(credits)::bigint AS credits, SUM(COALESCE(amount_paise, 0))::bigint AS paise FROM ledger_transactions
          WHERE kind = 'RETAIL_PURCHASE' AND created_at >= ${istStartSql('$1::date')} AND created_at < ${istStartSql('$2::date + 1')} GROUP BY 1)
      SELECT days.day::text AS day, COALESCE(sold.credits, 0)::int AS sold, LEAST(COALESCE(sold.paise, 0), 2147483647)::int AS retail,
        COALESCE((SELECT ROUND(COALESCE(sold.credits, 0) * SUM(COALESCE(amount_paise, 0))::numeric / NULLIF(SUM(credits), 0)) FROM ledger_transactions
          WHERE kind = 'WHOLESALE_PURCHASE' AND created_at < ${istStartSql('days.day + 1')}), 0)::int AS cost
      FROM days LEFT JOIN sold ON sold.day = days.day ORDER BY 1`,
      range.from,
      range.to,
    ),
    core.$queryRawUnsafe<{ day: string; tenant_id: string; credits: number }[]>(
      `SELECT ${istDaySql('created_at')}::text AS day, tenant_id::text, SUM(credits)::int AS credits FROM ledger_transactions
        WHERE kind IN ('CONSUMPTION', 'COMMIT') AND tenant_id IS NOT NULL AND created_at >= ${istStartSql('$1::date')} AND created_at < ${istStartSql('$2::date + 1')}
        GROUP BY 1, 2`,
      range.from,
      range.to,
    ),
  ]);
  return trade.map((t) => ({
    day: dayOf(t.day),
    creditsSold: t.sold,
    retailPaise: t.retail,
    wholesaleCostPaise: t.cost,
    usedBy: used.filter((u) => u.day === t.day).map((u) => ({ tenantId: u.tenant_id, credits: u.credits })),
  }));
}
