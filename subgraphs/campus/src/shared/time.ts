// Days and times as the libraries live them: India Standard Time (UTC+05:30, no daylight saving).
// Dates are stored as PostgreSQL `date` (midnight UTC in JavaScript); shift times as minutes after midnight.
import { addDays, daysBetween, formatDate, istDay, istDayStart, istInstant, istMinuteOfDay, parseDate } from '@studyspot/runtime';

export { addDays, daysBetween, formatDate, istDay, istDayStart, istInstant, istMinuteOfDay, parseDate };



const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parses HH:MM into minutes after midnight; null when malformed. */
export function parseTime(s: string): number | null {
  const m = TIME.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export const formatTime = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** A shift's minutes as ranges on the 24-hour circle: one, or two when it crosses midnight. */
export function shiftRanges(start: number, end: number): [number, number][] {
  return start < end ? [[start, end]] : [[start, 1440], [0, end]];
}

/** Whether two shifts share any minute (the database's shift_span(...) && shift_span(...)). */
export function shiftsOverlap(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return shiftRanges(a.start, a.end).some(([s1, e1]) => shiftRanges(b.start, b.end).some(([s2, e2]) => s1 < e2 && s2 < e1));
}

/** Whether an instant's IST time of day falls in a shift. */
export function inShift(minute: number, shift: { start: number; end: number }): boolean {
  return shiftRanges(shift.start, shift.end).some(([s, e]) => minute >= s && minute < e);
}
