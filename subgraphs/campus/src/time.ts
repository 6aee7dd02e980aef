// Days and times as the libraries live them: India Standard Time (UTC+05:30, no daylight saving).
// Dates are stored as PostgreSQL `date` (midnight UTC in JavaScript); shift times as minutes after midnight.
import { formatDate, parseDate } from '@studyspot/runtime';

export { formatDate, parseDate };

const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 86_400_000;

/** The IST calendar day of an instant, as a date-only value. */
export function istDay(at: Date = new Date()): Date {
  const shifted = new Date(at.getTime() + IST_OFFSET_MS);
  return new Date(Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate()));
}

/** The instant a given IST day starts. */
export function istDayStart(day: Date): Date {
  return new Date(day.getTime() - IST_OFFSET_MS);
}

/** The instant of `minutes` after midnight IST on `day`. */
export function istInstant(day: Date, minutes: number): Date {
  return new Date(istDayStart(day).getTime() + minutes * 60_000);
}

/** Minutes after IST midnight of an instant. */
export function istMinuteOfDay(at: Date = new Date()): number {
  const shifted = new Date(at.getTime() + IST_OFFSET_MS);
  return shifted.getUTCHours() * 60 + shifted.getUTCMinutes();
}

export const addDays = (d: Date, n: number) => new Date(d.getTime() + n * DAY_MS);
export const daysBetween = (a: Date, b: Date) => Math.round((b.getTime() - a.getTime()) / DAY_MS);

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
