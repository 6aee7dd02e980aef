// Automatic SMS rules: thin resolvers over the tenant's auto_message_rules.
import { isUuid, type Resolvers, type SubgraphContext } from '@studyspot/runtime';
import { variableCount } from '../sms/dlt.ts';
import type { AutoKind } from './auto.service.ts';

/** Variables each kind fills, in order (auto.service.ts). */
export const AUTO_VARIABLES: Record<AutoKind, number> = { FEE_DUE_SOON: 3, FEE_DUE_TODAY: 3, FEE_OVERDUE: 2, ABSENCE_STREAK: 3, SEAT_OFFERED: 3, PAYMENT_RECEIPT: 3, SEAT_ALLOCATED: 4 };

async function tenantDb(ctx: SubgraphContext) {
  return ctx.tenantDb(ctx.requireTenant());
}

async function view(ctx: SubgraphContext, kind: AutoKind) {
  const db = await tenantDb(ctx);
  const r = await db.autoMessageRule.findUnique({ where: { kind } });
  const t = r?.templateId ? await db.smsTemplate.findUnique({ where: { id: r.templateId }, include: { sender: true } }) : null;
  return { kind, enabled: r?.enabled ?? false, days: r?.days ?? (kind === 'ABSENCE_STREAK' ? 3 : null), variables: AUTO_VARIABLES[kind], template: t ? { ...t, variables: variableCount(t.body) } : null };
}

const fail = (code: string, message: string, ...field: string[]) => ({ rule: null, userErrors: [{ code, message, ...(field.length ? { field } : {}) }] });

export const autoResolvers: Resolvers = {
  Query: {
    autoMessageRules: async (_p, _a, ctx) => Promise.all((Object.keys(AUTO_VARIABLES) as AutoKind[]).map((k) => view(ctx, k))),
  },
  Mutation: {
    setAutoMessageRule: async (_p, a: { kind: AutoKind; enabled: boolean; templateId?: string | null; days?: number | null }, ctx) => {
      const db = await tenantDb(ctx);
      const current = await db.autoMessageRule.findUnique({ where: { kind: a.kind } });
      const templateId = a.templateId ?? current?.templateId ?? null;
      if (a.enabled) {
        const t = templateId && isUuid(templateId) ? await db.smsTemplate.findUnique({ where: { id: templateId } }) : null;
        if (!t) return fail('NOT_FOUND', 'Choose the template it goes through', 'templateId');
        if (t.approval !== 'APPROVED') return fail('TEMPLATE_NOT_APPROVED', 'Automatic SMS go out only through an approved template', 'templateId');
        if (variableCount(t.body) !== AUTO_VARIABLES[a.kind]) return fail('INVALID_INPUT', `${a.kind} fills ${AUTO_VARIABLES[a.kind]} variables; the template has ${variableCount(t.body)}`, 'templateId');
      }
      if (a.days != null && (!Number.isInteger(a.days) || a.days < 1 || a.days > 60)) return fail('INVALID_INPUT', 'days is 1 to 60', 'days');
      await db.autoMessageRule.upsert({ where: { kind: a.kind }, create: { kind: a.kind, enabled: a.enabled, templateId, days: a.days ?? null }, update: { enabled: a.enabled, templateId, ...(a.days != null ? { days: a.days } : {}) } });
      // The messages sweep looks at what the rule would send now, then daily.
      if (a.enabled) await ctx.platform.work.due(ctx.tenantId!, 'messages');
      await ctx.audit({ action: 'sms.auto.set', targetType: 'AutoMessageRule', details: { kind: a.kind, enabled: a.enabled, templateId } });
      return { rule: await view(ctx, a.kind), userErrors: [] };
    },
  },
};
