import { isUuid } from '@studyspot/runtime';
import { loaders } from '../shared/loaders.ts';
import { assignTicket, claimTicket, deleteTicketRule, escalateTicket, saveTicketRule } from './assignment.service.ts';
import { createSavedReply, deleteSavedReply, savedReplies } from './replies.service.ts';
import { ticketReport } from './report.service.ts';
import { ticketSlas, updateTicketSla } from './sla.service.ts';
import * as tickets from './tickets.service.ts';

import { maySee, studentCaller, ticketLabel, visibleKinds, visibleTicket } from './tickets.shared.ts';
import * as repo from './tickets.repository.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const ticketsResolvers: Resolvers = {
  Query: {
    ticket: async (_p, a, ctx) => visibleTicket(await ctx.scope(), a.id),
    tickets: async (_p, a, ctx) => tickets.listTickets(await ctx.scope(), a),
    ticketReport: async (_p, a, ctx) => ticketReport(await ctx.scope(), a.from, a.to, a.libraryId),
    ticketRules: async (_p, _a, ctx) => repo.rules((await ctx.scope()).db),
    ticketSlas: async (_p, _a, ctx) => ticketSlas((await ctx.scope()).db),
    savedReplies: async (_p, _a, ctx) => savedReplies(await ctx.scope()),
    myTickets: async (_p, a, ctx) => tickets.myTickets(await ctx.scope(), a),
    myTicket: async (_p, a, ctx) => visibleTicket(await ctx.scope(), a.id),
  },
  Mutation: {
    raiseTicket: async (_p, a, ctx) => tickets.raiseTicket(ctx, await ctx.scope(), a.input),
    replyToTicket: async (_p, a, ctx) => tickets.replyToTicket(ctx, await ctx.scope(), a.id, a.input),
    setTicketStatus: async (_p, a, ctx) => tickets.setTicketStatus(ctx, await ctx.scope(), a.id, a.status),
    assignTicket: async (_p, a, ctx) => assignTicket(ctx, await ctx.scope(), a.id, a.assigneeId),
    claimTicket: async (_p, a, ctx) => claimTicket(ctx, await ctx.scope(), a.id),
    escalateTicket: async (_p, a, ctx) => escalateTicket(ctx, await ctx.scope(), a.id, a.reason),
    createSavedReply: async (_p, a, ctx) => createSavedReply(ctx, await ctx.scope(), a.title, a.body),
    deleteSavedReply: async (_p, a, ctx) => deleteSavedReply(ctx, await ctx.scope(), a.id),
    saveTicketRule: async (_p, a, ctx) => saveTicketRule(ctx, await ctx.scope(), a.input),
    deleteTicketRule: async (_p, a, ctx) => deleteTicketRule(ctx, await ctx.scope(), a.id),
    updateTicketSla: async (_p, a, ctx) => updateTicketSla(ctx, await ctx.scope(), a.input),
    raiseMyTicket: async (_p, a, ctx) => tickets.raiseTicket(ctx, await ctx.scope(), a.input),
    replyToMyTicket: async (_p, a, ctx) => tickets.replyToTicket(ctx, await ctx.scope(), a.id, { body: a.body }),
    reopenMyTicket: async (_p, a, ctx) => tickets.reopenMyTicket(ctx, await ctx.scope(), a.id),
    rateMyTicket: async (_p, a, ctx) => tickets.rateMyTicket(ctx, await ctx.scope(), a.id, a.score, a.comment),
  },
  Ticket: {
    __resolveReference: async (ref, ctx) => {
      const s = await ctx.scope();
      const t = isUuid(ref.id) ? await loaders(ctx, s.tenantId).ticket.load(ref.id) : null;
      return t && (await maySee(s, t)) ? t : null;
    },
    number: (t) => ticketLabel(t),
    library: (t) => ({ id: t.libraryId }),
    seat: (t) => (t.seatId ? { id: t.seatId } : null),
    student: (t) => ({ id: t.studentId }),
    assignee: (t) => (t.assigneeId ? { id: t.assigneeId } : null),
    suggestion: async (t, _a, ctx) =>
      (await studentCaller(await ctx.scope())) === null && t.suggestedCategory && t.suggestedPriority ? { category: t.suggestedCategory, priority: t.suggestedPriority, confidence: t.suggestionConfidence ?? 0 } : null,
    // Every read of a conversation: a student gets the public messages only.
    messages: async (t, _a, ctx) => {
      const kinds = await visibleKinds(await ctx.scope());
      return (await loaders(ctx, ctx.requireTenant()).ticketMessages.load(t.id)).filter((m) => !kinds || kinds.includes(m.kind));
    },
  },
  TicketMessage: {
    author: (m) => (m.authorId ? { id: m.authorId } : null),
  },
  TicketRule: {
    library: (r) => (r.libraryId ? { id: r.libraryId } : null),
    assignee: (r) => (r.assigneeId ? { id: r.assigneeId } : null),
  },
  TicketReportRow: {
    library: (r) => (r.libraryId ? { id: r.libraryId } : null),
  },
};
