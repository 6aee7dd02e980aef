import { isUuid, present } from '@studyspot/runtime';
import { loaders } from '../shared/loaders.ts';
import { inBranches } from '../shared/scope.ts';
import { availability } from './availability.service.ts';
import { convertLead } from './conversion.service.ts';
import { submitEnquiry } from './enquiry.service.ts';
import { importLeads } from './import.service.ts';
import * as leads from './leads.service.ts';
import { textLead } from './messages.service.ts';
import { createStage, renameStage } from './stages.service.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export const leadsResolvers: Resolvers = {
  Query: {
    leadStages: async (_p, _a, ctx) => leads.listStages(await ctx.scope()),
    lead: async (_p, a, ctx) => leads.visibleLead(await ctx.scope(), a.id),
    leads: async (_p, a, ctx) => leads.listLeads(await ctx.scope(), a, a.filter ?? {}),
    leadBoard: async (_p, a, ctx) => leads.board(await ctx.scope(), a.libraryId, a.first),
    leadsInStage: async (_p, a, ctx) => leads.leadsInStage(await ctx.scope(), a.stageId, a.libraryId, a),
  },
  Mutation: {
    submitEnquiry: (_p, a, ctx) => submitEnquiry(ctx, a.input),
    createLead: async (_p, a, ctx) => leads.createLead(ctx, await ctx.scope(), a.input),
    updateLead: async (_p, a, ctx) => leads.updateLead(ctx, await ctx.scope(), a.id, a.input),
    moveLead: async (_p, a, ctx) => leads.moveLead(ctx, await ctx.scope(), a.id, a.stageId, a.lostReason),
    assignLead: async (_p, a, ctx) => leads.assignLead(ctx, await ctx.scope(), a.id, a.assigneeId),
    logLeadActivity: async (_p, a, ctx) => leads.logActivity(await ctx.scope(), a.id, a.kind, a.body),
    convertLead: async (_p, a, ctx) => convertLead(ctx, await ctx.scope(), a.id, a.seat),
    textLead: async (_p, a, ctx) => textLead(ctx, await ctx.scope(), a.id, a),
    importLeads: async (_p, a, ctx) => importLeads(ctx, await ctx.scope(), a.csv, a.libraryId),
    createLeadStage: async (_p, a, ctx) => createStage(await ctx.scope(), a.name, a.afterStageId),
    renameLeadStage: async (_p, a, ctx) => renameStage(await ctx.scope(), a.id, a.name),
  },
  Lead: {
    __resolveReference: async (ref, ctx) => {
      const s = await ctx.scope();
      const lead = isUuid(ref.id) ? await loaders(ctx, s.tenantId).lead.load(ref.id) : null;
      return lead && inBranches(s, lead.libraryId) ? lead : null;
    },
    library: (l) => ({ id: l.libraryId }),
    stage: async (l, _a, ctx) => present(await loaders(ctx, ctx.requireTenant()).stage.load(l.stageId), 'LeadStage'),
    preferredShift: (l) => (l.preferredShiftId ? { id: l.preferredShiftId } : null),
    assignee: (l) => (l.assigneeId ? { id: l.assigneeId } : null),
    student: (l) => (l.studentId ? { id: l.studentId } : null),
    allocation: (l) => (l.allocationId ? { id: l.allocationId } : null),
    timeline: (l, _a, ctx) => loaders(ctx, ctx.requireTenant()).timeline.load(l.id),
    availability: async (l, a, ctx) => availability(await ctx.scope(), l, a),
  },
  LeadEvent: {
    actor: (e) => (e.actorId ? { id: e.actorId } : null),
  },
};
