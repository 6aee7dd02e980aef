import * as support from './support.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const supportResolvers: Resolvers = {
  Query: {
    myPlatformTickets: (_p, a, ctx) => support.myPlatformTickets(ctx, a),
    myPlatformTicket: (_p, a, ctx) => support.myPlatformTicket(ctx, a.id),
    supportQueue: (_p, a, ctx) => support.supportQueue(ctx, a),
    platformTicket: (_p, a, ctx) => support.platformTicket(ctx, a.id),
  },
  Mutation: {
    raisePlatformTicket: (_p, a, ctx) => support.raisePlatformTicket(ctx, a.input),
    replyToMyPlatformTicket: (_p, a, ctx) => support.replyAsTenant(ctx, a.id, a.body),
    claimPlatformTicket: (_p, a, ctx) => support.claimPlatformTicket(ctx, a.id),
    replyToPlatformTicket: (_p, a, ctx) => support.replyAsPlatform(ctx, a.id, a.input),
    setPlatformTicketStatus: (_p, a, ctx) => support.setPlatformTicketStatus(ctx, a.id, a.status),
  },
  PlatformTicket: {
    number: (t) => support.supportLabel(t),
    tenant: (t) => ({ id: t.tenantId }),
    assignee: (t) => (t.assigneeId ? { id: t.assigneeId } : null),
    messages: (t, _a, ctx) => support.conversation(ctx, t),
  },
  PlatformTicketMessage: {
    kind: (m) => m.kind as 'PUBLIC' | 'INTERNAL' | 'EVENT',
    author: (m) => (m.authorId ? { id: m.authorId } : null),
  },
};
