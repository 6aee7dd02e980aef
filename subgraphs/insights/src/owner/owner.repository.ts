// The reads behind owner insights: the daily rollups of a range (rows grow with days × libraries,
// never with the visits or payments behind them).
import type { TenantPrisma } from '@studyspot/db';

export const libraryDays = (db: TenantPrisma, from: Date, to: Date, libraryIds: string[] | null) =>
  db.insightLibraryDay.findMany({ where: { day: { gte: from, lte: to }, ...(libraryIds ? { libraryId: { in: libraryIds } } : {}) }, orderBy: [{ day: 'asc' }, { libraryId: 'asc' }] });

export type LibraryDay = Awaited<ReturnType<typeof libraryDays>>[number];

export const tenantDays = (db: TenantPrisma, from: Date, to: Date) => db.insightTenantDay.findMany({ where: { day: { gte: from, lte: to } }, orderBy: { day: 'asc' } });

export const libraryDay = (db: TenantPrisma, libraryId: string, day: Date) => db.insightLibraryDay.findUnique({ where: { libraryId_day: { libraryId, day } } });
