// Background work of engagement: follow-ups falling due or missed reach their assignee's inbox on
// time. Work-driven (runtime work.ts): scheduling a follow-up records when its tenant's engagement
// work falls due; the sweep visits only tenants whose time has come and records their next due time
// (the earliest follow-up not yet told), so idle tenants cost nothing and no lead is scanned.
import { systemContext, type Platform } from '@studyspot/runtime';
import { registerTenantWork, runDueWork, startPeriodic } from '@studyspot/runtime/work';
import { notifyDueFollowUps } from '../followups/followups.service.ts';

export interface EngagementSweepReport {
  tenants: number;
  failed: number;
  followUpsDue: number;
  followUpsMissed: number;
}

async function engagementWork(platform: Platform, tenantId: string, now: Date, report: EngagementSweepReport): Promise<Date | null> {
  const ctx = systemContext(platform, 'engagement sweep', tenantId, `sweep-${now.getTime()}`);
  try {
    const r = await notifyDueFollowUps(ctx, await ctx.scope(tenantId), now);
    report.followUpsDue += r.due;
    report.followUpsMissed += r.missed;
    return r.next;
  } finally {
    await ctx.dispose();
  }
}

// A test clock's advance runs the same work for its tenants (runtime tenant-clocks.ts).
registerTenantWork('engagement', (platform, tenantId, now) => engagementWork(platform, tenantId, now, { tenants: 0, failed: 0, followUpsDue: 0, followUpsMissed: 0 }));

export async function engagementSweepOnce(platform: Platform, now?: Date): Promise<EngagementSweepReport> {
  const report: EngagementSweepReport = { tenants: 0, failed: 0, followUpsDue: 0, followUpsMissed: 0 };
  const r = await runDueWork(platform, 'engagement', (tenantId, at) => engagementWork(platform, tenantId, now ?? at, report), {}, now ? () => now : undefined);
  return { ...report, ...r };
}

/** Starts the periodic sweep (every 30 s it looks for due tenants); returns its stop function. */
export const startEngagementSweeper = (platform: Platform, intervalMs = 30_000) =>
  startPeriodic(platform.logger, 'engagement sweep', () => engagementSweepOnce(platform), intervalMs, (r) => Boolean(r.followUpsDue || r.followUpsMissed || r.failed));
