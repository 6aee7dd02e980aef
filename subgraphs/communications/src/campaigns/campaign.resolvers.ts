// Campaigns: thin resolvers over campaign.service.ts and the job queue.
import { clock, isUuid, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { variableCount } from '../sms/dlt.ts';
import { progressOf, type Audience } from './campaign.service.ts';
import { campaignQueue } from './queue.ts';

const fail = (code: string, message: string, ...field: string[]) => ({ campaign: null, userErrors: [{ code, message, ...(field.length ? { field } : {}) }] });
const STATUSES = new Set(['ACTIVE', 'SUSPENDED', 'LEFT']);

async function tenant(ctx: SubgraphContext) {
  const tenantId = ctx.requireTenant();
  return { tenantId, db: await ctx.tenantDb(tenantId) };
}

export const campaignResolvers: Resolvers = {
  Query: {
    campaign: async (_p, a: { id: string }, ctx) => {
      const { db } = await tenant(ctx);
      return isUuid(a.id) ? db.campaign.findUnique({ where: { id: a.id } }) : null;
    },
    campaigns: async (_p, _a, ctx) => {
      const { db } = await tenant(ctx);
      return db.campaign.findMany({ orderBy: { createdAt: 'desc' }, take: 50 });
    },
  },
  Mutation: {
    createCampaign: async (_p, a: { input: { name: string; templateId: string; vars: string[]; audience: { libraryId?: string | null; shiftId?: string | null; studentStatus?: string | null; overdue?: boolean | null }; scheduledAt?: Date | null; ratePerMinute?: number | null } }, ctx) => {
      const { tenantId, db } = await tenant(ctx);
      const i = a.input;
      if (!i.name.trim()) return fail('INVALID_INPUT', 'name is required', 'input', 'name');
      const template = isUuid(i.templateId) ? await db.smsTemplate.findUnique({ where: { id: i.templateId } }) : null;
      if (!template) return fail('NOT_FOUND', 'No such template', 'input', 'templateId');
      if (template.approval !== 'APPROVED') return fail('TEMPLATE_NOT_APPROVED', 'Campaigns go out only through an approved template', 'input', 'templateId');
      if (i.vars.length !== variableCount(template.body)) return fail('INVALID_INPUT', `The template has ${variableCount(template.body)} variables; ${i.vars.length} given`, 'input', 'vars');
      const rate = i.ratePerMinute ?? 120;
      if (!Number.isInteger(rate) || rate < 1 || rate > 6_000) return fail('INVALID_INPUT', 'ratePerMinute is 1 to 6000', 'input', 'ratePerMinute');
      if (i.audience.studentStatus && !STATUSES.has(i.audience.studentStatus)) return fail('INVALID_INPUT', 'studentStatus is ACTIVE, SUSPENDED or LEFT', 'input', 'audience', 'studentStatus');
      for (const k of ['libraryId', 'shiftId'] as const) if (i.audience[k] && !isUuid(i.audience[k]!)) return fail('NOT_FOUND', `No such ${k === 'libraryId' ? 'library' : 'shift'}`, 'input', 'audience', k);
      const audience: Audience = { libraryId: i.audience.libraryId ?? null, shiftId: i.audience.shiftId ?? null, status: (i.audience.studentStatus as Audience['status']) ?? null, overdue: i.audience.overdue ?? null };
      const scheduledAt = i.scheduledAt && i.scheduledAt > clock.now() ? i.scheduledAt : clock.now();
      const campaign = await db.campaign.create({ data: { name: i.name.trim(), templateId: template.id, vars: i.vars, audience: audience as object, scheduledAt, ratePerMinute: rate, createdById: ctx.claims!.sub } });
      // On a test clock no timer fires at a later time: the messages work runs it when the clock passes it.
      if (clock.frozen && scheduledAt > clock.now()) await ctx.platform.work.due(tenantId, 'messages', scheduledAt);
      else await campaignQueue(ctx.platform).schedule(tenantId, campaign.id, scheduledAt);
      await ctx.audit({ action: 'campaign.create', tenantId, targetType: 'Campaign', targetId: campaign.id, details: { name: campaign.name, audience: audience as object, scheduledAt: scheduledAt.toISOString() } });
      return { campaign, userErrors: [] };
    },
    cancelCampaign: async (_p, a: { id: string }, ctx) => {
      const { tenantId, db } = await tenant(ctx);
      const c = isUuid(a.id) ? await db.campaign.findUnique({ where: { id: a.id } }) : null;
      if (!c) return fail('NOT_FOUND', 'No such campaign', 'id');
      const moved = await db.campaign.updateMany({ where: { id: c.id, status: { in: ['SCHEDULED', 'RUNNING'] } }, data: { status: 'CANCELLED', finishedAt: clock.now() } });
      if (moved.count) {
        await db.campaignRecipient.updateMany({ where: { campaignId: c.id, status: 'PENDING' }, data: { status: 'SKIPPED', reason: 'Campaign cancelled' } });
        await ctx.audit({ action: 'campaign.cancel', tenantId, targetType: 'Campaign', targetId: c.id });
      }
      return { campaign: await db.campaign.findUnique({ where: { id: c.id } }), userErrors: moved.count ? [] : [{ code: 'INVALID_INPUT', message: `The campaign is ${c.status}` }] };
    },
  },
  Campaign: {
    __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
      ctx.authorize('tenant:notifications:read');
      const { db } = await tenant(ctx);
      return isUuid(ref.id) ? db.campaign.findUnique({ where: { id: ref.id } }) : null;
    },
    template: async (c: { templateId: string }, _a, ctx) => {
      const { db } = await tenant(ctx);
      const t = await db.smsTemplate.findUniqueOrThrow({ where: { id: c.templateId }, include: { sender: true } });
      return { ...t, variables: variableCount(t.body) };
    },
    progress: async (c: { id: string }, _a, ctx) => progressOf((await tenant(ctx)).db, c.id),
  },
};
