// Messages that wait (promotional SMS after 21:00 IST go at 10:00, email held back in quiet hours) and
// the enabled automatic messages (auto/), in the tenants whose messages work is due (work-driven:
// runtime work.ts). A deferred SMS or email, a payment, an allocation or an enabled rule records when;
// after its run the sweep records the tenant's next: the next waiting SMS, the end of the quiet hours
// for what they hold back, the next day for daily rules. Then MSG91's early delivery reports.
import type { TenantPrisma } from '@studyspot/db';
import { clock, type Platform } from '@studyspot/runtime';
import { earliest, nextDailyRun, registerTenantWork, runDueWork, startPeriodic } from '@studyspot/runtime/work';
import { anyEnabledRule } from '../auto/auto.repository.ts';
import { runAutoMessages } from '../auto/auto.service.ts';
import { dueScheduled, nextScheduledAt } from '../campaigns/campaigns.repository.ts';
import { runCampaign } from '../campaigns/campaigns.service.ts';
import { emailWaiting, sendDeferredEmails } from '../email/email.service.ts';
import { quietHoursEnd, settingsOf } from '../inbox/inbox.service.ts';
import { sweepEarlyReports } from '../sms/reports.service.ts';
import { nextQueuedAt } from '../sms/sms.repository.ts';
import { sendDue } from '../sms/sms.service.ts';

const RETRY_MS = 5 * 60_000;

async function nextMessagesWork(tenantId: string, db: TenantPrisma, now: Date, quietEnd: Date | null): Promise<Date | null> {
  const [sms, email, rule] = await Promise.all([nextQueuedAt(db), emailWaiting(db), anyEnabledRule(db)]);
  const later = (at: Date) => (at > now ? at : new Date(now.getTime() + RETRY_MS));
  return earliest(
    sms ? later(sms) : null,
    email ? (quietEnd ?? new Date(now.getTime() + RETRY_MS)) : null,
    rule ? earliest(nextDailyRun(tenantId, now), quietEnd) : null,
  );
}

/**
 * One tenant's due messages work: waiting SMS, automatic messages (not in quiet hours), deferred
 * email, and — on a test clock, where no queue timer fires — its scheduled campaigns whose time came.
 * Returns the sent count and when its next work is due.
 */
async function messagesWork(platform: Platform, tenantId: string, t: Date): Promise<{ sent: number; next: Date | null }> {
  return platform.tenants.withTenant(tenantId, async (db) => {
    // The tenant's quiet hours, read once: they hold back automatic messages and email.
    const quietEnd = quietHoursEnd(await settingsOf(db), t);
    let sent = (await sendDue(platform, tenantId, db, t)) + (await runAutoMessages(platform, tenantId, db, t, quietEnd !== null)) + (await sendDeferredEmails(platform, db, t, quietEnd !== null));
    let campaign: Date | null = null;
    if (clock.frozen) {
      for (const id of await dueScheduled(db, t)) {
        await runCampaign(platform, tenantId, db, id, { now: () => t, sleep: async () => {} });
        sent++;
      }
      campaign = await nextScheduledAt(db);
    }
    return { sent, next: earliest(await nextMessagesWork(tenantId, db, t, quietEnd), campaign) };
  });
}

// A test clock's advance runs the same work for its tenants (runtime tenant-clocks.ts).
registerTenantWork('messages', async (platform, tenantId, now) => (await messagesWork(platform, tenantId, now)).next);

export async function smsSweepOnce(platform: Platform, now?: Date): Promise<{ sent: number; tenants: number; failed: number }> {
  let sent = 0;
  const r = await runDueWork(
    platform,
    'messages',
    async (tenantId, at) => {
      const done = await messagesWork(platform, tenantId, now ?? at);
      sent += done.sent;
      return done.next;
    },
    {},
    now ? () => now : undefined,
  );
  await sweepEarlyReports(platform, now ?? clock.now()).catch((err) => platform.logger.error({ err }, 'early delivery reports sweep failed'));
  return { sent, ...r };
}

export const startSmsSweeper = (platform: Platform, intervalMs = 30_000) => startPeriodic(platform.logger, 'SMS sweep', () => smsSweepOnce(platform), intervalMs, (r) => r.sent > 0 || r.failed > 0);
