// Messages that wait (promotional SMS after 21:00 IST go at 10:00, email held back in quiet hours) and
// the enabled automatic messages (auto/), in the tenants whose messages work is due (work-driven:
// runtime work.ts). A deferred SMS or email, a payment, an allocation or an enabled rule records when;
// after its run the sweep records the tenant's next: the next waiting SMS, the end of the quiet hours
// for what they hold back, the next day for daily rules. Then MSG91's early delivery reports.
import type { TenantPrisma } from '@studyspot/db';
import { earliest, nextDailyRun, runDueWork, startPeriodic, type Platform } from '@studyspot/runtime';
import { sweepEarlyReports } from './reports.ts';
import { runAutoMessages } from '../auto/auto.service.ts';
import { sendDeferredEmails } from '../email/email.ts';
import { quietHoursEnd } from '../inbox/inbox.service.ts';
import { sendDue } from './sms.service.ts';

const RETRY_MS = 5 * 60_000;

async function nextMessagesWork(tenantId: string, db: TenantPrisma, now: Date, quietEnd: Date | null): Promise<Date | null> {
  const [sms, email, rule] = await Promise.all([
    db.smsMessage.findFirst({ where: { status: 'QUEUED' }, orderBy: { sendAfter: 'asc' }, select: { sendAfter: true } }),
    db.emailOutbox.findFirst({ where: { sentAt: null }, select: { id: true } }),
    db.autoMessageRule.findFirst({ where: { enabled: true, templateId: { not: null } }, select: { kind: true } }),
  ]);
  const later = (at: Date) => (at > now ? at : new Date(now.getTime() + RETRY_MS));
  return earliest(
    sms && later(sms.sendAfter),
    email && (quietEnd ?? new Date(now.getTime() + RETRY_MS)),
    rule && earliest(nextDailyRun(tenantId, now), quietEnd),
  );
}

export async function smsSweepOnce(platform: Platform, now?: Date): Promise<{ sent: number; tenants: number; failed: number }> {
  let sent = 0;
  const r = await runDueWork(
    platform,
    'messages',
    (tenantId, at) =>
      platform.tenants.withTenant(tenantId, async (db) => {
        const t = now ?? at;
        // The tenant's quiet hours, read once: they hold back automatic messages and email.
        const quietEnd = quietHoursEnd(await db.communicationSettings.findUnique({ where: { id: 1 } }), t);
        sent += (await sendDue(platform, tenantId, db, t)) + (await runAutoMessages(platform, tenantId, db, t, quietEnd !== null)) + (await sendDeferredEmails(platform, db, t, quietEnd !== null));
        return nextMessagesWork(tenantId, db, t, quietEnd);
      }),
    {},
    now ? () => now : undefined,
  );
  await sweepEarlyReports(platform, now ?? new Date()).catch((err) => platform.logger.error({ err }, 'early delivery reports sweep failed'));
  return { sent, ...r };
}

export const startSmsSweeper = (platform: Platform, intervalMs = 30_000) => startPeriodic(platform.logger, 'SMS sweep', () => smsSweepOnce(platform), intervalMs, (r) => r.sent > 0 || r.failed > 0);
