// Attendance: kiosk QR tokens (rotating, signed, short-lived, one use per student), check-in and
// check-out by QR or by staff, closing forgotten visits at closing time, history with absence
// streaks, and occupancy now and over a day. Every check-in and check-out is published as an event.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { clock, badInput, isUuid, isViolation, notFound, topics, type SubgraphContext } from '@studyspot/runtime';
import { allocationsOverlapping, usableAllocationsOn } from '../allocations/allocations.repository.ts';
import { fail } from '../errors.ts';
import { findLibrary } from '../libraries/libraries.repository.ts';
import { closingFor, nextOpening, sessionAt, type WeekdayHours } from '../libraries/opening-hours.ts';
import { availableSeatsByZone } from '../seats/seats.repository.ts';
import { canSeeLibrary, requireLibrary, type Scope } from '../shared/scope.ts';
import { addDays, daysBetween, inShift, istDay, istDayStart, istMinuteOfDay } from '../shared/time.ts';
import { findStudent } from '../students/students.repository.ts';
import { studentOfAccount } from '../students/students.service.ts';
import * as repo from './attendance.repository.ts';

export const KIOSK_TOKEN_TTL_SECONDS = 60;
export const KIOSK_REFRESH_SECONDS = 30;

const kioskKey = (ctx: SubgraphContext) => createHmac('sha256', ctx.platform.config.gatewaySecret).update('studyspot-kiosk').digest();

interface KioskClaims {
  t: string; // tenant
  l: string; // library
  n: string; // nonce
  e: number; // expiry, epoch seconds
}

export async function kioskToken(ctx: SubgraphContext, s: Scope, libraryId: string) {
  await requireLibrary(s, libraryId);
  const claims: KioskClaims = { t: s.tenantId, l: libraryId, n: randomBytes(12).toString('base64url'), e: Math.floor(clock.nowMs() / 1000) + KIOSK_TOKEN_TTL_SECONDS };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = createHmac('sha256', kioskKey(ctx)).update(body).digest('base64url');
  return { token: `${body}.${sig}`, expiresAt: new Date(claims.e * 1000), refreshInSeconds: KIOSK_REFRESH_SECONDS };
}

function readKioskToken(ctx: SubgraphContext, token: string): KioskClaims | 'invalid' | 'expired' {
  const [body, sig] = token.split('.');
  if (!body || !sig) return 'invalid';
  const expected = createHmac('sha256', kioskKey(ctx)).update(body).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  let claims: KioskClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as KioskClaims;
  } catch {
    return 'invalid';
  }
  return claims.e * 1000 < clock.nowMs() ? 'expired' : claims;
}

/** The signed-in student's record (students.service.ts studentOfAccount). */
export function currentStudent(ctx: SubgraphContext, s: Scope) {
  return studentOfAccount(ctx.core, s.db, ctx.claims!.sub);
}

/** The allocation that lets the student in now: live today, not paused today, its shift covering this minute (or any shift of today as a fallback). */
async function allocationForNow(s: Scope, studentId: string, libraryId: string) {
  const today = istDay();
  const live = await usableAllocationsOn(s.db, studentId, libraryId, today);
  const usable = live.filter((a) => !(a.status === 'PAUSED' && a.pausedFrom && a.pausedUntil && a.pausedFrom <= today && a.pausedUntil >= today));
  const minute = istMinuteOfDay();
  return usable.find((a) => inShift(minute, { start: a.shiftStart, end: a.shiftEnd })) ?? usable[0] ?? null;
}

async function publish(ctx: SubgraphContext, s: Scope, libraryId: string, type: 'CHECK_IN' | 'CHECK_OUT', visit: { id: string; studentId: string; seatId: string | null }) {
  await ctx.events.publish(topics.library(s.tenantId, libraryId), { type, libraryId, visitId: visit.id, studentId: visit.studentId, seatId: visit.seatId, at: clock.now().toISOString() });
}

async function libraryHours(s: Scope, libraryId: string): Promise<WeekdayHours[]> {
  const library = await findLibrary(s.db, libraryId);
  return (library?.openingHours as WeekdayHours[] | null) ?? [];
}

/** Check-ins are taken while the library is open, give or take the configured grace. */
function closedNow(ctx: SubgraphContext, hours: WeekdayHours[]) {
  const now = clock.now();
  if (sessionAt(hours, now, ctx.platform.config.checkInGraceMinutes)) return null;
  const next = nextOpening(hours, now);
  const when = next ? ` It opens ${next.toLocaleString('en-IN', { timeZone: 'Asia/Kolkata', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })} IST.` : '';
  return fail('LIBRARY_CLOSED', `The library is closed now.${when}`);
}

async function checkIn(ctx: SubgraphContext, s: Scope, studentId: string, libraryId: string, source: 'KIOSK_QR' | 'STAFF') {
  const hours = await libraryHours(s, libraryId);
  const closed = closedNow(ctx, hours);
  if (closed) return closed;
  const allocation = await allocationForNow(s, studentId, libraryId);
  if (!allocation) return fail('NO_ACTIVE_ALLOCATION', 'No seat or day pass in this library for today');
  const visit = await repo.createVisit(s.db, { libraryId, studentId, seatId: allocation.seatId, inSource: source, day: istDay() });
  // The unique partial index allows one open visit per student, however many requests race.
  if (isViolation(visit)) return fail('ALREADY_CHECKED_IN', 'Already inside');
  // If nobody checks this visit out, the campus sweep closes it at closing time.
  await ctx.platform.work.due(s.tenantId, 'campus', closingFor(hours, visit.checkedInAt, visit.day, ctx.platform.config.checkInGraceMinutes));
  await publish(ctx, s, libraryId, 'CHECK_IN', visit);
  return { visit, action: 'CHECK_IN', userErrors: [] };
}

async function checkOut(ctx: SubgraphContext, s: Scope, visitId: string, libraryId: string, source: 'KIOSK_QR' | 'STAFF') {
  if (!(await repo.closeVisit(s.db, visitId, clock.now(), { outSource: source }))) return fail('NOT_CHECKED_IN', 'Not inside');
  const visit = await repo.findVisitOrThrow(s.db, visitId);
  await publish(ctx, s, libraryId, 'CHECK_OUT', visit);
  return { visit, action: 'CHECK_OUT', userErrors: [] };
}

/** A student scans the kiosk: in when outside, out when inside this library. */
export async function checkInWithQr(ctx: SubgraphContext, s: Scope, token: string) {
  const claims = readKioskToken(ctx, token);
  if (claims === 'invalid') return fail('QR_INVALID', 'This is not a StudySpot kiosk code', 'token');
  if (claims === 'expired') return fail('QR_EXPIRED', 'The code expired; scan the one on the screen now', 'token');
  if (claims.t !== s.tenantId) return fail('QR_INVALID', 'This kiosk belongs to another study centre', 'token');
  const student = await currentStudent(ctx, s);
  if (!student) throw notFound('Student record');
  if (student.status !== 'ACTIVE') return fail('INVALID_STATE', `Your membership is ${student.status}`);
  if (isViolation(await repo.useKioskCode(s.db, claims.n, student.id))) return fail('QR_REPLAYED', 'This code was used already; scan the one on the screen now', 'token');
  const open = await repo.openVisitOf(s.db, student.id);
  if (open && open.libraryId === claims.l) return checkOut(ctx, s, open.id, claims.l, 'KIOSK_QR');
  if (open) return fail('ALREADY_CHECKED_IN', 'Check out of the other library first');
  return checkIn(ctx, s, student.id, claims.l, 'KIOSK_QR');
}

export async function markAttendance(ctx: SubgraphContext, s: Scope, studentId: string, libraryId: string, action: 'CHECK_IN' | 'CHECK_OUT') {
  if (!isUuid(libraryId) || !canSeeLibrary(s, libraryId) || !(await findLibrary(s.db, libraryId))) return fail('NOT_FOUND', 'No such library', 'libraryId');
  const student = isUuid(studentId) ? await findStudent(s.db, studentId) : null;
  if (!student) return fail('NOT_FOUND', 'No such student', 'studentId');
  if (action === 'CHECK_IN') {
    if (student.status !== 'ACTIVE') return fail('INVALID_STATE', `The student is ${student.status}`, 'studentId');
    return checkIn(ctx, s, studentId, libraryId, 'STAFF');
  }
  const open = await repo.openVisitOf(s.db, studentId, libraryId);
  return open ? checkOut(ctx, s, open.id, libraryId, 'STAFF') : fail('NOT_CHECKED_IN', 'The student is not inside this library');
}

/**
 * Closes visits still open after the library's closing time on their day. Returns how many, and when
 * the earliest visit left open will be due for closing (null: none).
 */
export async function closeOverdueVisits(ctx: SubgraphContext, s: Scope, libraryId: string, now = clock.now()): Promise<{ closed: number; nextClosing: Date | null }> {
  const library = await requireLibrary(s, libraryId);
  const hours = (library.openingHours as WeekdayHours[] | null) ?? [];
  const open = await repo.openVisitsOfLibrary(s.db, libraryId);
  let closed = 0;
  let nextClosing: Date | null = null;
  for (const v of open) {
    const closingAt = closingFor(hours, v.checkedInAt, v.day, ctx.platform.config.checkInGraceMinutes);
    if (closingAt > now) {
      if (!nextClosing || closingAt < nextClosing) nextClosing = closingAt;
      continue;
    }
    if (await repo.closeVisit(s.db, v.id, closingAt, { autoClosed: true })) {
      closed++;
      await publish(ctx, s, libraryId, 'CHECK_OUT', v);
    }
  }
  return { closed, nextClosing };
}

/** Visits between two days, and absences: days the student held a live seat and did not come. */
/** The longest range a history covers. */
export const MAX_HISTORY_DAYS = 366;

export async function attendanceHistory(s: Scope, studentId: string, from?: Date | null, to?: Date | null) {
  const today = istDay();
  const end = to && to < today ? to : today;
  const start = from ?? addDays(end, -29);
  if (daysBetween(start, end) >= MAX_HISTORY_DAYS) throw badInput(`from and to may span at most ${MAX_HISTORY_DAYS} days`, 'from');
  const [visits, allocations] = await Promise.all([repo.visitsBetween(s.db, studentId, start, end), allocationsOverlapping(s.db, studentId, start, end)]);
  const present = new Set(visits.map((v) => v.day.getTime()));
  const expected = (d: Date) =>
    allocations.some((a) => a.startDate <= d && a.endDate >= d && !(a.pausedFrom && a.pausedUntil && a.pausedFrom <= d && a.pausedUntil >= d));
  let daysAbsent = 0;
  for (let d = start; d <= end; d = addDays(d, 1)) if (expected(d) && !present.has(d.getTime())) daysAbsent++;
  let streak = 0;
  for (let d = end; d >= start && expected(d) && !present.has(d.getTime()); d = addDays(d, -1)) streak++;
  return { visits, daysPresent: present.size, daysAbsent, currentAbsenceStreak: streak };
}

export async function occupancy(s: Scope, libraryId: string) {
  const library = await requireLibrary(s, libraryId);
  const [open, seats] = await Promise.all([repo.openVisitZones(s.db, libraryId), availableSeatsByZone(s.db, libraryId)]);
  const insideByZone = new Map<string, number>();
  for (const z of open) {
    const zone = z ?? 'Unassigned';
    insideByZone.set(zone, (insideByZone.get(zone) ?? 0) + 1);
  }
  const zones = seats.map((z) => ({ zone: z.zone, inside: insideByZone.get(z.zone) ?? 0, capacity: z.seats }));
  if (insideByZone.has('Unassigned')) zones.push({ zone: 'Unassigned', inside: insideByZone.get('Unassigned')!, capacity: 0 });
  const capacity = library.capacity || seats.reduce((n, z) => n + z.seats, 0);
  return { library, inside: open.length, capacity, ratio: capacity ? Math.round((open.length / capacity) * 1000) / 1000 : 0, zones, at: clock.now() };
}

/** For each hour of an IST day: students inside at its end and the most inside at once during it. */
export async function occupancyTimeline(s: Scope, libraryId: string, day: Date) {
  await requireLibrary(s, libraryId);
  const start = istDayStart(day);
  const end = istDayStart(addDays(day, 1));
  const visits = await repo.visitsOverlapping(s.db, libraryId, start, end);
  // Sweep the check-ins (+1) and check-outs (-1) in time order.
  const events: [number, number][] = [];
  for (const v of visits) {
    events.push([Math.max(v.checkedInAt.getTime(), start.getTime()), 1]);
    if (v.checkedOutAt && v.checkedOutAt < end) events.push([v.checkedOutAt.getTime(), -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const points = [];
  let inside = 0;
  let i = 0;
  for (let hour = 0; hour < 24; hour++) {
    const hourEnd = start.getTime() + (hour + 1) * 3_600_000;
    let peak = inside;
    while (i < events.length && events[i]![0] < hourEnd) {
      inside += events[i]![1];
      peak = Math.max(peak, inside);
      i++;
    }
    points.push({ hour, at: new Date(hourEnd), inside, peak });
  }
  return points;
}


/** A library's visits on a day, latest first ([] for a library the caller may not see). */
export const libraryAttendance = async (s: Scope, libraryId: string, day: Date) =>
  isUuid(libraryId) && canSeeLibrary(s, libraryId) ? repo.visitsOfLibraryOn(s.db, libraryId, day) : [];

/** The visits named by door events that belong to this library (a live occupancy message's changes). */
export const visitsOfEvents = (s: Scope, ids: string[], libraryId: string) => (ids.length ? repo.visitsByIdsInLibrary(s.db, ids, libraryId) : Promise.resolve([]));
