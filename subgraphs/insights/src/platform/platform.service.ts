// The platform executive view (platform roles): per month, week or day, tenants by state and plan, MRR
// and net revenue retention, trial conversion, SMS volume and margin, fee payments by provider; and
// the fastest-growing and at-risk tenants — all from the platform rollups (build.service.ts), except
// trial conversion, which is read from the audit trail as the SaaS analytics read it.
import { addDays, badInput, clock, daysBetween, formatDate, groupBy, istDay, istDayStart, minDay, percent, ports, type Platform } from '@studyspot/runtime';
import { MAX_RANGE_DAYS } from '../rollups/rollups.service.ts';
import { ensurePlatformBuilt } from './build.service.ts';
import { platformDays, platformTenantDays, type PlatformTenantDayRow } from './platform.repository.ts';

type Grain = 'DAY' | 'WEEK' | 'MONTH';
const periodOf = (day: Date, grain: Grain) =>
  grain === 'DAY' ? day : grain === 'WEEK' ? addDays(day, -((day.getUTCDay() + 6) % 7)) : new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1));
const counted = (rows: PlatformTenantDayRow[], key: (r: PlatformTenantDayRow) => string | null) => {
  const m = new Map<string, number>();
  for (const r of rows) {
    const k = key(r);
    if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, count]) => ({ name, count }));
};
const paiseOf = (rows: PlatformTenantDayRow[]) => rows.reduce((n, r) => n + Object.values(r.payments).reduce((t, p) => t + p.paise, 0), 0);
/** Fastest-growing and at-risk compare the range's last 30 days with the 30 before. */
const WINDOW_DAYS = 30;
/** A tenant is compared only when its earlier window took at least Rs. 1,000. */
const MIN_BASE_PAISE = 100_000;

export async function platformInsights(platform: Platform, a: { from: Date; to: Date; grain: Grain }) {
  if (a.to < a.from) throw badInput('to is before from', 'to');
  const max = a.grain === 'DAY' ? 92 : MAX_RANGE_DAYS;
  if (daysBetween(a.from, a.to) + 1 > max) throw badInput(`A range covers at most ${max} days${a.grain === 'DAY' ? ' by day' : ''}`, 'to');
  const now = clock.now();
  const last = minDay(a.to, istDay(now));
  // The day before the range too: net revenue retention of the first period starts from it.
  const first = addDays(a.from, -1);
  await ensurePlatformBuilt(platform, first, last, now);
  const [rows, days] = await Promise.all([platformTenantDays(platform.core, first, last), platformDays(platform.core, a.from, last)]);
  const byDay = groupBy(rows, (r) => formatDate(r.day));
  const groups = new Map<string, { period: Date; days: Date[] }>();
  for (const d of days) {
    const p = periodOf(d.day, a.grain);
    const g = groups.get(formatDate(p)) ?? { period: p, days: [] };
    g.days.push(d.day);
    groups.set(formatDate(p), g);
  }
  const trade = new Map(days.map((d) => [formatDate(d.day), d]));
  const points = await Promise.all(
    [...groups.values()].map(async (g) => {
      const lastDay = g.days.at(-1)!;
      const end = byDay.get(formatDate(lastDay)) ?? [];
      const before = byDay.get(formatDate(addDays(g.days[0]!, -1))) ?? [];
      const inside = g.days.flatMap((d) => byDay.get(formatDate(d)) ?? []);
      // Net revenue retention: what the tenants paying at the start pay at the end (expansion, contraction, churn; new tenants left out).
      const startMrr = new Map(before.filter((r) => r.mrrPaise > 0).map((r) => [r.tenantId, r.mrrPaise]));
      const startTotal = [...startMrr.values()].reduce((n, x) => n + x, 0);
      const kept = end.filter((r) => startMrr.has(r.tenantId)).reduce((n, r) => n + r.mrrPaise, 0);
      const providers = new Map<string, { count: number; paise: number }>();
      for (const r of inside) for (const [p, v] of Object.entries(r.payments)) providers.set(p, { count: (providers.get(p)?.count ?? 0) + v.count, paise: (providers.get(p)?.paise ?? 0) + v.paise });
      const sms = g.days.map((d) => trade.get(formatDate(d))!);
      const [converted, trialCancels] = await Promise.all([
        ports.accounts.countActions(platform.core, 'subscription.trial_converted', istDayStart(g.days[0]!), istDayStart(addDays(lastDay, 1))),
        ports.accounts.countActions(platform.core, 'subscription.cancelled', istDayStart(g.days[0]!), istDayStart(addDays(lastDay, 1)), 'TRIALING'),
      ]);
      const retail = sms.reduce((n, d) => n + d.retailPaise, 0);
      return {
        period: g.period,
        days: g.days.length,
        tenantsByState: counted(end, (r) => r.state).map((c) => ({ state: c.name, count: c.count })),
        tenantsByPlan: counted(end, (r) => (r.state === 'DELETED' ? null : r.plan)).map((c) => ({ plan: c.name, count: c.count })),
        subscriptionsByStatus: counted(end, (r) => r.subscription).map((c) => ({ status: c.name, count: c.count })),
        mrrPaise: end.reduce((n, r) => n + r.mrrPaise, 0),
        netRevenueRetentionPercent: percent(kept, startTotal),
        trialsConverted: converted,
        trialConversionPercent: percent(converted, converted + trialCancels),
        smsCreditsUsed: inside.reduce((n, r) => n + r.smsCreditsUsed, 0),
        smsCreditsSold: sms.reduce((n, d) => n + d.creditsSold, 0),
        smsRetailPaise: retail,
        smsMarginPaise: retail - sms.reduce((n, d) => n + d.wholesaleCostPaise, 0),
        payments: [...providers.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([provider, v]) => ({ provider, ...v })),
      };
    }),
  );
  return { from: a.from, to: a.to, grain: a.grain, points, ...tenantsCompared(rows, last) };
}

/** Fee payments of each tenant in the range's last 30 days and the 30 before; growth and risk from them. */
function tenantsCompared(rows: PlatformTenantDayRow[], last: Date) {
  const recentFrom = addDays(last, -(WINDOW_DAYS - 1));
  const previousFrom = addDays(recentFrom, -WINDOW_DAYS);
  const tenants = new Map<string, { recent: PlatformTenantDayRow[]; previous: PlatformTenantDayRow[]; lastRow: PlatformTenantDayRow | null }>();
  for (const r of rows) {
    const t = tenants.get(r.tenantId) ?? { recent: [], previous: [], lastRow: null };
    if (r.day >= recentFrom) t.recent.push(r);
    else if (r.day >= previousFrom) t.previous.push(r);
    if (formatDate(r.day) === formatDate(last)) t.lastRow = r;
    tenants.set(r.tenantId, t);
  }
  const compared = [...tenants.entries()]
    .filter(([, t]) => t.lastRow && t.lastRow.state !== 'DELETED')
    .map(([tenantId, t]) => {
      const recentPaise = paiseOf(t.recent);
      const previousPaise = paiseOf(t.previous);
      const lastRow = t.lastRow!;
      const reasons: string[] = [];
      if (lastRow.state === 'SUSPENDED') reasons.push('suspended');
      if (lastRow.subscription === 'PAST_DUE') reasons.push('platform invoice unpaid');
      if (lastRow.subscription === 'CANCELLED') reasons.push('subscription cancelled');
      if (previousPaise >= MIN_BASE_PAISE && recentPaise <= previousPaise * 0.6) reasons.push(`fee payments down ${Math.round((1 - recentPaise / previousPaise) * 100)}% on the 30 days before`);
      const lastPaid = [...t.recent].reverse().find((r) => Object.keys(r.payments).length);
      if (previousPaise > 0 && !lastPaid) reasons.push('no fee payments in 30 days');
      return {
        tenant: { id: tenantId },
        state: lastRow.state,
        mrrPaise: lastRow.mrrPaise,
        recentPaise,
        previousPaise,
        growthPercent: previousPaise >= MIN_BASE_PAISE ? percent(recentPaise - previousPaise, previousPaise) : null,
        reasons,
      };
    });
  return {
    fastestGrowing: compared.filter((c) => c.growthPercent !== null && c.growthPercent > 0).sort((x, y) => y.growthPercent! - x.growthPercent! || x.tenant.id.localeCompare(y.tenant.id)).slice(0, 10),
    atRiskTenants: compared.filter((c) => c.reasons.length).sort((x, y) => y.reasons.length - x.reasons.length || y.previousPaise - x.previousPaise || x.tenant.id.localeCompare(y.tenant.id)).slice(0, 50),
  };
}
