// Seat allocations (memberships), day passes and the waitlist. The database's exclusion constraint
// is what prevents double booking, under any concurrency: the code only turns its refusal into a
// SEAT_UNAVAILABLE userError.
import { syncAllocationDues } from '@studyspot/billing/ports';
import type { TenantPrisma } from '@studyspot/db';
import { clock, topics, type SubgraphContext } from '@studyspot/runtime';
import { canSeeLibrary, type Scope } from './access.ts';
import { fail, violation } from './errors.ts';
import { addDays, daysBetween, istDay } from './time.ts';

export const HOLD_HOURS = 24;
const LIVE = ['HELD', 'ACTIVE', 'PAUSED'] as const;

async function publish(ctx: SubgraphContext, s: Scope, libraryId: string, type: string, payload: Record<string, unknown>) {
  await ctx.events.publish(topics.library(s.tenantId, libraryId), { type, libraryId, ...payload, at: clock.now().toISOString() });
}

export async function visibleAllocation(s: Scope, id: string) {
  const a = await s.db.seatAllocation.findUnique({ where: { id } }).catch(() => null);
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
async function prepare(s: Scope, input: NewAllocation) {
  if (input.endDate < input.startDate) return fail('INVALID_INPUT', 'endDate is before startDate', 'input', 'endDate');
  if (daysBetween(input.startDate, input.endDate) > 366) return fail('INVALID_INPUT', 'An allocation lasts at most a year', 'input', 'endDate');
  if (input.endDate < istDay()) return fail('INVALID_INPUT', 'The date range is in the past', 'input', 'endDate');
  const [seat, shift, student] = await Promise.all([
    s.db.seat.findUnique({ where: { id: input.seatId } }).catch(() => null),
    s.db.shift.findUnique({ where: { id: input.shiftId } }).catch(() => null),
    s.db.student.findUnique({ where: { id: input.studentId } }).catch(() => null),
  ]);
  if (!seat || !canSeeLibrary(s, seat.libraryId)) return fail('NOT_FOUND', 'No such seat', 'input', 'seatId');
  if (!shift || shift.libraryId !== seat.libraryId) return fail('INVALID_INPUT', 'The shift is not one of the seat’s library', 'input', 'shiftId');
  if (!student) return fail('NOT_FOUND', 'No such student', 'input', 'studentId');
  if (student.status !== 'ACTIVE') return fail('INVALID_STATE', `The student is ${student.status}`, 'input', 'studentId');
  if (!shift.active) return fail('INVALID_STATE', 'The shift takes no new allocations', 'input', 'shiftId');
  if (seat.status === 'MAINTENANCE') return fail('SEAT_UNAVAILABLE', 'The seat is under maintenance', 'input', 'seatId');
  const library = await s.db.library.findUnique({ where: { id: seat.libraryId }, select: { status: true } });
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
    },
  };
}

const unavailable = () => fail('SEAT_UNAVAILABLE', 'The seat is taken for an overlapping date range and shift', 'input', 'seatId');

export async function allocateSeat(ctx: SubgraphContext, s: Scope, input: NewAllocation) {
  const p = await prepare(s, input);
  if ('userErrors' in p) return p;
  try {
    const allocation = await s.db.seatAllocation.create({ data: { ...p.row, status: 'ACTIVE' } });
    await syncAllocationDues(ctx, s.tenantId, allocation.id);
    await publish(ctx, s, allocation.libraryId, 'ALLOCATION_CREATED', { allocationId: allocation.id, seatId: allocation.seatId, studentId: allocation.studentId });
    return { allocation, userErrors: [] };
  } catch (err) {
    if (violation(err) === 'exclusion') return unavailable();
    throw err;
  }
}

export const createDayPass = (ctx: SubgraphContext, s: Scope, input: { studentId: string; seatId: string; shiftId: string; date: Date; pricePaise: number }) =>
  allocateSeat(ctx, s, { ...input, startDate: input.date, endDate: input.date, kind: 'DAY_PASS' });

type Allocation = NonNullable<Awaited<ReturnType<typeof visibleAllocation>>>;

async function update(ctx: SubgraphContext, s: Scope, id: string, check: (a: Allocation) => string | null, data: object | ((a: Allocation) => object), event: string) {
  const a = await visibleAllocation(s, id);
  if (!a) return fail('NOT_FOUND', 'No such allocation');
  const problem = check(a);
  if (problem) return fail('INVALID_STATE', problem);
  try {
    // Conditional on the status and end date read, so a concurrent change cannot be overwritten.
    const done = await s.db.seatAllocation.updateMany({ where: { id, status: a.status, endDate: a.endDate }, data: typeof data === 'function' ? data(a) : data });
    if (done.count !== 1) return fail('INVALID_STATE', 'The allocation changed meanwhile; try again');
  } catch (err) {
    if (violation(err) === 'exclusion') return unavailable();
    throw err;
  }
  const allocation = await s.db.seatAllocation.findUniqueOrThrow({ where: { id } });
  await syncAllocationDues(ctx, s.tenantId, id);
  await publish(ctx, s, allocation.libraryId, event, { allocationId: id, seatId: allocation.seatId, studentId: allocation.studentId, status: allocation.status });
  return { allocation, userErrors: [] };
}

const live = (a: { status: string }) => ((LIVE as readonly string[]).includes(a.status) && a.status !== 'HELD' ? null : `The allocation is ${a.status}`);

export async function changeSeat(ctx: SubgraphContext, s: Scope, id: string, seatId: string) {
  const a = await visibleAllocation(s, id);
  const seat = await s.db.seat.findUnique({ where: { id: seatId } }).catch(() => null);
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

// ---------------------------------------------------------------------------------------------
// Waitlist

export async function joinWaitlist(s: Scope, input: { studentId: string; libraryId: string; shiftId: string; startDate: Date; endDate: Date }) {
  if (input.endDate < input.startDate) return fail('INVALID_INPUT', 'endDate is before startDate', 'endDate');
  if (!canSeeLibrary(s, input.libraryId)) return fail('NOT_FOUND', 'No such library', 'libraryId');
  const shift = await s.db.shift.findUnique({ where: { id: input.shiftId } }).catch(() => null);
  if (!shift || shift.libraryId !== input.libraryId) return fail('NOT_FOUND', 'No such shift in that library', 'shiftId');
  const student = await s.db.student.findUnique({ where: { id: input.studentId } }).catch(() => null);
  if (!student || student.status !== 'ACTIVE') return fail('NOT_FOUND', 'No such active student', 'studentId');
  try {
    return { entry: await s.db.waitlistEntry.create({ data: input }), userErrors: [] };
  } catch (err) {
    if (violation(err) === 'unique') return fail('DUPLICATE', 'The student is in this line already', 'studentId');
    throw err;
  }
}

/**
 * A seat was freed: hold it for the first student in line whose wish it fits (same library and shift
 * times, dates within the freed range from today on). The hold is a HELD allocation, so the exclusion
 * constraint guards it like any other.
 */
export async function offerFreedSeat(ctx: SubgraphContext, s: Scope, freed: { libraryId: string; seatId: string; shiftId: string; endDate: Date }) {
  const today = istDay();
  if (freed.endDate < today) return null;
  const line = await s.db.waitlistEntry.findMany({
    where: { libraryId: freed.libraryId, shiftId: freed.shiftId, status: 'WAITING', endDate: { gte: today } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: 20,
  });
  for (const entry of line) {
    const start = entry.startDate < today ? today : entry.startDate;
    const p = await prepare(s, { studentId: entry.studentId, seatId: freed.seatId, shiftId: entry.shiftId, startDate: start, endDate: entry.endDate });
    if ('userErrors' in p) continue;
    try {
      const held = await s.db.$transaction(async (tx) => {
        const allocation = await tx.seatAllocation.create({ data: { ...p.row, status: 'HELD', holdExpiresAt: new Date(clock.nowMs() + HOLD_HOURS * 3_600_000) } });
        const claimed = await tx.waitlistEntry.updateMany({ where: { id: entry.id, status: 'WAITING' }, data: { status: 'OFFERED', offerAllocationId: allocation.id } });
        if (claimed.count !== 1) throw new Error('entry taken');
        return allocation;
      });
      // The campus sweep lapses the hold when it expires; the offer may be an automatic SMS now.
      await ctx.platform.work.due(s.tenantId, 'campus', held.holdExpiresAt!);
      await ctx.platform.work.due(s.tenantId, 'messages');
      await publish(ctx, s, freed.libraryId, 'SEAT_OFFERED', { allocationId: held.id, seatId: held.seatId, studentId: held.studentId, waitlistEntryId: entry.id });
      return held;
    } catch (err) {
      if (violation(err) === 'exclusion') return null; // someone took the seat meanwhile
      if ((err as Error).message === 'entry taken') continue;
      throw err;
    }
  }
  return null;
}

export async function acceptOffer(ctx: SubgraphContext, s: Scope, entryId: string, studentId?: string) {
  const entry = await s.db.waitlistEntry.findUnique({ where: { id: entryId }, include: { offerAllocation: true } }).catch(() => null);
  if (!entry || !canSeeLibrary(s, entry.libraryId) || (studentId && entry.studentId !== studentId)) return fail('NOT_FOUND', 'No such waitlist entry');
  const offer = entry.offerAllocation;
  if (entry.status !== 'OFFERED' || !offer || offer.status !== 'HELD') return fail('INVALID_STATE', 'There is no seat on offer for this entry');
  if (offer.holdExpiresAt && offer.holdExpiresAt <= clock.now()) return fail('INVALID_STATE', 'The offer expired');
  await s.db.$transaction([
    s.db.seatAllocation.update({ where: { id: offer.id }, data: { status: 'ACTIVE', holdExpiresAt: null } }),
    s.db.waitlistEntry.update({ where: { id: entryId }, data: { status: 'ACCEPTED' } }),
  ]);
  await syncAllocationDues(ctx, s.tenantId, offer.id);
  await publish(ctx, s, entry.libraryId, 'ALLOCATION_CREATED', { allocationId: offer.id, seatId: offer.seatId, studentId: offer.studentId });
  return { entry: await s.db.waitlistEntry.findUniqueOrThrow({ where: { id: entryId } }), userErrors: [] };
}

export async function leaveWaitlist(ctx: SubgraphContext, s: Scope, entryId: string) {
  const entry = await s.db.waitlistEntry.findUnique({ where: { id: entryId }, include: { offerAllocation: true } }).catch(() => null);
  if (!entry || !canSeeLibrary(s, entry.libraryId)) return fail('NOT_FOUND', 'No such waitlist entry');
  if (entry.status !== 'WAITING' && entry.status !== 'OFFERED') return fail('INVALID_STATE', `The entry is ${entry.status}`);
  await s.db.waitlistEntry.update({ where: { id: entryId }, data: { status: 'WITHDRAWN' } });
  if (entry.offerAllocation?.status === 'HELD') {
    await s.db.seatAllocation.update({ where: { id: entry.offerAllocation.id }, data: { status: 'EXPIRED' } });
    await offerFreedSeat(ctx, s, entry.offerAllocation);
  }
  return { entry: await s.db.waitlistEntry.findUniqueOrThrow({ where: { id: entryId } }), userErrors: [] };
}

/** Lapses holds whose time is up and passes each seat to the next in line. Returns how many lapsed. */
export async function expireHolds(ctx: SubgraphContext, s: Scope, now = clock.now()): Promise<number> {
  const lapsed = await s.db.seatAllocation.findMany({ where: { status: 'HELD', holdExpiresAt: { lte: now } } });
  let n = 0;
  for (const a of lapsed) {
    const done = await s.db.seatAllocation.updateMany({ where: { id: a.id, status: 'HELD' }, data: { status: 'EXPIRED' } });
    if (done.count !== 1) continue;
    n++;
    // An offer not taken up in time costs the place in line: the next student gets the seat.
    await s.db.waitlistEntry.updateMany({ where: { offerAllocationId: a.id }, data: { status: 'WITHDRAWN', offerAllocationId: null } });
    await publish(ctx, s, a.libraryId, 'SEAT_OFFER_EXPIRED', { allocationId: a.id, seatId: a.seatId, studentId: a.studentId });
    await offerFreedSeat(ctx, s, a);
  }
  return n;
}

export function waitlist(db: TenantPrisma, libraryId: string, shiftId: string) {
  return db.waitlistEntry.findMany({
    where: { libraryId, shiftId, status: { in: ['WAITING', 'OFFERED'] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { offerAllocation: true },
  });
}

