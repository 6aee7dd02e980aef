// Every minute, in every active tenant: messages that waited (promotional ones after 21:00 IST go at
// 10:00) are sent, and the enabled automatic messages (auto/) go out.
import { startPeriodic, type Platform } from '@studyspot/runtime';
import { sweepEarlyReports } from './reports.ts';
import { runAutoMessages } from '../auto/auto.service.ts';
import { sendDeferredEmails } from '../email/email.ts';
import { sendDue } from './sms.service.ts';

export async function smsSweepOnce(platform: Platform, now = new Date()): Promise<{ sent: number }> {
  const tenants = await platform.core.tenant.findMany({ where: { status: 'ACTIVE' }, select: { id: true } });
  let sent = 0;
  for (const t of tenants) {
    try {
      sent += await platform.tenants.withTenant(t.id, async (db) => (await sendDue(platform, t.id, db, now)) + (await runAutoMessages(platform, t.id, db, now)) + (await sendDeferredEmails(platform, db, now)));
    } catch (err) {
      platform.logger.error({ err, tenantId: t.id }, 'SMS sweep failed for a tenant');
    }
  }
  await sweepEarlyReports(platform, now).catch((err) => platform.logger.error({ err }, 'early delivery reports sweep failed'));
  return { sent };
}

export const startSmsSweeper = (platform: Platform, intervalMs = 60_000) => startPeriodic(platform.logger, 'SMS sweep', () => smsSweepOnce(platform), intervalMs, (r) => r.sent > 0);
