// The only code that reads or writes campus's seats and shifts.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import { orViolation } from '@studyspot/runtime';

export type SeatRow = NonNullable<Awaited<ReturnType<typeof findSeat>>>;
export type ShiftRow = NonNullable<Awaited<ReturnType<typeof findShift>>>;

export const findSeat = (db: TenantPrisma, id: string) => db.seat.findUnique({ where: { id } });
export const seatsByIds = (db: TenantPrisma, ids: readonly string[]) => db.seat.findMany({ where: { id: { in: [...ids] } } });
export const countAllSeats = (db: TenantPrisma) => db.seat.count();

/** Seats of these libraries, by zone and label. */
export const seatsOfLibraries = (db: TenantPrisma, libraryIds: readonly string[]) =>
  db.seat.findMany({ where: { libraryId: { in: [...libraryIds] } }, orderBy: [{ zone: 'asc' }, { label: 'asc' }] });

export async function seatCounts(db: TenantPrisma, libraryIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.seat.groupBy({ by: ['libraryId'], where: { libraryId: { in: [...libraryIds] } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.libraryId, r._count._all]));
}

/** Available seats of a library per zone (occupancy's capacity). */
export const availableSeatsByZone = async (db: TenantPrisma, libraryId: string) =>
  (await db.seat.groupBy({ by: ['zone'], where: { libraryId, status: 'AVAILABLE' }, _count: { _all: true } })).map((z) => ({ zone: z.zone, seats: z._count._all }));

/** A grid of seats in one transaction, or the unique violation of a label the library has already. */
export function createSeatGrid(db: TenantPrisma, libraryId: string, labels: string[], zone: string, kind: TenantPrismaNs.SeatCreateManyInput['kind']) {
  return orViolation(
    db.$transaction(async (tx) => {
      await tx.seat.createMany({ data: labels.map((label) => ({ libraryId, label, zone, kind })) });
      return tx.seat.findMany({ where: { libraryId, label: { in: labels } }, orderBy: { label: 'asc' } });
    }),
  );
}

export const setSeatStatus = (db: TenantPrisma, id: string, status: 'AVAILABLE' | 'MAINTENANCE') => db.seat.update({ where: { id }, data: { status } });

export const findShift = (db: TenantPrisma, id: string) => db.shift.findUnique({ where: { id } });
export const findShiftOfLibrary = (db: TenantPrisma, id: string, libraryId: string) => db.shift.findFirst({ where: { id, libraryId } });
export const shiftsByIds = (db: TenantPrisma, ids: readonly string[]) => db.shift.findMany({ where: { id: { in: [...ids] } } });
export const shiftsOfLibraries = (db: TenantPrisma, libraryIds: readonly string[]) => db.shift.findMany({ where: { libraryId: { in: [...libraryIds] } }, orderBy: { startMinute: 'asc' } });

/** The new shift, or the unique violation of a name the library has already. */
export const createShift = (db: TenantPrisma, data: TenantPrismaNs.ShiftUncheckedCreateInput) => orViolation(db.shift.create({ data }));
export const updateShift = (db: TenantPrisma, id: string, data: TenantPrismaNs.ShiftUpdateInput) => orViolation(db.shift.update({ where: { id }, data }));
