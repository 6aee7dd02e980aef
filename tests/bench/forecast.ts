// `pnpm bench:forecast`: insights' forecasts backtested on the demo history — the demo library (40
// seats, three shifts) with six months generated as `pnpm start` seeds it (seed 2026), and five more
// seeds for spread. The last 4 weeks are held out; the model (seasonal exponential smoothing,
// subgraphs/insights/src/forecasts/model.ts, with the product's settings) and the seasonal-naive
// baseline (the same hour or weekday one week earlier) are fitted on the weeks before, in the same
// run. Prints MASE and WAPE of both, their ratio, and the 80% interval's coverage; exits 1 when the
// model does not beat the baseline on the demo history. Uses TEST_DATABASE_URL when set, else PGlite.
import { generateHistory } from '@studyspot/gateway';
import { buildRange } from '@studyspot/insights';
import { COLLECTIONS, OCCUPANCY } from '../../subgraphs/insights/src/forecasts/forecasts.service.ts';
import { forecastWithInterval, mase, seasonalNaive, seasonalSmoothing, wape, type SeasonalOptions } from '../../subgraphs/insights/src/forecasts/model.ts';
import { addDays, clock, daysBetween, formatDate, istDay } from '@studyspot/runtime';
import { createTestWorld } from '@studyspot/testkit';
import { seedTenant } from '../support/supergraph.ts';
import { demoLibrary } from './demo-library.ts';

const HOLDOUT_DAYS = 28;
const world = await createTestWorld();
const today = istDay(clock.now());

function score(series: number[], perDay: number, o: SeasonalOptions, historyDays: number) {
  const cut = series.length - HOLDOUT_DAYS * perDay;
  const past = series.slice(Math.max(0, cut - historyDays * perDay), cut);
  const actual = series.slice(cut);
  const model = seasonalSmoothing(past, actual.length, o);
  const naive = seasonalNaive(past, actual.length, o.period);
  const band = forecastWithInterval(past, actual.length, { ...o, step: perDay === 1 ? 7 : undefined, origins: perDay === 1 ? 8 : undefined });
  const covered = actual.filter((y, i) => y >= band[i]!.low && y <= band[i]!.high).length / actual.length;
  return { mase: mase(past, actual, model, o.period), baselineMase: mase(past, actual, naive, o.period), wape: wape(actual, model), baselineWape: wape(actual, naive), coverage: covered };
}

const rows: Record<string, string | number>[] = [];
const demo: { occupancy?: ReturnType<typeof score>; collections?: ReturnType<typeof score> } = {};
try {
  for (const seed of [2026, 1, 2, 3, 4, 5]) {
    const t = await seedTenant(world, `forecast-${seed}`, []);
    const series = await world.platform.tenants.withTenant(t.id, async (db) => {
      // The demo's history: 182 days, 90 students on 34 of the 40 seats.
      const seats = await demoLibrary(db, t.libraryId);
      await generateHistory(db, { libraryId: t.libraryId, from: addDays(today, -182), to: addDays(today, -1), students: 90, seed, phonePrefix: `9195${String(seed).padStart(5, '0')}`, seatIds: seats });
      await buildRange(db, addDays(today, -182), addDays(today, -1), clock.now());
      const days = await db.insightLibraryDay.findMany({ where: { libraryId: t.libraryId, day: { lt: today } }, orderBy: { day: 'asc' } });
      if (days.length !== 182 || daysBetween(days[0]!.day, days.at(-1)!.day) !== 181) throw new Error(`expected 182 days, got ${days.length}`);
      return { hourly: days.flatMap((d) => d.occupancyMinutes.map((m) => m / 60)), daily: days.map((d) => d.collectedPaise) };
    });
    const occupancy = score(series.hourly, 24, OCCUPANCY.options, OCCUPANCY.historyDays);
    const collections = score(series.daily, 1, COLLECTIONS.options, COLLECTIONS.historyDays);
    if (seed === 2026) Object.assign(demo, { occupancy, collections });
    for (const [what, s] of [['occupancy per hour', occupancy], ['collections per day', collections]] as const) {
      rows.push({ history: seed === 2026 ? 'demo (seed 2026)' : `seed ${seed}`, series: what, 'model MASE': s.mase.toFixed(3), 'naive MASE': s.baselineMase.toFixed(3), 'model / naive': (s.mase / s.baselineMase).toFixed(2), 'model WAPE': `${(s.wape * 100).toFixed(1)}%`, 'naive WAPE': `${(s.baselineWape * 100).toFixed(1)}%`, '80% interval held': `${(s.coverage * 100).toFixed(0)}%` });
    }
  }
  console.log(`held out: the last ${HOLDOUT_DAYS} days before ${formatDate(today)}; fitted on the ${OCCUPANCY.historyDays} days (occupancy) and ${COLLECTIONS.historyDays} days (collections) before them (${world.db.server.kind})`);
  console.table(rows);
  const beats = demo.occupancy!.mase < demo.occupancy!.baselineMase && demo.collections!.mase < demo.collections!.baselineMase;
  console.log(beats ? 'goal met: the model beats seasonal naive on the demo history, for occupancy and collections' : 'goal NOT met: the model does not beat seasonal naive on the demo history');
  if (!beats) process.exitCode = 1;
} finally {
  await world.close();
}
