// Per-request DataLoaders: every relation and entity reference of campus goes through one, so a list
// of 100 students with their seat, library and today's visit costs the same few statements as 10.
// Each batch is one repository read.
import { byIds, groupBy, type SubgraphContext } from '@studyspot/runtime';
import { allocationsByIds, allocationsOfStudents, currentAllocationsOf, type AllocationRow } from '../allocations/allocations.repository.ts';
import { visitsOfStudentsOn, type VisitRow } from '../attendance/attendance.repository.ts';
import { librariesByIds, type LibraryRow } from '../libraries/libraries.repository.ts';
import { seatCounts, seatsByIds, seatsOfLibraries, shiftsByIds, shiftsOfLibraries, type SeatRow, type ShiftRow } from '../seats/seats.repository.ts';
import { studentsByIds, type StudentRow } from '../students/students.repository.ts';
import type { WaitlistRow } from '../allocations/waitlist.repository.ts';
import { istDay } from './time.ts';

export type { AllocationRow, LibraryRow, SeatRow, ShiftRow, StudentRow, VisitRow };

/** Rows carry the tenant they were read from, so nested fields read the same tenant's database. */
export type InTenant<T> = T & { tenantId: string };
export function tag<T extends object>(tenantId: string, row: T): InTenant<T>;
export function tag<T extends object>(tenantId: string, row: T | null | undefined): InTenant<T> | null;
export function tag<T extends object>(tenantId: string, row: T | null | undefined): InTenant<T> | null {
  return row ? { ...row, tenantId } : null;
}
export const tagAll = <T extends object>(tenantId: string, rows: T[]): InTenant<T>[] => rows.map((r) => ({ ...r, tenantId }));

export function loaders(ctx: SubgraphContext, tenantId: string) {
  const db = () => ctx.tenantDb(tenantId);
  const byId = <R extends { id: string }>(name: string, find: (d: Awaited<ReturnType<typeof db>>, ids: readonly string[]) => Promise<R[]>) =>
    ctx.loader<string, R | null>(`${name}:${tenantId}`, async (ids) => byIds(ids, await find(await db(), ids)));
  const many = <R>(name: string, find: (d: Awaited<ReturnType<typeof db>>, ids: readonly string[]) => Promise<R[]>, key: (r: R) => string) =>
    ctx.loader<string, R[]>(`${name}:${tenantId}`, async (ids) => {
      const groups = groupBy(await find(await db(), ids), key);
      return ids.map((id) => groups.get(id) ?? []);
    });
  return {
    library: byId('library', librariesByIds),
    seat: byId('seat', seatsByIds),
    shift: byId('shift', shiftsByIds),
    student: byId('student', studentsByIds),
    allocation: byId('allocation', allocationsByIds),
    seatsOf: many('seatsOf', seatsOfLibraries, (s) => s.libraryId),
    shiftsOf: many('shiftsOf', shiftsOfLibraries, (s) => s.libraryId),
    seatCount: ctx.loader<string, number>(`seatCount:${tenantId}`, async (ids) => {
      const m = await seatCounts(await db(), ids);
      return ids.map((id) => m.get(id) ?? 0);
    }),
    allocationsOf: many('allocationsOf', allocationsOfStudents, (a) => a.studentId),
    currentAllocation: ctx.loader<string, AllocationRow | null>(`currentAllocation:${tenantId}`, async (ids) => {
      const m = new Map((await currentAllocationsOf(await db(), ids, istDay())).map((r) => [r.studentId, r]));
      return ids.map((id) => m.get(id) ?? null);
    }),
    todayVisit: ctx.loader<string, VisitRow | null>(`todayVisit:${tenantId}`, async (ids) => {
      const m = new Map<string, VisitRow>();
      for (const r of await visitsOfStudentsOn(await db(), ids, istDay())) m.set(r.studentId, r); // the latest visit of the day wins
      return ids.map((id) => m.get(id) ?? null);
    }),
  };
}

// What each entity's resolvers receive as their parent (the generated resolver types' mappers,
// codegen.ts): the repository row, tagged with its tenant.
export type LibraryParent = InTenant<LibraryRow> & { distanceKm?: number };
export type SeatParent = InTenant<SeatRow>;
export type ShiftParent = InTenant<ShiftRow>;
export type StudentParent = InTenant<StudentRow>;
export type AllocationParent = InTenant<AllocationRow>;
export type VisitParent = InTenant<VisitRow>;
export type WaitlistParent = InTenant<WaitlistRow> & { position?: number | null };
export type TenantParent = { id: string };
export type TenantStatsParent = { tenantId: string };
