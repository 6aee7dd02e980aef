// Background work of campus: waitlist holds lapse (passing seats on) and visits nobody checked out of
// are closed at closing time. Work-driven (runtime work.ts): a hold or a check-in records when its
// tenant's campus work falls due; the sweep visits only tenants whose time has come and records their
// next due time (the earliest hold expiry or open visit's closing), so idle tenants cost nothing.
import { systemContext, type Platform } from '@studyspot/runtime';
import { earliest, registerTenantWork, runDueWork, startPeriodic } from '@studyspot/runtime/work';
import { earliestHoldExpiry, expireHolds } from '../allocations/allocations.service.ts';
import { closeOverdueVisits } from '../attendance/attendance.service.ts';
import { activeLibraries } from '../libraries/libraries.service.ts';
import { scope } from '../shared/scope.ts';

export interface CampusSweepReport {
  tenants: number;
  failed: number;
  holdsExpired: number;
  visitsClosed: number;
}

/** One tenant's due campus work; returns when its next is due. */
async function campusWork(platform: Platform, tenantId: string, now: Date, report: CampusSweepReport): Promise<Date | null> {
  const ctx = systemContext(platform, 'campus sweep', tenantId, `sweep-${now.getTime()}`);
  try {
    const s = await scope(ctx);
    report.holdsExpired += await expireHolds(ctx, s, now);
    let next: Date | null = null;
    for (const libraryId of await activeLibraries(s)) {
      const r = await closeOverdueVisits(ctx, s, libraryId, now);
      report.visitsClosed += r.closed;
      next = earliest(next, r.nextClosing);
    }
    return earliest(next, await earliestHoldExpiry(s));
  } finally {
    await ctx.dispose();
  }
}

// A test clock's advance runs the same work for its tenants (runtime tenant-clocks.ts).
registerTenantWork('campus', (platform, tenantId, now) => campusWork(platform, tenantId, now, { tenants: 0, failed: 0, holdsExpired: 0, visitsClosed: 0 }));

export async function sweepOnce(platform: Platform, now?: Date): Promise<CampusSweepReport> {
  const report: CampusSweepReport = { tenants: 0, failed: 0, holdsExpired: 0, visitsClosed: 0 };
  const r = await runDueWork(platform, 'campus', (tenantId, at) => campusWork(platform, tenantId, now ?? at, report), {}, now ? () => now : undefined);
  return { ...report, ...r };
}

/** Starts the periodic sweep (every 30 s it looks for due tenants); returns its stop function. */
export const startCampusSweeper = (platform: Platform, intervalMs = 30_000) =>
  startPeriodic(platform.logger, 'campus sweep', () => sweepOnce(platform), intervalMs, (r) => Boolean(r.holdsExpired || r.visitsClosed || r.failed));
