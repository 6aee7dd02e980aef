// The only code that reads or writes campus's libraries.
import type { TenantPrisma, TenantPrismaNs } from '@studyspot/db';
import { KEYSET_ORDER } from '@studyspot/runtime';

export type LibraryRow = NonNullable<Awaited<ReturnType<typeof findLibrary>>>;

export const findLibrary = (db: TenantPrisma, id: string) => db.library.findUnique({ where: { id } });

export const librariesByIds = (db: TenantPrisma, ids: readonly string[]) => db.library.findMany({ where: { id: { in: [...ids] } } });

/** How many of these ids name a library. */
export function countLibraries(db: TenantPrisma, ids: string[]) {
  return db.library.count({ where: { id: { in: ids } } });
}

export const countAllLibraries = (db: TenantPrisma) => db.library.count();

export const activeLibraryIds = async (db: TenantPrisma) => (await db.library.findMany({ where: { status: 'ACTIVE' }, select: { id: true } })).map((l) => l.id);

export const createLibrary = (db: TenantPrisma, data: TenantPrismaNs.LibraryCreateInput) => db.library.create({ data });

export const updateLibrary = (db: TenantPrisma, id: string, data: TenantPrismaNs.LibraryUpdateInput) => db.library.update({ where: { id }, data });

export interface LibraryFilter {
  city?: string | null;
  status?: 'ACTIVE' | 'CLOSED' | 'ARCHIVED' | null;
  search?: string | null;
}

/** Libraries among `scopeIds` (null: all) matching the filter. */
function filterWhere(scopeIds: string[] | null, f: LibraryFilter | null | undefined): TenantPrismaNs.LibraryWhereInput {
  const search = f?.search?.trim();
  return {
    AND: [
      scopeIds === null ? {} : { id: { in: scopeIds } },
      f?.city ? { city: { equals: f.city.trim(), mode: 'insensitive' as const } } : {},
      f?.status ? { status: f.status } : {},
      search ? { name: { contains: search, mode: 'insensitive' as const } } : {},
    ],
  };
}

export function listLibraries(db: TenantPrisma, take: number, keyset: object, scopeIds: string[] | null, f?: LibraryFilter | null) {
  return db.library.findMany({ where: { AND: [keyset, filterWhere(scopeIds, f)] }, orderBy: KEYSET_ORDER, take });
}

/** Libraries inside a latitude/longitude box (the index narrows; the caller measures distance). */
export function librariesInBox(db: TenantPrisma, scopeIds: string[] | null, f: LibraryFilter | null | undefined, box: { lat: [number, number]; lng: [number, number] }) {
  return db.library.findMany({
    where: { AND: [filterWhere(scopeIds, f), { latitude: { gte: box.lat[0], lte: box.lat[1] }, longitude: { gte: box.lng[0], lte: box.lng[1] } }] },
  });
}

/** Name and address of these libraries (receipts, invoices). */
export const libraryAddresses = (db: TenantPrisma, ids: readonly string[]) =>
  db.library.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true, address: true, city: true, state: true } });
