// Forecasts from the daily rollups (model.ts): each library's occupancy per hour for the next 14 days
// (history: the last 8 weeks of closed days; season: weekday × hour) and collections per day for the
// next 30 (history: the last 16 weeks; season: the weekday), each with an 80% interval and its own
// backtest on the history's last 14 days against seasonal naive. Made once a day — by the nightly
// work or by the first read of the day — and stored (forecasts.repository.ts).
import { addDays, clock, daysBetween, formatDate, istDay, istInstant, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import type { TenantPrisma } from '@studyspot/db';
import { libraryDays } from '../owner/owner.repository.ts';
import { branch } from '../shared/branches.ts';
import { ensureBuilt } from '../rollups/rollups.service.ts';
import { forecastWithInterval, mase, seasonalNaive, seasonalSmoothing, wape, type SeasonalOptions } from './model.ts';
import { storedForecast, storeForecast, type Backtest, type StoredForecast } from './forecasts.repository.ts';

export const OCCUPANCY = { days: 14, historyDays: 56, options: { period: 168, alpha: 0.5, seasons: 8, level: true, group: (slot: number) => slot % 24 } satisfies SeasonalOptions };
export const COLLECTIONS = { days: 30, historyDays: 112, options: { period: 7, alpha: 0.15, seasons: 16 } satisfies SeasonalOptions };
const BACKTEST_DAYS = 14;
const MODEL = 'seasonal exponential smoothing';

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const finite = (x: number) => (Number.isFinite(x) ? round(x, 3) : null);

/** The model's and seasonal naive's errors on the last `days` of the series, fitted on what came before. */
export function backtest(series: number[], perDay: number, o: SeasonalOptions, days = BACKTEST_DAYS): Backtest {
  const cut = series.length - days * perDay;
  if (cut < o.period * 2) return { days: 0, mase: null, baselineMase: null, wape: null, baselineWape: null };
  const past = series.slice(0, cut);
  const actual = series.slice(cut);
  const model = seasonalSmoothing(past, actual.length, o);
  const naive = seasonalNaive(past, actual.length, o.period);
  return { days, mase: finite(mase(past, actual, model, o.period)), baselineMase: finite(mase(past, actual, naive, o.period)), wape: finite(wape(actual, model)), baselineWape: finite(wape(actual, naive)) };
}

/** Students inside per hour over the closed days [from, to] of one library (24 values a day). */
async function hourlySeries(db: TenantPrisma, libraryId: string, from: Date, to: Date): Promise<number[]> {
  const rows = new Map((await libraryDays(db, from, to, [libraryId])).map((d) => [formatDate(d.day), d]));
  return Array.from({ length: daysBetween(from, to) + 1 }, (_, i) => rows.get(formatDate(addDays(from, i)))?.occupancyMinutes.map((m) => m / 60) ?? Array.from({ length: 24 }, () => 0)).flat();
}

async function dailyCollections(db: TenantPrisma, libraryIds: string[] | null, from: Date, to: Date): Promise<number[]> {
  const byDay = new Map<string, number>();
  for (const d of await libraryDays(db, from, to, libraryIds)) byDay.set(formatDate(d.day), (byDay.get(formatDate(d.day)) ?? 0) + d.collectedPaise);
  return Array.from({ length: daysBetween(from, to) + 1 }, (_, i) => byDay.get(formatDate(addDays(from, i))) ?? 0);
}

async function made(db: TenantPrisma, key: string, today: Date, now: Date, fit: () => Promise<StoredForecast>): Promise<StoredForecast> {
  const stored = await storedForecast(db, key, today);
  if (stored) return stored;
  const f = await fit();
  await storeForecast(db, key, f, now);
  return f;
}

/** Fits (or reads today's) occupancy forecast of a library; its rollups must be built. */
export async function occupancyForecastOf(db: TenantPrisma, libraryId: string, now: Date): Promise<StoredForecast> {
  const today = istDay(now);
  return made(db, `occupancy:${libraryId}`, today, now, async () => {
    const series = await hourlySeries(db, libraryId, addDays(today, -OCCUPANCY.historyDays), addDays(today, -1));
    return { madeOn: today, points: forecastWithInterval(series, OCCUPANCY.days * 24, OCCUPANCY.options), backtest: backtest(series, 24, OCCUPANCY.options) };
  });
}

export async function collectionsForecastOf(db: TenantPrisma, libraryIds: string[] | null, now: Date): Promise<StoredForecast> {
  const today = istDay(now);
  const fit = async () => {
    const series = await dailyCollections(db, libraryIds, addDays(today, -COLLECTIONS.historyDays), addDays(today, -1));
    return { madeOn: today, points: forecastWithInterval(series, COLLECTIONS.days, { ...COLLECTIONS.options, step: 7, origins: 8 }), backtest: backtest(series, 1, COLLECTIONS.options) };
  };
  // Stored for one library or the whole tenant; a manager's several branches are fitted on each read.
  if (libraryIds && libraryIds.length > 1) return fit();
  return made(db, `collections:${libraryIds?.[0] ?? 'all'}`, today, now, fit);
}

export async function occupancyForecast(ctx: SubgraphContext, s: RequestScope, libraryId: string) {
  await branch(s, libraryId);
  const now = clock.now();
  const today = istDay(now);
  await ensureBuilt(ctx, s, addDays(today, -OCCUPANCY.historyDays), addDays(today, -1), now);
  const f = await occupancyForecastOf(s.db, libraryId, now);
  return {
    library: { id: libraryId },
    madeOn: f.madeOn,
    model: MODEL,
    points: f.points.map((p, i) => ({ at: istInstant(addDays(f.madeOn, Math.floor(i / 24)), (i % 24) * 60), value: round(p.value, 2), low: round(p.low, 2), high: round(p.high, 2) })),
    backtest: f.backtest,
  };
}

export async function collectionsForecast(ctx: SubgraphContext, s: RequestScope, libraryId: string | null | undefined) {
  const libs = libraryId ? [await branch(s, libraryId)] : s.libraryIds;
  const now = clock.now();
  const today = istDay(now);
  await ensureBuilt(ctx, s, addDays(today, -COLLECTIONS.historyDays), addDays(today, -1), now);
  const f = await collectionsForecastOf(s.db, libs, now);
  const days = f.points.map((p, i) => ({ day: addDays(f.madeOn, i), valuePaise: Math.round(p.value), lowPaise: Math.round(p.low), highPaise: Math.round(p.high) }));
  return { library: libraryId ? { id: libraryId } : null, madeOn: f.madeOn, model: MODEL, days, totalPaise: days.reduce((n, d) => n + d.valuePaise, 0), backtest: f.backtest };
}
