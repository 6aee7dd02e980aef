// Insights' data pipeline: per library and IST day, what campus and billing answer through their ports
// (runtime insight-facts.ts), and per day the tenant's SMS, stored as rollups that dashboards read.
// - Due work (tenant_work kind 'insights'): each night a tenant's closed days are built final; the
//   first run backfills its history from the first day anything happened (at most 400 days a run; the
//   run asks to be called again at once while history remains).
// - Reads build what they need: a closed day missing (or built while it was still today) is built
//   before the answer; today's partial day is rebuilt when older than five minutes.
// - A repair rebuilds a range. Every build replaces its days whole (rollups.repository.ts), so re-running
//   a day changes nothing unless its facts changed.
import { addDays, daysBetween, formatDate, istDay, minDay, ports, type SubgraphContext } from '@studyspot/runtime';
import { nextDailyRun } from '@studyspot/runtime/work';
import { builtIn, buildStatus, lastFinalDay, replaceDays, type LibraryDayRow } from './rollups.repository.ts';
import type { TenantPrisma } from '@studyspot/db';

const CHUNK_DAYS = 31;
const BACKFILL_DAYS_PER_RUN = 400;
export const FRESH_MS = 5 * 60_000;
/** The longest range one read or repair may ask for. */
export const MAX_RANGE_DAYS = 731;

export const daysOf = (from: Date, to: Date) => Array.from({ length: daysBetween(from, to) + 1 }, (_, i) => addDays(from, i));

/** Builds the days [from, to] (chunks of a month): closed days final, today partial. Returns the days built. */
export async function buildRange(db: TenantPrisma, from: Date, to: Date, now: Date): Promise<number> {
  const today = istDay(now);
  for (let start = from; start <= to; start = addDays(start, CHUNK_DAYS)) {
    const end = minDay(to, addDays(start, CHUNK_DAYS - 1));
    const range = { from: start, to: end, now };
    const [campus, billing, sms] = await Promise.all([ports.campus.dayFacts(db, range, null), ports.billing.dayFacts(db, range, null), ports.messages.dayFacts(db, range)]);
    const money = new Map(billing.map((b) => [`${b.libraryId}|${formatDate(b.day)}`, b]));
    const libraries: LibraryDayRow[] = campus.map((c) => {
      const b = money.get(`${c.libraryId}|${formatDate(c.day)}`);
      return {
        ...c,
        duesRaisedPaise: b?.duesRaisedPaise ?? 0,
        collectedPaise: b?.collectedPaise ?? 0,
        collectedByAgePaise: b?.collectedByAgePaise ?? [0, 0, 0, 0, 0],
        refundedPaise: b?.refundedPaise ?? 0,
        overduePaise: b?.overduePaise ?? 0,
        final: c.day < today,
        builtAt: now,
      };
    });
    const texts = new Map(sms.map((m) => [formatDate(m.day), m]));
    const tenant = daysOf(start, end).map((day) => ({ day, sent: 0, delivered: 0, credits: 0, ...texts.get(formatDate(day)), final: day < today }));
    await replaceDays(db, { from: start, to: end, builtAt: now, libraries, tenant });
  }
  return Math.max(0, daysBetween(from, to) + 1);
}

/** The first day the tenant has anything on; today when nothing yet. */
async function firstDataDay(db: TenantPrisma, today: Date): Promise<Date> {
  const [campus, billing] = await Promise.all([ports.campus.firstDay(db), ports.billing.firstDay(db)]);
  return [campus, billing, today].filter((d): d is Date => d !== null).reduce(minDay);
}

/**
 * The tenant's due insights work: closed days not yet final (all history on a first run, at most 400
 * days a run) and today's partial day. Returns when it is next due: at once while history remains,
 * else the tenant's slot after the next midnight.
 */
export async function buildDue(db: TenantPrisma, tenantId: string, now: Date): Promise<{ built: number; next: Date }> {
  const today = istDay(now);
  const yesterday = addDays(today, -1);
  const last = await lastFinalDay(db);
  const first = last ? addDays(last, 1) : await firstDataDay(db, today);
  const end = minDay(yesterday, addDays(first, BACKFILL_DAYS_PER_RUN - 1));
  let built = first <= end ? await buildRange(db, first, end, now) : 0;
  built += await buildRange(db, today, today, now);
  return { built, next: end < yesterday ? now : nextDailyRun(tenantId, now) };
}

/**
 * What a read of [from, to] must build first, given the days built (`built` reads them): the closed
 * days of the range not yet final, and today when its partial day is older than FRESH_MS. Runs `build`
 * for them; returns the days built. Tenant rollups and the platform's share it.
 */
export async function buildWhatIsMissing(
  built: (from: Date, to: Date) => Promise<{ day: Date; final: boolean; builtAt: Date }[]>,
  build: (from: Date, to: Date) => Promise<number>,
  from: Date,
  to: Date,
  now: Date,
): Promise<number> {
  const today = istDay(now);
  const upTo = minDay(to, today);
  if (upTo < from) return 0;
  const rows = new Map((await built(from, upTo)).map((r) => [formatDate(r.day), r]));
  const missing = daysOf(from, minDay(upTo, addDays(today, -1))).filter((d) => !rows.get(formatDate(d))?.final);
  let count = 0;
  if (missing.length) count += await build(missing[0]!, missing.at(-1)!);
  const todays = rows.get(formatDate(today));
  if (upTo >= today && (!todays || now.getTime() - todays.builtAt.getTime() > FRESH_MS)) count += await build(today, today);
  return count;
}

/** Before a read of [from, to]: builds what is missing (above) and makes sure the nightly work is scheduled. */
export async function ensureBuilt(ctx: SubgraphContext, s: { db: TenantPrisma; tenantId: string }, from: Date, to: Date, now: Date): Promise<number> {
  const built = await buildWhatIsMissing((f, t) => builtIn(s.db, f, t), (f, t) => buildRange(s.db, f, t, now), from, to, now);
  if (built) await ctx.platform.work.due(s.tenantId, 'insights', nextDailyRun(s.tenantId, now));
  return built;
}

export async function insightsStatus(db: TenantPrisma, now: Date) {
  const [status, watermark] = await Promise.all([buildStatus(db), lastFinalDay(db)]);
  return { ...status, builtThrough: watermark, today: istDay(now) };
}

/** A repair: rebuilds [from, to] (at most MAX_RANGE_DAYS, not after today). */
export async function rebuild(db: TenantPrisma, from: Date, to: Date, now: Date): Promise<{ days: number } | { error: { message: string; field: string } }> {
  if (to < from) return { error: { message: 'to is before from', field: 'to' } };
  if (to > istDay(now)) return { error: { message: 'to is after today', field: 'to' } };
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) return { error: { message: `A repair covers at most ${MAX_RANGE_DAYS} days`, field: 'to' } };
  return { days: await buildRange(db, from, to, now) };
}
