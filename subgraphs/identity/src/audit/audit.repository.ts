// The only code in identity that reads the audit log (every subgraph writes it through `ctx.audit`).
import type { CorePrisma } from '@studyspot/db';
import { idFilter, KEYSET_ORDER_DESC } from '@studyspot/runtime';

const AUDIT_SELECT = {
  id: true,
  createdAt: true,
  action: true,
  actorId: true,
  actorRole: true,
  tenantId: true,
  targetType: true,
  targetId: true,
  ip: true,
  requestId: true,
  details: true,
} as const;

export type AuditRow = Awaited<ReturnType<typeof recentActions>>[number];

export function recentActions(core: CorePrisma, actorId: string, take: number) {
  return core.auditLog.findMany({ where: { actorId }, orderBy: KEYSET_ORDER_DESC, take, select: AUDIT_SELECT });
}

export interface AuditListFilter {
  tenantId?: string | null;
  actorId?: string | null;
  action?: string | null;
  targetId?: string | null;
  since?: Date | null;
}

export function listAuditLogs(core: CorePrisma, take: number, where: object, f: AuditListFilter) {
  return core.auditLog.findMany({
    where: {
      AND: [
        where,
        f.tenantId ? { tenantId: idFilter(f.tenantId) } : {},
        f.actorId ? { actorId: idFilter(f.actorId) } : {},
        f.action ? { action: f.action } : {},
        f.targetId ? { targetId: f.targetId } : {},
        f.since ? { createdAt: { gte: f.since } } : {},
      ],
    },
    orderBy: KEYSET_ORDER_DESC,
    take,
    select: AUDIT_SELECT,
  });
}

/** Audit entries of an action in [from, to), optionally only those with details.from = `detailsFrom`. */
export function countActions(core: CorePrisma, action: string, from: Date, to: Date, detailsFrom?: string) {
  return core.auditLog.count({ where: { action, createdAt: { gte: from, lt: to }, ...(detailsFrom !== undefined ? { details: { path: ['from'], equals: detailsFrom } } : {}) } });
}
