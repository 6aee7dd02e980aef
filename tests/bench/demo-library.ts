// The demo's library for the insights benchmarks: seats up to `seats` (seedTenant made 12) and the
// demo's three shifts (gateway/src/seed.ts); returns the seats past the first six, which the demo's
// history takes (the seed keeps the first ones for its named students).
import type { TenantPrisma } from '@studyspot/db';

export async function demoLibrary(db: TenantPrisma, libraryId: string, seats = 40): Promise<string[]> {
  await db.seat.createMany({ data: Array.from({ length: seats - 12 }, (_, i) => ({ libraryId, label: `X${i + 1}` })) });
  await db.shift.createMany({
    data: [
      { libraryId, name: 'Full day', startMinute: 360, endMinute: 1320, monthlyPricePaise: 150_000 },
      { libraryId, name: 'Morning', startMinute: 360, endMinute: 840, monthlyPricePaise: 90_000 },
      { libraryId, name: 'Evening', startMinute: 840, endMinute: 1320, monthlyPricePaise: 90_000 },
    ],
  });
  return (await db.seat.findMany({ where: { libraryId }, orderBy: { label: 'asc' } })).slice(6).map((s) => s.id);
}
