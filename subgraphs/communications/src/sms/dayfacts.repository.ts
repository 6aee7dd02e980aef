// Communications' days for insights' rollups (runtime insight-facts.ts): SMS handed to MSG91 per IST
// day, how many of them were delivered, and the credits they took — one grouped statement.
import type { TenantPrisma } from '@studyspot/db';
import { dayOf, formatDate, type DayRange, type MessagesDayFact } from '@studyspot/runtime';

export async function smsDayFacts(db: TenantPrisma, r: DayRange): Promise<MessagesDayFact[]> {
  const rows = await db.$queryRawUnsafe<{ day: string; sent: number; delivered: number; credits: number }[]>(
    `SELECT ((sent_at AT TIME ZONE 'UTC') + interval '330 minutes')::date::text AS day, count(*)::int AS sent,
       count(*) FILTER (WHERE status = 'DELIVERED')::int AS delivered, SUM(credits)::int AS credits
     FROM sms_messages
     WHERE sent_at >= (($1::date)::timestamp AT TIME ZONE 'UTC') - interval '330 minutes'
       AND sent_at < (($2::date + 1)::timestamp AT TIME ZONE 'UTC') - interval '330 minutes'
     GROUP BY 1`,
    formatDate(r.from),
    formatDate(r.to),
  );
  return rows.map((x) => ({ day: dayOf(x.day), sent: x.sent, delivered: x.delivered, credits: x.credits }));
}
