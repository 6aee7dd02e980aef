// The only code that writes and reads insights' day rollups (tenant tables insight_library_days and
// insight_tenant_days). A build replaces a range of days whole in one transaction, under a lock that
// lets one build of a tenant run at a time, so a re-run or two concurrent runs leave the same rows.
import type { TenantPrisma } from '@studyspot/db';
import type { BillingDayFact, CampusDayFact, MessagesDayFact } from '@studyspot/runtime';

/** A library's day as stored: campus's and billing's figures side by side. */
export type LibraryDayRow = CampusDayFact & Omit<BillingDayFact, 'libraryId' | 'day'> & { final: boolean; builtAt: Date };

export async function replaceDays(
  db: TenantPrisma,
  a: { from: Date; to: Date; builtAt: Date; libraries: LibraryDayRow[]; tenant: (MessagesDayFact & { final: boolean })[] },
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('insights:build'))`;
    await tx.insightLibraryDay.deleteMany({ where: { day: { gte: a.from, lte: a.to } } });
    await tx.insightTenantDay.deleteMany({ where: { day: { gte: a.from, lte: a.to } } });
    await tx.insightLibraryDay.createMany({ data: a.libraries });
    await tx.insightTenantDay.createMany({
      data: a.tenant.map((t) => ({ day: t.day, final: t.final, smsSent: t.sent, smsDelivered: t.delivered, smsCredits: t.credits, builtAt: a.builtAt })),
    });
  });
}

/** The last day built final (the backfill's watermark); null: none yet. */
export async function lastFinalDay(db: TenantPrisma): Promise<Date | null> {
  const row = await db.insightTenantDay.findFirst({ where: { final: true }, orderBy: { day: 'desc' }, select: { day: true } });
  return row?.day ?? null;
}

/** Final days built in [from, to] and when today's (partial) day was last built. */
export async function builtIn(db: TenantPrisma, from: Date, to: Date): Promise<{ day: Date; final: boolean; builtAt: Date }[]> {
  return db.insightTenantDay.findMany({ where: { day: { gte: from, lte: to } }, select: { day: true, final: true, builtAt: true }, orderBy: { day: 'asc' } });
}

export async function buildStatus(db: TenantPrisma) {
  const [first, last, count] = await Promise.all([
    db.insightTenantDay.findFirst({ orderBy: { day: 'asc' }, select: { day: true } }),
    db.insightTenantDay.findFirst({ orderBy: { builtAt: 'desc' }, select: { builtAt: true } }),
    db.insightTenantDay.count({ where: { final: true } }),
  ]);
  return { firstDay: first?.day ?? null, lastBuiltAt: last?.builtAt ?? null, finalDays: count };
}

/** The libraries a built day has rows for. */
export async function librariesOn(db: TenantPrisma, day: Date): Promise<string[]> {
  return (await db.insightLibraryDay.findMany({ where: { day }, select: { libraryId: true }, orderBy: { libraryId: 'asc' } })).map((r) => r.libraryId);
}
