// Insights' platform pipeline: per tenant and IST day, its state, subscription, plan and MRR (from
// tenancy's and billing's facts through their ports), its students' fee payments by provider (from
// each tenant's database through billing's port), and the day's SMS credit trade.
// - Today's rows say what is now; a closed day's state is reconstructed from dated records: created,
//   suspended (a tenant suspended now, since then), deleted; a trial until its end day, paused since its
//   pause, cancelled since its cancellation — a past spell of PAST_DUE or of suspension that has ended
//   leaves no date, so such a day reads ACTIVE. MRR is the current plan's monthly price.
// - Reads build what they need (missing closed days final, today when older than five minutes); the
//   nightly insights sweep closes yesterday once the platform view has been read. Each build replaces its
//   days whole (platform.repository.ts).
import { TenantAccessError, type CorePrisma } from '@studyspot/db';
import { addDays, formatDate, istDay, istDayStart, ports, type Platform, type SubscriptionFact, type TenantFact } from '@studyspot/runtime';
import { buildWhatIsMissing, daysOf } from '../rollups/rollups.service.ts';
import { anyPlatformDay, platformDaysBuilt, replacePlatformDays, type PlatformTenantDayRow } from './platform.repository.ts';

const PAYING = new Set(['ACTIVE', 'PAST_DUE']);
const READABLE = new Set(['ACTIVE', 'SUSPENDED']);
const PARALLEL = 4;

/** A tenant's status at the end of a day (today: as it is). */
function stateOn(t: TenantFact, dayEnd: Date, today: boolean): string {
  if (today) return t.status;
  if (t.deletedAt && t.deletedAt < dayEnd) return 'DELETED';
  if (t.status === 'SUSPENDED' && t.suspendedAt && t.suspendedAt < dayEnd) return 'SUSPENDED';
  return t.status === 'PROVISIONING' || t.status === 'FAILED' ? t.status : 'ACTIVE';
}

/** A subscription's status at the end of a day (today: as it is); null before it existed. */
function subscriptionOn(s: SubscriptionFact | undefined, day: Date, dayEnd: Date, today: boolean): string | null {
  if (!s || s.createdAt >= dayEnd) return null;
  if (today) return s.status;
  if (s.cancelledAt && s.cancelledAt < dayEnd) return 'CANCELLED';
  if (s.status === 'PAUSED' && s.pausedAt && s.pausedAt <= day) return 'PAUSED';
  if (s.trialEndsAt && day < s.trialEndsAt) return 'TRIALING';
  return 'ACTIVE';
}

/** Each readable tenant's fee payments per day in the range (four tenants at a time). */
async function paymentsOf(platform: Platform, tenants: TenantFact[], from: Date, to: Date) {
  const out = new Map<string, Map<string, PlatformTenantDayRow['payments']>>();
  const queue = tenants.filter((t) => READABLE.has(t.status));
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let t = queue.shift(); t; t = queue.shift()) {
        const id = t.tenantId;
        try {
          const days = await platform.tenants.withTenant(id, (db) => ports.billing.paymentDays(db, { from, to }), { allowSuspended: true });
          const byDay = new Map<string, PlatformTenantDayRow['payments']>();
          for (const d of days) byDay.set(formatDate(d.day), { ...byDay.get(formatDate(d.day)), [d.provider]: { count: d.count, paise: d.paise } });
          out.set(id, byDay);
        } catch (err) {
          // A tenant whose database cannot be opened now (being moved, upgraded) counts no payments this build; a later read rebuilds today.
          if (!(err instanceof TenantAccessError)) throw err;
          platform.logger.warn({ tenantId: id, err }, 'platform insights: tenant database not readable; its payments are left out');
        }
      }
    }),
  );
  return out;
}

/** Builds the platform's days [from, to]: closed days final, today partial. Returns the days built. */
export async function buildPlatformRange(platform: Platform, from: Date, to: Date, now: Date): Promise<number> {
  const core = platform.core;
  const today = istDay(now);
  const [tenants, subs, credits] = await Promise.all([ports.tenants.facts(core), ports.billing.subscriptionFacts(core), ports.billing.creditDays(core, { from, to })]);
  const alive = tenants.filter((t) => t.createdAt < istDayStart(addDays(to, 1)) && !(t.deletedAt && t.deletedAt < istDayStart(from)));
  const payments = await paymentsOf(platform, alive, from, to);
  const subOf = new Map(subs.map((s) => [s.tenantId, s]));
  const used = new Map(credits.flatMap((c) => c.usedBy.map((u) => [`${formatDate(c.day)}|${u.tenantId}`, u.credits] as const)));
  const rows: PlatformTenantDayRow[] = [];
  for (const day of daysOf(from, to)) {
    const start = istDayStart(day);
    const end = istDayStart(addDays(day, 1));
    const isToday = day >= today;
    for (const t of alive) {
      if (t.createdAt >= end || (t.deletedAt && t.deletedAt < start)) continue;
      const s = subOf.get(t.tenantId);
      const subscription = subscriptionOn(s, day, end, isToday);
      const state = stateOn(t, end, isToday);
      rows.push({
        day,
        tenantId: t.tenantId,
        state,
        subscription,
        plan: subscription && subscription !== 'CANCELLED' ? s!.plan : null,
        mrrPaise: subscription && PAYING.has(subscription) && state !== 'DELETED' ? s!.monthlyPaise : 0,
        payments: payments.get(t.tenantId)?.get(formatDate(day)) ?? {},
        smsCreditsUsed: used.get(`${formatDate(day)}|${t.tenantId}`) ?? 0,
        final: !isToday,
        builtAt: now,
      });
    }
  }
  const days = credits.map((c) => ({ day: c.day, creditsSold: c.creditsSold, retailPaise: c.retailPaise, wholesaleCostPaise: c.wholesaleCostPaise, final: c.day < today, builtAt: now }));
  await replacePlatformDays(core, { from, to, days, tenants: rows });
  return days.length;
}

/** Before a read of [from, to]: builds closed days not yet final and today when older than FRESH_MS. */
export const ensurePlatformBuilt = (platform: Platform, from: Date, to: Date, now: Date): Promise<number> =>
  buildWhatIsMissing((f, t) => platformDaysBuilt(platform.core, f, t), (f, t) => buildPlatformRange(platform, f, t, now), from, to, now);

/** The nightly part: once the platform view has been read, yesterday (and any day since the last build) is closed final. */
export async function closePlatformDays(platform: Platform, now: Date): Promise<number> {
  if (!(await anyPlatformDay(platform.core as CorePrisma))) return 0;
  const yesterday = addDays(istDay(now), -1);
  return ensurePlatformBuilt(platform, addDays(yesterday, -6), yesterday, now);
}
