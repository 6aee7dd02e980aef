// Test clocks in the core database: the clocks and their tenants. (The due work an advance steps
// through is the runtime's work schedule: platform.work.)
import type { CorePrisma } from '@studyspot/db';

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
export type ClockRow = NonNullable<Awaited<ReturnType<typeof findClock>>>;
