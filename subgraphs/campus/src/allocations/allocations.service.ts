// Seat allocations (memberships) and day passes. The database's exclusion constraint is what
// prevents double booking, under any concurrency: the code only turns its refusal into a
// SEAT_UNAVAILABLE userError. (The waitlist: waitlist.service.ts.)
import { clock, isUuid, isViolation, ports, topics, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { findLibrary } from '../libraries/libraries.repository.ts';
import { findSeat, findShift } from '../seats/seats.repository.ts';
import { canSeeLibrary, type Scope } from '../shared/scope.ts';
import { addDays, daysBetween, istDay } from '../shared/time.ts';
import { findStudent } from '../students/students.repository.ts';
import * as repo from './allocations.repository.ts';
import { LIVE } from './allocations.repository.ts';
import { withdrawOffersOf } from './waitlist.repository.ts';
import { offerFreedSeat } from './waitlist.service.ts';

export async function publish(ctx: SubgraphContext, s: Scope, libraryId: string, type: string, payload: Record<string, unknown>) {
  await ctx.events.publish(topics.library(s.tenantId, libraryId), { type, libraryId, ...payload, at: clock.now().toISOString() });
}

export async function visibleAllocation(s: Scope, id: string) {
  const a = isUuid(id) ? await repo.findAllocation(s.db, id) : null;
  return a && canSeeLibrary(s, a.libraryId) ? a : null;
}

interface NewAllocation {
  studentId: string;
  seatId: string;
  shiftId: string;
  startDate: Date;
  endDate: Date;
  pricePaise?: number | null;
  kind?: 'MONTHLY' | 'DAY_PASS';
}

/** Checks everything but the overlap (the database checks that) and returns the row to insert. */
export async function prepare(s: Scope, input: NewAllocation) {
  if (input.endDate < input.startDate) return fail('INVALID_INPUT', 'endDate is before startDate', 'input', 'endDate');
  if (daysBetween(input.startDate, input.endDate) > 366) return fail('INVALID_INPUT', 'An allocation lasts at most a year', 'input', 'endDate');
  if (input.endDate < istDay()) return fail('INVALID_INPUT', 'The date range is in the past', 'input', 'endDate');
  const [seat, shift, student] = await Promise.all([
    isUuid(input.seatId) ? findSeat(s.db, input.seatId) : null,
    isUuid(input.shiftId) ? findShift(s.db, input.shiftId) : null,
    isUuid(input.studentId) ? findStudent(s.db, input.studentId) : null,
  ]);
  if (!seat || !canSeeLibrary(s, seat.libraryId)) return fail('NOT_FOUND', 'No such seat', 'input', 'seatId');
  if (!shift || shift.libraryId !== seat.libraryId) return fail('INVALID_INPUT', 'The shift is not one of the seat’s library', 'input', 'shiftId');
  if (!student) return fail('NOT_FOUND', 'No such student', 'input', 'studentId');
  if (student.status !== 'ACTIVE') return fail('INVALID_STATE', `The student is ${student.status}`, 'input', 'studentId');
  if (!shift.active) return fail('INVALID_STATE', 'The shift takes no new allocations', 'input', 'shiftId');
  if (seat.status === 'MAINTENANCE') return fail('SEAT_UNAVAILABLE', 'The seat is under maintenance', 'input', 'seatId');
  const library = await findLibrary(s.db, seat.libraryId);
  if (library?.status !== 'ACTIVE') return fail('INVALID_STATE', 'The library is not taking students', 'input', 'seatId');
  const price = input.pricePaise ?? shift.monthlyPricePaise;
  if (!Number.isInteger(price) || price < 0) return fail('INVALID_INPUT', 'pricePaise must be a whole number of paise', 'input', 'pricePaise');
  return {
    row: {
      libraryId: seat.libraryId,
      seatId: seat.id,
      shiftId: shift.id,
      studentId: student.id,
      startDate: input.startDate,
      endDate: input.endDate,
      shiftStart: shift.startMinute,
      shiftEnd: shift.endMinute,
      pricePaise: price,
      kind: input.kind ?? 'MONTHLY',
    } satisfies repo.NewAllocationRow,
  };
}

const unavailable = () => fail('SEAT_UNAVAILABLE', 'The seat is taken for an overlapping date range and shift', 'input', 'seatId');

export async function allocateSeat(ctx: SubgraphContext, s: Scope, input: NewAllocation) {
  const p = await prepare(s, input);
  if ('userErrors' in p) return p;
  const allocation = await repo.createAllocation(s.db, { ...p.row, status: 'ACTIVE' });
  if (isViolation(allocation)) return unavailable();
  await ports.billing.syncAllocationDues(ctx, s.tenantId, allocation.id);
  await publish(ctx, s, allocation.libraryId, 'ALLOCATION_CREATED', { allocationId: allocation.id, seatId: allocation.seatId, studentId: allocation.studentId });
  return { allocation, userErrors: [] };
}

export const createDayPass = (ctx: SubgraphContext, s: Scope, input: { studentId: string; seatId: string; shiftId: string; date: Date; pricePaise: number }) =>
  allocateSeat(ctx, s, { ...input, startDate: input.date, endDate: input.date, kind: 'DAY_PASS' });

type Allocation = NonNullable<Awaited<ReturnType<typeof visibleAllocation>>>;

type Changes = Parameters<typeof repo.updateIfUnchanged>[3];

async function update(ctx: SubgraphContext, s: Scope, id: string, check: (a: Allocation) => string | null, data: Changes | ((a: Allocation) => Changes), event: string) {
  const a = await visibleAllocation(s, id);
  if (!a) return fail('NOT_FOUND', 'No such allocation');
  const problem = check(a);
  if (problem) return fail('INVALID_STATE', problem);
  // Conditional on the status and end date read, so a concurrent change cannot be overwritten.
  const done = await repo.updateIfUnchanged(s.db, id, a, typeof data === 'function' ? data(a) : data);
  if (isViolation(done)) return unavailable();
  if (!done) return fail('INVALID_STATE', 'The allocation changed meanwhile; try again');
  const allocation = await repo.findAllocationOrThrow(s.db, id);
  await ports.billing.syncAllocationDues(ctx, s.tenantId, id);
  await publish(ctx, s, allocation.libraryId, event, { allocationId: id, seatId: allocation.seatId, studentId: allocation.studentId, status: allocation.status });
  return { allocation, userErrors: [] };
}

const live = (a: { status: string }) => ((LIVE as readonly string[]).includes(a.status) && a.status !== 'HELD' ? null : `The allocation is ${a.status}`);

export async function changeSeat(ctx: SubgraphContext, s: Scope, id: string, seatId: string) {
  const a = await visibleAllocation(s, id);
  const seat = isUuid(seatId) ? await findSeat(s.db, seatId) : null;
  if (!a) return fail('NOT_FOUND', 'No such allocation');
  if (!seat || seat.libraryId !== a.libraryId) return fail('INVALID_INPUT', 'The new seat must be in the same library', 'seatId');
  if (seat.status === 'MAINTENANCE') return fail('SEAT_UNAVAILABLE', 'The seat is under maintenance', 'seatId');
  return update(ctx, s, id, live, { seatId }, 'ALLOCATION_SEAT_CHANGED');
}

/** Days of a pause, both ends included. */
const pauseDays = (from: Date, until: Date) => daysBetween(from, until) + 1;

/**
 * A paused student loses no paid day: the end date moves later by the days paused (the seat must be
 * free for them, else SEAT_UNAVAILABLE). Resuming early gives back the days not taken.
 */
export function pauseAllocation(ctx: SubgraphContext, s: Scope, id: string, from: Date, until: Date) {
  if (until < from) return fail('INVALID_INPUT', 'until is before from', 'until');
  return update(
    ctx,
    s,
    id,
    (a) => live(a) ?? (a.status === 'PAUSED' ? 'The allocation is paused already' : from < a.startDate || until > a.endDate ? 'The pause must lie within the allocation' : null),
    (a) => ({ status: 'PAUSED', pausedFrom: from, pausedUntil: until, endDate: addDays(a.endDate, pauseDays(from, until)) }),
    'ALLOCATION_PAUSED',
  );
}

export const resumeAllocation = (ctx: SubgraphContext, s: Scope, id: string, today = istDay()) =>
  update(
    ctx,
    s,
    id,
    (a) => (a.status === 'PAUSED' ? null : 'The allocation is not paused'),
    (a) => {
      // Days of the pause from today on were never taken: the end date moves back by them.
      const { pausedFrom: from, pausedUntil: until } = a;
      const unused = from && until && today <= until ? pauseDays(today > from ? today : from, until) : 0;
      return { status: 'ACTIVE', pausedFrom: null, pausedUntil: null, endDate: addDays(a.endDate, -unused) };
    },
    'ALLOCATION_RESUMED',
  );

export function extendAllocation(ctx: SubgraphContext, s: Scope, id: string, endDate: Date) {
  return update(
    ctx,
    s,
    id,
    (a) => live(a) ?? (endDate <= a.endDate ? 'The new end date must be later than the current one' : daysBetween(a.startDate, endDate) > 366 ? 'An allocation lasts at most a year' : null),
    { endDate },
    'ALLOCATION_EXTENDED',
  );
}

export async function cancelAllocation(ctx: SubgraphContext, s: Scope, id: string) {
  const result = await update(ctx, s, id, (a) => ((LIVE as readonly string[]).includes(a.status) ? null : `The allocation is ${a.status}`), { status: 'CANCELLED' }, 'ALLOCATION_CANCELLED');
  if ('allocation' in result && result.allocation) await offerFreedSeat(ctx, s, result.allocation);
  return result;
}

/** The signed-in student's allocations, newest first. */
export const myAllocations = (s: Scope, studentId: string) => repo.myAllocations(s.db, studentId);

/** Lapses holds whose time is up and passes each seat to the next in line. Returns how many lapsed. */
export async function expireHolds(ctx: SubgraphContext, s: Scope, now = clock.now()): Promise<number> {
  let n = 0;
  for (const a of await repo.lapsedHolds(s.db, now)) {
    if (!(await repo.expireHold(s.db, a.id))) continue;
    n++;
    // An offer not taken up in time costs the place in line: the next student gets the seat.
    await withdrawOffersOf(s.db, a.id);
    await publish(ctx, s, a.libraryId, 'SEAT_OFFER_EXPIRED', { allocationId: a.id, seatId: a.seatId, studentId: a.studentId });
    await offerFreedSeat(ctx, s, a);
  }
  return n;
}

/** When the tenant's earliest hold lapses (null: none held). */
export const earliestHoldExpiry = (s: Scope) => repo.earliestHoldExpiry(s.db);
