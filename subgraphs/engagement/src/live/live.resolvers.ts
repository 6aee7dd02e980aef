// Engagement's live subscription (the gateway runs it: gateway/src/live/). Each message is the board
// read from the database when it is sent, for the group's scope, so it is the latest state and
// nobody sees another tenant's or another branch's leads.
import { inBranches, liveTrigger, topics, type LiveField, type LiveFields, type LiveResolver } from '@studyspot/runtime';
import { board } from '../leads/leads.service.ts';
import type { ResolversTypes, SubscriptionLeadBoardArgs } from '../generated/resolvers.ts';

const leadBoardField: LiveField<SubscriptionLeadBoardArgs> = {
  kind: 'state',
  topic: (_a, c) => topics.tenant(c.tenantId),
  accepts: (e, a, c) => e.type === 'LEAD_CHANGED' && inBranches(e, c.claims) && (!a.libraryId || e.libraryId === a.libraryId),
};

export const engagementLive: LiveFields = { leadBoard: leadBoardField } as LiveFields;

export const liveResolvers: { Subscription: { leadBoard: LiveResolver<ResolversTypes['LeadBoardUpdate'], SubscriptionLeadBoardArgs> } } = {
  Subscription: {
    leadBoard: async (root, a, ctx) => {
      const t = liveTrigger(root, 'leadBoard', ctx.liveTrigger);
      const columns = await board(await ctx.scope(), a.libraryId, a.first);
      const changed = [...new Set(t.events.map((e) => e.leadId).filter((id): id is string => typeof id === 'string'))];
      return { sequence: t.sequence, snapshot: t.snapshot, columns, changedLeadIds: changed };
    },
  },
};
