// The only code that reads or writes campus's waitlist.
import type { TenantPrisma } from '@studyspot/db';
import { orViolation } from '@studyspot/runtime';
import type { NewAllocationRow } from './allocations.repository.ts';

export const findEntry = (db: TenantPrisma, id: string) => db.waitlistEntry.findUnique({ where: { id }, include: { offerAllocation: true } });
export const findEntryOrThrow = (db: TenantPrisma, id: string) => db.waitlistEntry.findUniqueOrThrow({ where: { id } });

/** The new entry, or the unique violation of a student already in this line. */
export const createEntry = (db: TenantPrisma, data: { studentId: string; libraryId: string; shiftId: string; startDate: Date; endDate: Date }) =>
  orViolation(db.waitlistEntry.create({ data }));

/** The first 20 waiting for a library's shift whose wish has not ended by `today`. */
export const waitingLine = (db: TenantPrisma, libraryId: string, shiftId: string, today: Date) =>
  db.waitlistEntry.findMany({
    where: { libraryId, shiftId, status: 'WAITING', endDate: { gte: today } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: 20,
  });

/** The line as shown (waiting and offered), with each offer's allocation. */
export const waitlist = (db: TenantPrisma, libraryId: string, shiftId: string) =>
  db.waitlistEntry.findMany({
    where: { libraryId, shiftId, status: { in: ['WAITING', 'OFFERED'] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { offerAllocation: true },
  });

/**
 * Holds a seat for a waiting entry: the HELD allocation and the entry's OFFERED status in one
 * transaction. 'taken' when the entry was no longer waiting; the exclusion violation when the seat
 * was taken meanwhile.
 */
export function holdForEntry(db: TenantPrisma, row: NewAllocationRow, entryId: string) {
  return orViolation(
    db
      .$transaction(async (tx) => {
        const allocation = await tx.seatAllocation.create({ data: { ...row, status: 'HELD' } });
        const claimed = await tx.waitlistEntry.updateMany({ where: { id: entryId, status: 'WAITING' }, data: { status: 'OFFERED', offerAllocationId: allocation.id } });
        if (claimed.count !== 1) throw new EntryTaken();
        return allocation;
      })
      .catch((err: unknown) => {
        if (err instanceof EntryTaken) return 'taken' as const;
        throw err;
      }),
  );
}

class EntryTaken extends Error {}

/** The offer accepted: the held allocation becomes ACTIVE and the entry ACCEPTED, together. */
export async function acceptOffer(db: TenantPrisma, allocationId: string, entryId: string) {
  await db.$transaction([
    db.seatAllocation.update({ where: { id: allocationId }, data: { status: 'ACTIVE', holdExpiresAt: null } }),
    db.waitlistEntry.update({ where: { id: entryId }, data: { status: 'ACCEPTED' } }),
  ]);
}

export const withdrawEntry = (db: TenantPrisma, id: string) => db.waitlistEntry.update({ where: { id }, data: { status: 'WITHDRAWN' } });

/** An offer not taken up in time costs the place in line. */
export const withdrawOffersOf = (db: TenantPrisma, allocationId: string) =>
  db.waitlistEntry.updateMany({ where: { offerAllocationId: allocationId }, data: { status: 'WITHDRAWN', offerAllocationId: null } });

export const withdrawWaitingOf = (db: TenantPrisma, studentId: string) => db.waitlistEntry.updateMany({ where: { studentId, status: 'WAITING' }, data: { status: 'WITHDRAWN' } });
export type WaitlistRow = Awaited<ReturnType<typeof findEntryOrThrow>>;
