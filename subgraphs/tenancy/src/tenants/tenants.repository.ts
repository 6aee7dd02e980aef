// The only code that reads or writes tenants (the core `tenant` table).
import type { CorePrisma, CorePrismaNs } from '@studyspot/db';
import { KEYSET_ORDER, orViolation } from '@studyspot/runtime';
import { placeTenant } from '../placement/placement.repository.ts';

export type TenantRow = Awaited<ReturnType<typeof findTenantsByIds>>[number];
export type TenantStatus = TenantRow['status'];

/** Every tenant row is read with its server (the placement map), so its database can be found. */
const WITH_SERVER = { server: { select: { id: true, name: true, url: true, directUrl: true } } } as const;

export function findTenantsByIds(core: CorePrisma, ids: readonly string[]) {
  return core.tenant.findMany({ where: { id: { in: [...ids] } }, include: WITH_SERVER });
}

export interface TenantListFilter {
  status?: TenantStatus | null;
  planId?: string | null;
  search?: string | null;
}

export function listTenants(core: CorePrisma, take: number, where: object, f: TenantListFilter) {
  const search = f.search?.trim();
  return core.tenant.findMany({
    where: {
      AND: [
        where,
        f.status ? { status: f.status } : {},
        f.planId ? { planId: f.planId } : {},
        search ? { OR: [{ name: { contains: search, mode: 'insensitive' as const } }, { slug: { contains: search.toLowerCase() } }] } : {},
      ],
    },
    orderBy: KEYSET_ORDER,
    take,
    include: WITH_SERVER,
  });
}

/** Id and status of the tenant with this slug (sign-in by tenant name). */
export function findTenantBySlug(core: CorePrisma, slug: string) {
  return core.tenant.findUnique({ where: { slug }, select: { id: true, status: true } });
}

export function findTenantStatus(core: CorePrisma, id: string) {
  return core.tenant.findUnique({ where: { id }, select: { status: true } });
}

export const findTenant = (core: CorePrisma, id: string) => core.tenant.findUnique({ where: { id }, include: WITH_SERVER });

export type TenantChanges = CorePrismaNs.TenantUpdateManyMutationInput;

/** Applies `data` only if the tenant is still in `status`; false when another change came first. */
export async function updateIfStatus(core: CorePrisma, id: string, status: TenantStatus, data: TenantChanges): Promise<boolean> {
  return (await core.tenant.updateMany({ where: { id, status }, data })).count === 1;
}

export const updateTenant = (core: CorePrisma, id: string, data: TenantChanges) => core.tenant.update({ where: { id }, data, include: WITH_SERVER });

export interface NewTenant {
  tenant: { name: string; slug: string; dbName: string; legalName?: string | null; gstin?: string | null; state?: string | null; contactEmail?: string | null; contactPhone?: string | null };
  owner: { name: string; email: string; phone: string | null; passwordHash: string };
}

/**
 * The tenant (PROVISIONING) and its owner's account, in one transaction, or the unique constraint it
 * broke (slug, or the owner's email). The owner's row is identity's table: it is written here because
 * a tenant must never exist without its owner; identity reads it like any account.
 */
export function createTenantWithOwner(core: CorePrisma, n: NewTenant) {
  return orViolation(
    core.$transaction(async (tx) => {
      const serverId = await placeTenant(tx);
      if (!serverId) return { full: true as const };
      const tenant = await tx.tenant.create({ data: { ...n.tenant, serverId, status: 'PROVISIONING' }, include: WITH_SERVER });
      // eslint-disable-next-line studyspot/data-boundary -- the owner is created with the tenant, atomically (see above)
      const owner = await tx.user.create({ data: { ...n.owner, role: 'OWNER', tenantId: tenant.id }, select: { id: true } });
      return { tenant, ownerId: owner.id };
    }),
  );
}

const PROFILE = { id: true, slug: true, name: true, legalName: true, gstin: true, state: true, status: true, webhookKey: true } as const;

export const findTenantProfile = (core: CorePrisma, id: string) => core.tenant.findUnique({ where: { id }, select: PROFILE });
export const findTenantByWebhookKey = (core: CorePrisma, webhookKey: string) => core.tenant.findUnique({ where: { webhookKey }, select: { id: true, status: true } });
export const tenantsWithStatuses = (core: CorePrisma, statuses: TenantStatus[]) => core.tenant.findMany({ where: { status: { in: statuses } }, select: { id: true, slug: true } });
export const tenantsOnTestClocks = async (core: CorePrisma) => (await core.tenant.findMany({ where: { testClockId: { not: null } }, select: { id: true } })).map((t) => t.id);
/** Every tenant with the dates that tell its past (insights' platform rollups), oldest first. */
export const tenantFacts = (core: CorePrisma) => core.tenant.findMany({ select: { id: true, status: true, createdAt: true, suspendedAt: true, deletedAt: true }, orderBy: { createdAt: 'asc' } });

/** ACTIVE → SUSPENDED for an unpaid invoice; false when the tenant was not ACTIVE. */
export async function suspendForUnpaid(core: CorePrisma, id: string, reason: string, at: Date): Promise<boolean> {
  return (await core.tenant.updateMany({ where: { id, status: 'ACTIVE' }, data: { status: 'SUSPENDED', suspendedAt: at, suspensionReason: reason } })).count > 0;
}

/** SUSPENDED for an unpaid invoice → ACTIVE; false when it was not suspended for that. */
export async function reactivateAfterPayment(core: CorePrisma, id: string): Promise<boolean> {
  return (await core.tenant.updateMany({ where: { id, status: 'SUSPENDED', suspensionReason: { startsWith: 'Unpaid invoice' } }, data: { status: 'ACTIVE', suspendedAt: null, suspensionReason: null } })).count > 0;
}

export const setPlan = async (core: CorePrisma, id: string, planId: string) => void (await core.tenant.update({ where: { id }, data: { planId } }));
