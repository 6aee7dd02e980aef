// Per-request DataLoaders: every relation and entity reference of campus goes through one, so a list
// of 100 students with their seat, library and today's visit costs the same few statements as 10.
import type { TenantPrisma } from '@studyspot/db';
import { byIds, type SubgraphContext } from '@studyspot/runtime';
import { istDay } from './time.ts';

type Db = TenantPrisma;
type Row<K extends keyof Db> = Db[K] extends { findMany(...args: never[]): Promise<(infer R)[]> } ? R : never;

export type LibraryRow = Row<'library'>;
export type SeatRow = Row<'seat'>;
export type ShiftRow = Row<'shift'>;
export type StudentRow = Row<'student'>;
export type AllocationRow = Row<'seatAllocation'>;
export type VisitRow = Row<'visit'>;

/** Rows carry the tenant they were read from, so nested fields read the same tenant's database. */
export type InTenant<T> = T & { tenantId: string };
export const tag = <T extends object>(tenantId: string, row: T | null | undefined): InTenant<T> | null => (row ? { ...row, tenantId } : null);
export const tagAll = <T extends object>(tenantId: string, rows: T[]): InTenant<T>[] => rows.map((r) => ({ ...r, tenantId }));

function groupBy<T, K>(rows: T[], key: (r: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

export function loaders(ctx: SubgraphContext, tenantId: string) {
  const db = () => ctx.tenantDb(tenantId);
  const byId = <R extends { id: string }>(name: string, find: (d: Db, ids: string[]) => Promise<R[]>) =>
    ctx.loader<string, R | null>(`${name}:${tenantId}`, async (ids) => byIds(ids, await find(await db(), [...ids])));
  const many = <R>(name: string, find: (d: Db, ids: string[]) => Promise<R[]>, key: (r: R) => string) =>
    ctx.loader<string, R[]>(`${name}:${tenantId}`, async (ids) => {
      const groups = groupBy(await find(await db(), [...ids]), key);
      return ids.map((id) => groups.get(id) ?? []);
    });
  return {
    library: byId('library', (d, ids) => d.library.findMany({ where: { id: { in: ids } } })),
    seat: byId('seat', (d, ids) => d.seat.findMany({ where: { id: { in: ids } } })),
    shift: byId('shift', (d, ids) => d.shift.findMany({ where: { id: { in: ids } } })),
    student: byId('student', (d, ids) => d.student.findMany({ where: { id: { in: ids } } })),
    allocation: byId('allocation', (d, ids) => d.seatAllocation.findMany({ where: { id: { in: ids } } })),
    seatsOf: many('seatsOf', (d, ids) => d.seat.findMany({ where: { libraryId: { in: ids } }, orderBy: [{ zone: 'asc' }, { label: 'asc' }] }), (s) => s.libraryId),
    shiftsOf: many('shiftsOf', (d, ids) => d.shift.findMany({ where: { libraryId: { in: ids } }, orderBy: { startMinute: 'asc' } }), (s) => s.libraryId),
    seatCount: ctx.loader<string, number>(`seatCount:${tenantId}`, async (ids) => {
      const rows = await (await db()).seat.groupBy({ by: ['libraryId'], where: { libraryId: { in: [...ids] } }, _count: { _all: true } });
      const m = new Map(rows.map((r) => [r.libraryId, r._count._all]));
      return ids.map((id) => m.get(id) ?? 0);
    }),
    allocationsOf: many(
      'allocationsOf',
      (d, ids) => d.seatAllocation.findMany({ where: { studentId: { in: ids } }, orderBy: [{ startDate: 'desc' }, { createdAt: 'desc' }] }),
      (a) => a.studentId,
    ),
    currentAllocation: ctx.loader<string, AllocationRow | null>(`currentAllocation:${tenantId}`, async (ids) => {
      const today = istDay();
      const rows = await (await db()).seatAllocation.findMany({
        where: { studentId: { in: [...ids] }, status: { in: ['ACTIVE', 'PAUSED', 'HELD'] }, startDate: { lte: today }, endDate: { gte: today } },
        orderBy: { createdAt: 'asc' },
      });
      const m = new Map(rows.map((r) => [r.studentId, r]));
      return ids.map((id) => m.get(id) ?? null);
    }),
    todayVisit: ctx.loader<string, VisitRow | null>(`todayVisit:${tenantId}`, async (ids) => {
      const rows = await (await db()).visit.findMany({ where: { studentId: { in: [...ids] }, day: istDay() }, orderBy: { checkedInAt: 'asc' } });
      const m = new Map<string, VisitRow>();
      for (const r of rows) m.set(r.studentId, r); // the latest visit of the day wins
      return ids.map((id) => m.get(id) ?? null);
    }),
  };
}
