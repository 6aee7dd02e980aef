// Engagement's live subscription (the gateway runs it: gateway/src/live/). Each message is the board
// read from the database when it is sent, for the group's scope, so it is the latest state and
// nobody sees another tenant's or another branch's leads.
import { AppError, inBranches, liveTrigger, topics, type LiveField, type LiveFields, type LiveResolver } from '@studyspot/runtime';
import { board } from '../leads/leads.service.ts';
import { visibleTicket } from '../tickets/tickets.shared.ts';
import type { ResolversTypes, SubscriptionLeadBoardArgs, SubscriptionTicketUpdatesArgs } from '../generated/resolvers.ts';

const leadBoardField: LiveField<SubscriptionLeadBoardArgs> = {
  kind: 'state',
  topic: (_a, c) => topics.tenant(c.tenantId),
  accepts: (e, a, c) => e.type === 'LEAD_CHANGED' && inBranches(e, c.claims) && (!a.libraryId || e.libraryId === a.libraryId),
};

// A ticket's changes: the event carries ids only (never a message), and the message is the ticket
// read for the subscriber's own scope — a student's Ticket.messages are the public ones.
const ticketField: LiveField<SubscriptionTicketUpdatesArgs> = {
  kind: 'state',
  topic: (_a, c) => topics.tenant(c.tenantId),
  accepts: (e, a) => e.type === 'TICKET_CHANGED' && e.ticketId === a.id,
};

export const engagementLive: LiveFields = { leadBoard: leadBoardField, ticketUpdates: ticketField, myTicketUpdates: ticketField } as LiveFields;

const ticketUpdate = (field: 'ticketUpdates' | 'myTicketUpdates'): LiveResolver<ResolversTypes['TicketUpdate'], SubscriptionTicketUpdatesArgs> =>
  async (root, a, ctx) => {
    const t = liveTrigger(root, field, ctx.liveTrigger);
    const ticket = await visibleTicket(await ctx.scope(), a.id);
    if (!ticket) throw new AppError('NOT_FOUND', 'No such ticket', { path: ['id'] });
    return { sequence: t.sequence, snapshot: t.snapshot, ticket };
  };

export const liveResolvers: {
  Subscription: {
    leadBoard: LiveResolver<ResolversTypes['LeadBoardUpdate'], SubscriptionLeadBoardArgs>;
    ticketUpdates: LiveResolver<ResolversTypes['TicketUpdate'], SubscriptionTicketUpdatesArgs>;
    myTicketUpdates: LiveResolver<ResolversTypes['TicketUpdate'], SubscriptionTicketUpdatesArgs>;
  };
} = {
  Subscription: {
    ticketUpdates: ticketUpdate('ticketUpdates'),
    myTicketUpdates: ticketUpdate('myTicketUpdates'),
    leadBoard: async (root, a, ctx) => {
      const t = liveTrigger(root, 'leadBoard', ctx.liveTrigger);
      const columns = await board(await ctx.scope(), a.libraryId, a.first);
      const changed = [...new Set(t.events.map((e) => e.leadId).filter((id): id is string => typeof id === 'string'))];
      return { sequence: t.sequence, snapshot: t.snapshot, columns, changedLeadIds: changed };
    },
  },
};
