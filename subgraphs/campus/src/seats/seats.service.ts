// Seats (created as grids), seat status, shifts, and the seat map of a library on a date in a shift.
import { isUuid, isViolation, topics, type SubgraphContext } from '@studyspot/runtime';
import type { TenantPrisma } from '@studyspot/db';
import { liveAllocationsOn, liveAllocationsOverlapping, countLiveInShift } from '../allocations/allocations.repository.ts';
import { campusError, fail } from '../errors.ts';
import { planLimitError } from '../shared/plan-limits.ts';
import { requireLibrary, visibleLibrary, type Scope } from '../shared/scope.ts';
import { parseTime, shiftsOverlap } from '../shared/time.ts';
import * as repo from './seats.repository.ts';

export interface SeatGridInput {
  zone: string;
  rows: number;
  columns: number;
  prefix?: string | null;
  kind?: 'AC' | 'NON_AC' | 'CABIN' | 'LOUNGE' | null;
}

export async function createSeats(ctx: SubgraphContext, s: Scope, libraryId: string, grid: SeatGridInput) {
  if (!(await visibleLibrary(s, libraryId))) return { seats: [], ...fail('NOT_FOUND', 'No such library', 'libraryId') };
  if (!Number.isInteger(grid.rows) || grid.rows < 1 || grid.rows > 26) return { seats: [], ...fail('INVALID_INPUT', 'rows must be 1-26', 'grid', 'rows') };
  if (!Number.isInteger(grid.columns) || grid.columns < 1 || grid.columns > 99) return { seats: [], ...fail('INVALID_INPUT', 'columns must be 1-99', 'grid', 'columns') };
  const zone = grid.zone.trim();
  if (!zone) return { seats: [], ...fail('INVALID_INPUT', 'zone is required', 'grid', 'zone') };
  const prefix = (grid.prefix ?? '').trim();
  const labels = Array.from({ length: grid.rows }, (_, r) => Array.from({ length: grid.columns }, (_, c) => `${prefix}${String.fromCharCode(65 + r)}${String(c + 1).padStart(2, '0')}`)).flat();
  const limited = await planLimitError(ctx, s, 'seats', labels.length, 'grid');
  if (limited) return { seats: [], ...limited };
  const seats = await repo.createSeatGrid(s.db, libraryId, labels, zone, grid.kind ?? 'NON_AC');
  if (isViolation(seats)) return { seats: [], ...fail('DUPLICATE', 'Some of these seat labels exist already in the library; use another prefix', 'grid', 'prefix') };
  await ctx.events.publish(topics.library(s.tenantId, libraryId), { type: 'SEATS_CREATED', libraryId, count: seats.length });
  return { seats, userErrors: [] };
}

export async function setSeatStatus(ctx: SubgraphContext, s: Scope, id: string, status: 'AVAILABLE' | 'MAINTENANCE') {
  const seat = isUuid(id) ? await repo.findSeat(s.db, id) : null;
  if (!seat || !(await visibleLibrary(s, seat.libraryId))) return fail('NOT_FOUND', 'No such seat');
  const updated = await repo.setSeatStatus(s.db, id, status);
  await ctx.events.publish(topics.library(s.tenantId, seat.libraryId), { type: 'SEAT_STATUS_CHANGED', seatId: id, status });
  return { seat: updated, userErrors: [] };
}

export interface ShiftInput {
  name?: string | null;
  startTime?: string | null;
  endTime?: string | null;
  monthlyPricePaise?: number | null;
  active?: boolean | null;
}

function shiftData(input: ShiftInput, creating: boolean) {
  const data: { name?: string; startMinute?: number; endMinute?: number; monthlyPricePaise?: number; active?: boolean } = {};
  if (input.name != null || creating) {
    if (!input.name?.trim()) return campusError('INVALID_INPUT', 'name is required', 'input', 'name');
    data.name = input.name.trim();
  }
  for (const [k, key] of [['startTime', 'startMinute'], ['endTime', 'endMinute']] as const) {
    const v = input[k];
    if (v == null) {
      if (creating) return campusError('INVALID_INPUT', `${k} is required (HH:MM)`, 'input', k);
      continue;
    }
    const m = parseTime(v);
    if (m === null) return campusError('INVALID_INPUT', `${k} must be HH:MM`, 'input', k);
    data[key] = m;
  }
  if (data.startMinute !== undefined && data.startMinute === data.endMinute) return campusError('INVALID_INPUT', 'A shift cannot end when it starts', 'input', 'endTime');
  if (input.monthlyPricePaise != null || creating) {
    const p = input.monthlyPricePaise;
    if (p == null || !Number.isInteger(p) || p < 0 || p > 100_000_000) return campusError('INVALID_INPUT', 'monthlyPricePaise must be a whole number of paise', 'input', 'monthlyPricePaise');
    data.monthlyPricePaise = p;
  }
  if (input.active != null) data.active = input.active;
  return data;
}

export async function createShift(s: Scope, libraryId: string, input: ShiftInput) {
  if (!(await visibleLibrary(s, libraryId))) return fail('NOT_FOUND', 'No such library', 'libraryId');
  const data = shiftData(input, true);
  if ('code' in data) return { userErrors: [data] };
  const shift = await repo.createShift(s.db, { ...data, name: data.name!, startMinute: data.startMinute!, endMinute: data.endMinute!, monthlyPricePaise: data.monthlyPricePaise!, libraryId });
  return isViolation(shift) ? duplicateShift() : { shift, userErrors: [] };
}

const duplicateShift = () => fail('DUPLICATE', 'The library has a shift with this name', 'input', 'name');

export async function updateShift(s: Scope, id: string, input: ShiftInput) {
  const shift = isUuid(id) ? await repo.findShift(s.db, id) : null;
  if (!shift || !(await visibleLibrary(s, shift.libraryId))) return fail('NOT_FOUND', 'No such shift');
  const data = shiftData(input, false);
  if ('code' in data) return { userErrors: [data] };
  const start = data.startMinute ?? shift.startMinute;
  const end = data.endMinute ?? shift.endMinute;
  if (start === end) return fail('INVALID_INPUT', 'A shift cannot end when it starts', 'input', 'endTime');
  if ((start !== shift.startMinute || end !== shift.endMinute) && (await countLiveInShift(s.db, id))) {
    return fail('SHIFT_IN_USE', 'Seats are allocated in this shift; create a new shift instead of moving its times', 'input', 'startTime');
  }
  const updated = await repo.updateShift(s.db, id, { ...data, startMinute: start, endMinute: end });
  return isViolation(updated) ? duplicateShift() : { shift: updated, userErrors: [] };
}

type SeatStateName = 'FREE' | 'ALLOCATED' | 'PAUSED' | 'HELD' | 'MAINTENANCE';

/** Every seat of the library with what it is doing on `date` in `shiftId`. Two queries, whatever the size. */
export async function seatMap(s: Scope, libraryId: string, date: Date, shiftId: string) {
  const library = await requireLibrary(s, libraryId);
  const shift = isUuid(shiftId) ? await repo.findShiftOfLibrary(s.db, shiftId, libraryId) : null;
  if (!shift) return null;
  const [seats, allocations] = await Promise.all([repo.seatsOfLibraries(s.db, [libraryId]), liveAllocationsOn(s.db, libraryId, date)]);
  const want = { start: shift.startMinute, end: shift.endMinute };
  const bySeat = new Map<string, (typeof allocations)[number]>();
  for (const a of allocations) if (shiftsOverlap(want, { start: a.shiftStart, end: a.shiftEnd })) bySeat.set(a.seatId, a);
  let freeCount = 0;
  const entries = seats.map((seat) => {
    const a = bySeat.get(seat.id);
    let state: SeatStateName;
    if (seat.status === 'MAINTENANCE') state = 'MAINTENANCE';
    else if (!a) state = 'FREE';
    else if (a.status === 'HELD') state = 'HELD';
    else if (a.status === 'PAUSED' && a.pausedFrom && a.pausedUntil && a.pausedFrom <= date && a.pausedUntil >= date) state = 'PAUSED';
    else state = 'ALLOCATED';
    if (state === 'FREE') freeCount++;
    if (!a) return { seat, state, allocation: null, occupant: null };
    const { student, ...allocation } = a;
    return { seat, state, allocation, occupant: student };
  });
  return { library, date, shift, entries, freeCount };
}

/** Seats of a library free in a shift on every day of [from, to] and not under maintenance (the admissions desk's answer); null when the shift is not the library's. Three reads. */
export async function freeSeats(db: TenantPrisma, a: { libraryId: string; shiftId: string; from: Date; to: Date }) {
  const shift = isUuid(a.shiftId) && isUuid(a.libraryId) ? await repo.findShiftOfLibrary(db, a.shiftId, a.libraryId) : null;
  if (!shift) return null;
  const [seats, taken] = await Promise.all([repo.seatsOfLibraries(db, [a.libraryId]), liveAllocationsOverlapping(db, a.libraryId, a.from, a.to)]);
  const want = { start: shift.startMinute, end: shift.endMinute };
  const busy = new Set(taken.filter((t) => shiftsOverlap(want, { start: t.shiftStart, end: t.shiftEnd })).map((t) => t.seatId));
  return seats.filter((seat) => seat.status === 'AVAILABLE' && !busy.has(seat.id)).map((seat) => ({ id: seat.id, label: seat.label, zone: seat.zone, kind: seat.kind }));
}
