// Background work of engagement: follow-ups falling due or missed reach their assignee's inbox on
// time; referral rewards are earned, put on dues and clawed back (referrals/rewards.service.ts); help-desk
// tickets whose SLA deadline is near are flagged, past it escalated, and resolved ones closed after
// their reopen window (tickets/sla.service.ts).
// Work-driven (runtime work.ts): scheduling a follow-up records when its tenant's engagement
// work falls due; the sweep visits only tenants whose time has come and records their next due time
// (the earliest follow-up not yet told), so idle tenants cost nothing and no lead is scanned.
import { systemContext, type Platform } from '@studyspot/runtime';
import { registerTenantWork, runDueWork, startPeriodic } from '@studyspot/runtime/work';
import { notifyDueFollowUps } from '../followups/followups.service.ts';
import { settleReferrals } from '../referrals/rewards.service.ts';
import { escalate } from '../tickets/assignment.service.ts';
import { watchSlas } from '../tickets/sla.service.ts';

export interface EngagementSweepReport {
  tenants: number;
  failed: number;
  followUpsDue: number;
  followUpsMissed: number;
  referralsEarned: number;
  referralsClawedBack: number;
  rewardsAppliedPaise: number;
  ticketsAtRisk: number;
  ticketsBreached: number;
  ticketsClosed: number;
}

const EMPTY: EngagementSweepReport = { tenants: 0, failed: 0, followUpsDue: 0, followUpsMissed: 0, referralsEarned: 0, referralsClawedBack: 0, rewardsAppliedPaise: 0, ticketsAtRisk: 0, ticketsBreached: 0, ticketsClosed: 0 };
const earliest = (a: Date | null, b: Date | null) => (a && b ? (a < b ? a : b) : (a ?? b));

async function engagementWork(platform: Platform, tenantId: string, now: Date, report: EngagementSweepReport): Promise<Date | null> {
  const ctx = systemContext(platform, 'engagement sweep', tenantId, `sweep-${now.getTime()}`);
  try {
    const s = await ctx.scope(tenantId);
    const r = await notifyDueFollowUps(ctx, s, now);
    report.followUpsDue += r.due;
    report.followUpsMissed += r.missed;
    const rewards = await settleReferrals(ctx, s, now);
    report.referralsEarned += rewards.earned;
    report.referralsClawedBack += rewards.clawedBack;
    report.rewardsAppliedPaise += rewards.appliedPaise;
    const slas = await watchSlas(ctx, s, now, (t, reason) => escalate(ctx, s, t, reason).then(() => undefined));
    report.ticketsAtRisk += slas.atRisk;
    report.ticketsBreached += slas.breached;
    report.ticketsClosed += slas.closed;
    return earliest(earliest(r.next, rewards.next), slas.next);
  } finally {
    await ctx.dispose();
  }
}

// A test clock's advance runs the same work for its tenants (runtime tenant-clocks.ts).
registerTenantWork('engagement', (platform, tenantId, now) => engagementWork(platform, tenantId, now, { ...EMPTY }));

export async function engagementSweepOnce(platform: Platform, now?: Date): Promise<EngagementSweepReport> {
  const report: EngagementSweepReport = { ...EMPTY };
  const r = await runDueWork(platform, 'engagement', (tenantId, at) => engagementWork(platform, tenantId, now ?? at, report), {}, now ? () => now : undefined);
  return { ...report, ...r };
}

/** Starts the periodic sweep (every 30 s it looks for due tenants); returns its stop function. */
export const startEngagementSweeper = (platform: Platform, intervalMs = 30_000) =>
  startPeriodic(platform.logger, 'engagement sweep', () => engagementSweepOnce(platform), intervalMs, (r) => Boolean(r.followUpsDue || r.followUpsMissed || r.referralsEarned || r.referralsClawedBack || r.ticketsAtRisk || r.ticketsBreached || r.failed));
