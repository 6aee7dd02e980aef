// The only code that reads or writes the automatic SMS rules.
import type { TenantPrisma } from '@studyspot/db';
import type { AutoKind } from './auto.service.ts';

export const enabledRules = (db: TenantPrisma) => db.autoMessageRule.findMany({ where: { enabled: true, templateId: { not: null } } });
export const findRule = (db: TenantPrisma, kind: AutoKind) => db.autoMessageRule.findUnique({ where: { kind } });
export const anyEnabledRule = async (db: TenantPrisma) => Boolean(await db.autoMessageRule.findFirst({ where: { enabled: true, templateId: { not: null } }, select: { kind: true } }));

export function setRule(db: TenantPrisma, r: { kind: AutoKind; enabled: boolean; templateId: string | null; days?: number | null }) {
  return db.autoMessageRule.upsert({
    where: { kind: r.kind },
    create: { kind: r.kind, enabled: r.enabled, templateId: r.templateId, days: r.days ?? null },
    update: { enabled: r.enabled, templateId: r.templateId, ...(r.days != null ? { days: r.days } : {}) },
  });
}
