// Per-request DataLoaders: every relation and entity reference of engagement goes through one, so a
// board of 60 leads with their stages, timelines and follow-ups costs the same few statements as 6.
import { byIds, groupBy, type SubgraphContext } from '@studyspot/runtime';
import { followUpsOfLeads } from '../followups/followups.repository.ts';
import { eventsOfLeads, leadsByIds, stagesByIds } from '../leads/leads.repository.ts';
import { rewardsOf } from '../referrals/referrals.repository.ts';
import { messagesOf, ticketsByIds } from '../tickets/tickets.repository.ts';

export function loaders(ctx: SubgraphContext, tenantId: string) {
  const db = () => ctx.tenantDb(tenantId);
  const many = <R>(name: string, find: (d: Awaited<ReturnType<typeof db>>, ids: readonly string[]) => Promise<R[]>, key: (r: R) => string) =>
    ctx.loader<string, R[]>(`${name}:${tenantId}`, async (ids) => {
      const groups = groupBy(await find(await db(), ids), key);
      return ids.map((id) => groups.get(id) ?? []);
    });
  return {
    lead: ctx.loader(`lead:${tenantId}`, async (ids: readonly string[]) => byIds(ids, await leadsByIds(await db(), ids))),
    stage: ctx.loader(`leadStage:${tenantId}`, async (ids: readonly string[]) => byIds(ids, await stagesByIds(await db(), ids))),
    timeline: many('leadTimeline', eventsOfLeads, (e) => e.leadId),
    followUps: many('leadFollowUps', followUpsOfLeads, (f) => f.leadId),
    referralRewards: many('referralRewards', rewardsOf, (r) => r.referralId),
    ticket: ctx.loader(`ticket:${tenantId}`, async (ids: readonly string[]) => byIds(ids, await ticketsByIds(await db(), ids))),
    ticketMessages: many('ticketMessages', (d, ids) => messagesOf(d, ids), (m) => m.ticketId),
  };
}
