// When a library is open: one notion for hours validation, check-ins and the overdue-visit sweep.
// A weekday's hours may close after midnight (06:00–02:00 closes at 02:00 the next day), like shifts;
// a library with no hours at all is open around the clock; a weekday without an entry is closed.
import { addDays, istDay, istInstant, parseTime } from '../shared/time.ts';

export interface WeekdayHours {
  weekday: number;
  opens: string;
  closes: string;
}

export interface Session {
  opensAt: Date;
  closesAt: Date;
}

/** Why a library's hours are unusable, or null. Closing before opening means after midnight. */
export function hoursProblem(h: WeekdayHours): string | null {
  const opens = parseTime(h.opens);
  const closes = parseTime(h.closes);
  if (opens === null || closes === null) return 'opens and closes are HH:MM';
  if (opens === closes) return 'opens and closes must differ (an earlier closing time means after midnight)';
  return null;
}

/** The session that starts on IST day `day` (a date-only value), or null when closed that weekday. */
export function sessionOn(hours: readonly WeekdayHours[], day: Date): Session | null {
  if (!hours.length) return { opensAt: istInstant(day, 0), closesAt: istInstant(addDays(day, 1), 0) };
  const h = hours.find((x) => x.weekday === day.getUTCDay());
  const opens = h && parseTime(h.opens);
  const closes = h && parseTime(h.closes);
  if (opens == null || closes == null) return null;
  return { opensAt: istInstant(day, opens), closesAt: istInstant(closes > opens ? day : addDays(day, 1), closes) };
}

/**
 * The session open at `at`, allowing `graceMinutes` before opening and after closing; null when the
 * library is closed then. Yesterday's session counts too: it may run past midnight.
 */
export function sessionAt(hours: readonly WeekdayHours[], at: Date, graceMinutes = 0): Session | null {
  const grace = graceMinutes * 60_000;
  const today = istDay(at);
  for (const day of [today, addDays(today, -1)]) {
    const s = sessionOn(hours, day);
    if (s && at.getTime() >= s.opensAt.getTime() - grace && at.getTime() < s.closesAt.getTime() + grace) return s;
  }
  return null;
}

/** The next opening after `at` (within a week), for "closed now, opens at …" messages. */
export function nextOpening(hours: readonly WeekdayHours[], at: Date): Date | null {
  const today = istDay(at);
  for (let i = 0; i <= 7; i++) {
    const s = sessionOn(hours, addDays(today, i));
    if (s && s.opensAt > at) return s.opensAt;
  }
  return null;
}

/**
 * When a visit left open is closed by the sweep: at the end of the session it began in, or, for a
 * visit that began while the library was closed (a staff correction), at the end of its day.
 */
export function closingFor(hours: readonly WeekdayHours[], checkedInAt: Date, day: Date, graceMinutes: number): Date {
  const session = sessionAt(hours, checkedInAt, graceMinutes);
  if (session) return session.closesAt;
  const sameDay = sessionOn(hours, day)?.closesAt;
  return sameDay && sameDay > checkedInAt ? sameDay : istInstant(day, 1439);
}

/**
 * The library's open stretches from `from` on, in order: [start, end), the first starting at `from`
 * when the library is open then. At most 1,000 (years of sessions); none when it never opens.
 */
function* openStretches(hours: readonly WeekdayHours[], from: Date): Generator<Session> {
  let at = from;
  for (let guard = 0; guard < 1_000; guard++) {
    const s = sessionAt(hours, at);
    if (s) {
      yield { opensAt: at, closesAt: s.closesAt };
      at = s.closesAt;
      continue;
    }
    const next = nextOpening(hours, at);
    if (!next) return;
    at = next;
  }
}

/**
 * The instant `minutes` of opening time after `from` (a help-desk SLA counted in the library's
 * hours): time while the library is closed does not count. A library with no hours is always open;
 * one with hours but never open counts plain time.
 */
export function addOpenMinutes(hours: readonly WeekdayHours[], from: Date, minutes: number): Date {
  const plain = new Date(from.getTime() + minutes * 60_000);
  if (!hours.length) return plain;
  let left = minutes * 60_000;
  for (const s of openStretches(hours, from)) {
    const room = s.closesAt.getTime() - s.opensAt.getTime();
    if (left <= room) return new Date(s.opensAt.getTime() + left);
    left -= room;
  }
  return plain;
}

/** Minutes of opening time in [from, to) (a help-desk SLA's pause); a library with no hours is always open. */
export function openMinutesBetween(hours: readonly WeekdayHours[], from: Date, to: Date): number {
  if (to <= from) return 0;
  if (!hours.length) return (to.getTime() - from.getTime()) / 60_000;
  let total = 0;
  for (const s of openStretches(hours, from)) {
    if (s.opensAt >= to) break;
    total += (s.closesAt < to ? s.closesAt : to).getTime() - s.opensAt.getTime();
  }
  return total / 60_000;
}
