// The only code in identity that reads or writes accounts, sessions, OTPs and the audit log.
import type { CorePrisma } from '@studyspot/db';
import { idFilter, KEYSET_ORDER, KEYSET_ORDER_DESC } from '@studyspot/runtime';

export const USER_SELECT = {
  id: true,
  name: true,
  email: true,
  phone: true,
  role: true,
  tenantId: true,
  libraryIds: true,
  active: true,
  lockedUntil: true,
  lastLoginAt: true,
  createdAt: true,
} as const;

export type UserRow = Awaited<ReturnType<typeof findUsersByIds>>[number];
type Role = UserRow['role'];

export function findUsersByIds(core: CorePrisma, ids: readonly string[]) {
  return core.user.findMany({ where: { id: { in: [...ids] } }, select: USER_SELECT });
}

export function findUserForLogin(core: CorePrisma, email: string) {
  return core.user.findUnique({ where: { email }, select: { ...USER_SELECT, passwordHash: true, tenant: { select: { status: true } } } });
}

export function findUserWithSecret(core: CorePrisma, id: string) {
  return core.user.findUnique({ where: { id }, select: { ...USER_SELECT, passwordHash: true, tenant: { select: { status: true } } } });
}

export interface UserListFilter {
  search?: string | null;
  role?: Role | null;
  tenantId?: string | null;
  active?: boolean | null;
}

export function listUsers(core: CorePrisma, take: number, where: object, filter: UserListFilter) {
  const search = filter.search?.trim();
  return core.user.findMany({
    where: {
      AND: [
        where,
        filter.role ? { role: filter.role } : {},
        filter.tenantId ? { tenantId: idFilter(filter.tenantId) } : {},
        filter.active != null ? { active: filter.active } : {},
        search ? { OR: [{ name: { contains: search, mode: 'insensitive' as const } }, { email: { contains: search.toLowerCase() } }] } : {},
      ],
    },
    orderBy: KEYSET_ORDER,
    take,
    select: USER_SELECT,
  });
}

export async function countOpenSessions(core: CorePrisma, userIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await core.session.groupBy({
    by: ['userId'],
    where: { userId: { in: [...userIds] }, revokedAt: null, expiresAt: { gt: new Date() } },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.userId, r._count._all]));
}

export async function countAccountsByTenant(core: CorePrisma, tenantIds: readonly string[]) {
  const rows = await core.user.groupBy({
    by: ['tenantId', 'role'],
    where: { tenantId: { in: [...tenantIds] }, active: true },
    _count: { _all: true },
  });
  const out = new Map<string, { staffAccounts: number; studentAccounts: number }>();
  for (const id of tenantIds) out.set(id, { staffAccounts: 0, studentAccounts: 0 });
  for (const r of rows) {
    const t = out.get(r.tenantId!)!;
    if (r.role === 'STUDENT') t.studentAccounts += r._count._all;
    else t.staffAccounts += r._count._all;
  }
  return out;
}

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
