// Background work of insights: each tenant's closed days rolled up final after midnight (its history
// on the first run), then the day's forecasts made, as due work (runtime work.ts, kind 'insights'): a tenant's first read of insights
// schedules it, and each run schedules the next night's; idle tenants cost nothing. The platform's
// closed days are rolled up too, once the platform view has been read.
import { systemContext, type Platform } from '@studyspot/runtime';
import { registerTenantWork, runDueWork, startPeriodic } from '@studyspot/runtime/work';
import { addDays, clock, istDay } from '@studyspot/runtime';
import { collectionsForecastOf, occupancyForecastOf } from '../forecasts/forecasts.service.ts';
import { closePlatformDays } from '../platform/build.service.ts';
import { librariesOn } from '../rollups/rollups.repository.ts';
import { buildDue } from '../rollups/rollups.service.ts';

export interface InsightsSweepReport {
  tenants: number;
  failed: number;
  daysBuilt: number;
  forecasts: number;
}

async function insightsWork(platform: Platform, tenantId: string, now: Date, report: InsightsSweepReport): Promise<Date | null> {
  const ctx = systemContext(platform, 'insights sweep', tenantId, `sweep-${now.getTime()}`);
  try {
    const s = await ctx.scope(tenantId);
    const r = await buildDue(s.db, tenantId, now);
    report.daysBuilt += r.built;
    // Once history is built, today's forecasts: each library's occupancy and collections, and the tenant's.
    if (r.next > now) {
      const libraries = await librariesOn(s.db, addDays(istDay(now), -1));
      for (const libraryId of libraries) {
        await occupancyForecastOf(s.db, libraryId, now);
        await collectionsForecastOf(s.db, [libraryId], now);
      }
      await collectionsForecastOf(s.db, null, now);
      report.forecasts += libraries.length * 2 + 1;
    }
    return r.next;
  } finally {
    await ctx.dispose();
  }
}

// A test clock's advance runs the same work for its tenants (runtime tenant-clocks.ts).
registerTenantWork('insights', (platform, tenantId, now) => insightsWork(platform, tenantId, now, { tenants: 0, failed: 0, daysBuilt: 0, forecasts: 0 }));

export async function insightsSweepOnce(platform: Platform, now?: Date): Promise<InsightsSweepReport> {
  const report: InsightsSweepReport = { tenants: 0, failed: 0, daysBuilt: 0, forecasts: 0 };
  const r = await runDueWork(platform, 'insights', (tenantId, at) => insightsWork(platform, tenantId, now ?? at, report), {}, now ? () => now : undefined);
  // The platform's closed days, once the platform view has been read (platform/build.service.ts).
  report.daysBuilt += await closePlatformDays(platform, now ?? clock.now());
  return { ...report, ...r };
}

/** Starts the periodic sweep (every 60 s it looks for due tenants); returns its stop function. */
export const startInsightsSweeper = (platform: Platform, intervalMs = 60_000) =>
  startPeriodic(platform.logger, 'insights sweep', () => insightsSweepOnce(platform), intervalMs, (r) => Boolean(r.daysBuilt || r.failed));
