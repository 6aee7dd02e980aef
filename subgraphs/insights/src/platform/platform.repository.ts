// The only code that writes and reads insights' platform rollups (core tables
// insight_platform_tenant_days and insight_platform_days). A build replaces a range of days whole in
// one transaction under a lock, so a re-run or two concurrent runs leave the same rows.
import type { CorePrisma } from '@studyspot/db';

export interface PlatformTenantDayRow {
  day: Date;
  tenantId: string;
  state: string;
  subscription: string | null;
  plan: string | null;
  mrrPaise: number;
  payments: Record<string, { count: number; paise: number }>;
  smsCreditsUsed: number;
  final: boolean;
  builtAt: Date;
}

export interface PlatformDayRow {
  day: Date;
  creditsSold: number;
  retailPaise: number;
  wholesaleCostPaise: number;
  final: boolean;
  builtAt: Date;
}

export async function replacePlatformDays(core: CorePrisma, a: { from: Date; to: Date; days: PlatformDayRow[]; tenants: PlatformTenantDayRow[] }): Promise<void> {
  await core.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('insights:platform-build'))`;
    await tx.insightPlatformTenantDay.deleteMany({ where: { day: { gte: a.from, lte: a.to } } });
    await tx.insightPlatformDay.deleteMany({ where: { day: { gte: a.from, lte: a.to } } });
    await tx.insightPlatformDay.createMany({ data: a.days });
    await tx.insightPlatformTenantDay.createMany({ data: a.tenants });
  });
}

export const platformDaysBuilt = (core: CorePrisma, from: Date, to: Date) =>
  core.insightPlatformDay.findMany({ where: { day: { gte: from, lte: to } }, select: { day: true, final: true, builtAt: true }, orderBy: { day: 'asc' } });

export const platformDays = (core: CorePrisma, from: Date, to: Date) => core.insightPlatformDay.findMany({ where: { day: { gte: from, lte: to } }, orderBy: { day: 'asc' } });

export async function platformTenantDays(core: CorePrisma, from: Date, to: Date): Promise<PlatformTenantDayRow[]> {
  const rows = await core.insightPlatformTenantDay.findMany({ where: { day: { gte: from, lte: to } }, orderBy: [{ day: 'asc' }, { tenantId: 'asc' }] });
  return rows.map((r) => ({ ...r, payments: r.payments as PlatformTenantDayRow['payments'] }));
}

/** Whether the platform rollups were ever built (the nightly sweep keeps them going only once read). */
export const anyPlatformDay = async (core: CorePrisma) => (await core.insightPlatformDay.count({ take: 1 })) > 0;
