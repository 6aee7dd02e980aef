// The only code that reads or writes accounts (the core `user` table) and counts their sessions.
import type { CorePrisma } from '@studyspot/db';
import { clock, idFilter, isViolation, KEYSET_ORDER, orViolation, type Role } from '@studyspot/runtime';

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

export function findUsersByIds(core: CorePrisma, ids: readonly string[]) {
  return core.user.findMany({ where: { id: { in: [...ids] } }, select: USER_SELECT });
}

const WITH_SECRET = { ...USER_SELECT, passwordHash: true } as const;

export function findUserForLogin(core: CorePrisma, email: string) {
  return core.user.findUnique({ where: { email }, select: WITH_SECRET });
}

export function findUserWithSecret(core: CorePrisma, id: string) {
  return core.user.findUnique({ where: { id }, select: WITH_SECRET });
}

export function findStudentAccount(core: CorePrisma, tenantId: string, phone: string) {
  return core.user.findFirst({ where: { tenantId, phone, role: 'STUDENT' }, select: { ...USER_SELECT } });
}

/** A student's first account, with the campus record's id; null when a concurrent first sign-in made it. */
export async function createStudentAccount(core: CorePrisma, i: { id: string; name: string; phone: string; tenantId: string }) {
  const made = await orViolation(core.user.create({ data: { ...i, role: 'STUDENT' }, select: { id: true } }));
  return isViolation(made) ? null : made;
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

export interface NewUser {
  name: string;
  role: Role;
  email: string | null;
  phone: string | null;
  tenantId: string | null;
  libraryIds: string[];
  passwordHash: string | null;
}

/** The new account, or the unique constraint (email, or phone within a tenant) it broke. */
export const createUser = (core: CorePrisma, data: NewUser) => orViolation(core.user.create({ data, select: USER_SELECT }));

export type UserChanges = { name?: string; role?: Role; phone?: string | null; libraryIds?: string[] };

export const updateUser = (core: CorePrisma, id: string, data: UserChanges) => orViolation(core.user.update({ where: { id }, data, select: USER_SELECT }));

export const setActive = (core: CorePrisma, id: string, active: boolean) => core.user.update({ where: { id }, data: { active }, select: USER_SELECT });

export function setPasswordHash(core: CorePrisma, id: string, passwordHash: string, unlock: boolean) {
  return core.user.update({
    where: { id },
    data: { passwordHash, passwordChangedAt: clock.now(), ...(unlock ? { lockedUntil: null, failedLoginCount: 0 } : {}) },
    select: USER_SELECT,
  });
}

export function recordFailedLogin(core: CorePrisma, id: string, lockedUntil: Date | null) {
  return core.user.update({ where: { id }, data: { failedLoginCount: { increment: 1 }, ...(lockedUntil ? { lockedUntil } : {}) } });
}

export function recordLogin(core: CorePrisma, id: string) {
  return core.user.update({ where: { id }, data: { lastLoginAt: clock.now(), failedLoginCount: 0, lockedUntil: null } });
}

export async function countOpenSessions(core: CorePrisma, userIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await core.session.groupBy({
    by: ['userId'],
    where: { userId: { in: [...userIds] }, revokedAt: null, expiresAt: { gt: clock.now() } },
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

/** Staff accounts (managers and staff; owners do not count) of a tenant: what the plan's staff limit counts. */
export const countStaff = (core: CorePrisma, tenantId: string) => core.user.count({ where: { tenantId, role: { in: ['MANAGER', 'STAFF'] } } });

export const phoneOf = async (core: CorePrisma, userId: string) => (await core.user.findUnique({ where: { id: userId }, select: { phone: true } }))?.phone ?? null;

/** The student's own account: the one whose id is the student's, else the tenant's student account with their phone. */
export const studentAccount = async (core: CorePrisma, tenantId: string, studentId: string, phone: string) =>
  (await core.user.findFirst({ where: { tenantId, role: 'STUDENT', active: true, OR: [{ id: studentId }, { phone }] }, orderBy: { createdAt: 'asc' }, select: { id: true } }))?.id ?? null;

/** Active accounts who may work a branch: its owners, and managers and staff limited to it or to no branch; oldest first. */
export const branchStaff = (core: CorePrisma, tenantId: string, libraryId: string) =>
  core.user.findMany({
    where: { tenantId, active: true, OR: [{ role: 'OWNER' }, { role: { in: ['MANAGER', 'STAFF'] }, OR: [{ libraryIds: { has: libraryId } }, { libraryIds: { isEmpty: true } }] }] },
    select: { id: true, name: true, role: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  }) as Promise<{ id: string; name: string; role: 'OWNER' | 'MANAGER' | 'STAFF' }[]>;

/** Those of these ids that are staff accounts of the tenant (any role but student's own), with their email. */
export const accountsOfTenant = (core: CorePrisma, tenantId: string, ids: string[]) => core.user.findMany({ where: { id: { in: ids }, tenantId }, select: { id: true, email: true } });
