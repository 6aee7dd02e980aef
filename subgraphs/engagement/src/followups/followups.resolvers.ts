import { present } from '@studyspot/runtime';
import { loaders } from '../shared/loaders.ts';
import * as followUps from './followups.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const followUpsResolvers: Resolvers = {
  Query: {
    openFollowUps: async (_p, a, ctx) => followUps.openFollowUps(await ctx.scope(), a.assigneeId, a.first, a.after),
  },
  Mutation: {
    scheduleFollowUp: async (_p, a, ctx) => followUps.scheduleFollowUp(ctx, await ctx.scope(), a.leadId, a.dueAt, a.note, a.assigneeId),
    completeFollowUp: async (_p, a, ctx) => followUps.completeFollowUp(await ctx.scope(), a.id, a.outcome),
  },
  Lead: {
    followUps: (l, _a, ctx) => loaders(ctx, ctx.requireTenant()).followUps.load(l.id),
  },
  LeadFollowUp: {
    lead: async (f, _a, ctx) => present(await loaders(ctx, ctx.requireTenant()).lead.load(f.leadId), 'Lead'),
    assignee: (f) => ({ id: f.assigneeId }),
    missed: (f) => followUps.isMissed(f),
  },
};
