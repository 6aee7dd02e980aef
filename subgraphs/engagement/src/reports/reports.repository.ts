// The only code that reads leads for engagement's reports.
import type { TenantPrisma } from '@studyspot/db';

/** The funnel's facts of the leads that first asked in [from, to). */
export const funnelFacts = (db: TenantPrisma, from: Date, to: Date, scopeIds: string[] | null, libraryId: string | null) =>
  db.lead.findMany({
    where: { createdAt: { gte: from, lt: to }, ...(scopeIds ? { libraryId: { in: scopeIds } } : {}), ...(libraryId ? { libraryId } : {}) },
    select: { source: true, libraryId: true, createdAt: true, firstContactAt: true, visitedAt: true, convertedAt: true, closedAt: true, lostReason: true, studentId: true },
  });

export type FunnelFact = Awaited<ReturnType<typeof funnelFacts>>[number];
