// Test clocks in the core database: the clocks, their tenants, and the due work an advance steps through.
import type { CorePrisma } from '@studyspot/db';
import type { WorkKind } from '@studyspot/runtime';

const withTenants = { tenants: { select: { id: true }, orderBy: { createdAt: 'asc' as const } } };

export const createClock = (core: CorePrisma, name: string, frozenTime: Date) => core.testClock.create({ data: { name, frozenTime }, include: withTenants });
export const findClock = (core: CorePrisma, id: string) => core.testClock.findUnique({ where: { id }, include: withTenants });
export const listClocks = (core: CorePrisma) => core.testClock.findMany({ orderBy: { createdAt: 'desc' }, take: 100, include: withTenants });
export const deleteClock = (core: CorePrisma, id: string) => core.testClock.deleteMany({ where: { id, tenants: { none: {} }, advancingTo: null } });
export const attach = (core: CorePrisma, tenantId: string, clockId: string) => core.tenant.updateMany({ where: { id: tenantId }, data: { testClockId: clockId } });
export const findTenant = (core: CorePrisma, id: string) => core.tenant.findUnique({ where: { id }, select: { id: true, status: true, testClockId: true } });

/** Takes the clock for one advance (none running, `to` ahead of it); false when it cannot. */
export async function claimAdvance(core: CorePrisma, id: string, from: Date, to: Date): Promise<boolean> {
  const r = await core.testClock.updateMany({ where: { id, advancingTo: null, frozenTime: from }, data: { advancingTo: to } });
  return r.count === 1;
}
export const setFrozen = (core: CorePrisma, id: string, at: Date) => core.testClock.update({ where: { id }, data: { frozenTime: at } });
export const finishAdvance = (core: CorePrisma, id: string) => core.testClock.update({ where: { id }, data: { advancingTo: null } });

/** The clock's active tenants (the ones whose work runs, as sweeps run only active tenants'). */
export async function activeTenants(core: CorePrisma, clockId: string): Promise<string[]> {
  return (await core.tenant.findMany({ where: { testClockId: clockId, status: 'ACTIVE' }, select: { id: true }, orderBy: { createdAt: 'asc' } })).map((t) => t.id);
}

/** The clock's tenants whatever their status (platform billing reaches suspended ones too). */
export async function allTenants(core: CorePrisma, clockId: string): Promise<string[]> {
  return (await core.tenant.findMany({ where: { testClockId: clockId, status: { in: ['ACTIVE', 'SUSPENDED'] } }, select: { id: true } })).map((t) => t.id);
}

/** The earliest due work of these tenants at or before `until`. */
export async function nextDue(core: CorePrisma, tenantIds: string[], until: Date): Promise<Date | null> {
  if (!tenantIds.length) return null;
  const row = await core.tenantWork.findFirst({ where: { tenantId: { in: tenantIds }, dueAt: { lte: until } }, orderBy: { dueAt: 'asc' }, select: { dueAt: true } });
  return row?.dueAt ?? null;
}

/** The work of these tenants due at `at`, tenant by tenant. */
export async function dueAt(core: CorePrisma, tenantIds: string[], at: Date): Promise<{ tenantId: string; kind: WorkKind }[]> {
  if (!tenantIds.length) return [];
  const rows = await core.tenantWork.findMany({ where: { tenantId: { in: tenantIds }, dueAt: { lte: at } }, select: { tenantId: true, kind: true } });
  return rows.map((r) => ({ tenantId: r.tenantId, kind: r.kind as WorkKind }));
}

/** Holds a tenant's work row while an advance runs it (as a sweep's claim does): work scheduled meanwhile is kept. */
export async function hold(core: CorePrisma, tenantId: string, kind: WorkKind): Promise<void> {
  await core.$executeRaw`UPDATE tenant_work SET lease_until = now() + interval '5 minutes', pending_at = NULL WHERE tenant_id = ${tenantId}::uuid AND kind = ${kind}`;
}
