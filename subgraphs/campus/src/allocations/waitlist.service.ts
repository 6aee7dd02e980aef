// The waitlist: join a line for a library's shift; a freed seat is held (a HELD allocation, guarded by
// the exclusion constraint like any other) for the first student whose wish it fits; the student
// accepts, leaves, or lets the hold lapse (allocations.service.ts expireHolds).
import { clock, isUuid, isViolation, ports, type SubgraphContext } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import { findShift } from '../seats/seats.repository.ts';
import { canSeeLibrary, type Scope } from '../shared/scope.ts';
import { istDay } from '../shared/time.ts';
import { findStudent } from '../students/students.repository.ts';
import { setExpired } from './allocations.repository.ts';
import { prepare, publish } from './allocations.service.ts';
import * as repo from './waitlist.repository.ts';

export const HOLD_HOURS = 24;

export async function joinWaitlist(s: Scope, input: { studentId: string; libraryId: string; shiftId: string; startDate: Date; endDate: Date }) {
  if (input.endDate < input.startDate) return fail('INVALID_INPUT', 'endDate is before startDate', 'endDate');
  if (!canSeeLibrary(s, input.libraryId)) return fail('NOT_FOUND', 'No such library', 'libraryId');
  const shift = isUuid(input.shiftId) ? await findShift(s.db, input.shiftId) : null;
  if (!shift || shift.libraryId !== input.libraryId) return fail('NOT_FOUND', 'No such shift in that library', 'shiftId');
  const student = isUuid(input.studentId) ? await findStudent(s.db, input.studentId) : null;
  if (!student || student.status !== 'ACTIVE') return fail('NOT_FOUND', 'No such active student', 'studentId');
  const entry = await repo.createEntry(s.db, input);
  return isViolation(entry) ? fail('DUPLICATE', 'The student is in this line already', 'studentId') : { entry, userErrors: [] };
}

/**
 * A seat was freed: hold it for the first student in line whose wish it fits (same library and shift
 * times, dates within the freed range from today on). The hold is a HELD allocation, so the exclusion
 * constraint guards it like any other.
 */
export async function offerFreedSeat(ctx: SubgraphContext, s: Scope, freed: { libraryId: string; seatId: string; shiftId: string; endDate: Date }) {
  const today = istDay();
  if (freed.endDate < today) return null;
  for (const entry of await repo.waitingLine(s.db, freed.libraryId, freed.shiftId, today)) {
    const start = entry.startDate < today ? today : entry.startDate;
    const p = await prepare(s, { studentId: entry.studentId, seatId: freed.seatId, shiftId: entry.shiftId, startDate: start, endDate: entry.endDate });
    if ('userErrors' in p) continue;
    const held = await repo.holdForEntry(s.db, { ...p.row, holdExpiresAt: new Date(clock.nowMs() + HOLD_HOURS * 3_600_000) }, entry.id);
    if (isViolation(held)) return null; // someone took the seat meanwhile
    if (held === 'taken') continue;
    {
      // The campus sweep lapses the hold when it expires; the offer may be an automatic SMS now.
      await ctx.platform.work.due(s.tenantId, 'campus', held.holdExpiresAt!);
      await ctx.platform.work.due(s.tenantId, 'messages');
      await publish(ctx, s, freed.libraryId, 'SEAT_OFFERED', { allocationId: held.id, seatId: held.seatId, studentId: held.studentId, waitlistEntryId: entry.id });
      return held;
    }
  }
  return null;
}

export async function acceptOffer(ctx: SubgraphContext, s: Scope, entryId: string, studentId?: string) {
  const entry = isUuid(entryId) ? await repo.findEntry(s.db, entryId) : null;
  if (!entry || !canSeeLibrary(s, entry.libraryId) || (studentId && entry.studentId !== studentId)) return fail('NOT_FOUND', 'No such waitlist entry');
  const offer = entry.offerAllocation;
  if (entry.status !== 'OFFERED' || !offer || offer.status !== 'HELD') return fail('INVALID_STATE', 'There is no seat on offer for this entry');
  if (offer.holdExpiresAt && offer.holdExpiresAt <= clock.now()) return fail('INVALID_STATE', 'The offer expired');
  await repo.acceptOffer(s.db, offer.id, entryId);
  await ports.billing.syncAllocationDues(ctx, s.tenantId, offer.id);
  await publish(ctx, s, entry.libraryId, 'ALLOCATION_CREATED', { allocationId: offer.id, seatId: offer.seatId, studentId: offer.studentId });
  return { entry: await repo.findEntryOrThrow(s.db, entryId), userErrors: [] };
}

export async function leaveWaitlist(ctx: SubgraphContext, s: Scope, entryId: string) {
  const entry = isUuid(entryId) ? await repo.findEntry(s.db, entryId) : null;
  if (!entry || !canSeeLibrary(s, entry.libraryId)) return fail('NOT_FOUND', 'No such waitlist entry');
  if (entry.status !== 'WAITING' && entry.status !== 'OFFERED') return fail('INVALID_STATE', `The entry is ${entry.status}`);
  await repo.withdrawEntry(s.db, entryId);
  if (entry.offerAllocation?.status === 'HELD') {
    await setExpired(s.db, entry.offerAllocation.id);
    await offerFreedSeat(ctx, s, entry.offerAllocation);
  }
  return { entry: await repo.findEntryOrThrow(s.db, entryId), userErrors: [] };
}

/** The line for a library's shift (waiting and offered), with each one's place and offer. */
export async function waitlistOf(s: Scope, libraryId: string, shiftId: string) {
  if (!isUuid(libraryId) || !isUuid(shiftId) || !canSeeLibrary(s, libraryId)) return [];
  let position = 0;
  return (await repo.waitlist(s.db, libraryId, shiftId)).map((e) => ({ ...e, position: e.status === 'WAITING' ? ++position : null }));
}
