import { describe, expect, it } from 'vitest';
import { addOpenMinutes, closingFor, openMinutesBetween, hoursProblem, nextOpening, sessionAt, type WeekdayHours } from './opening-hours.ts';

// Instants in IST (UTC+05:30).
const ist = (s: string) => new Date(`${s}:00+05:30`);
const day = (s: string) => new Date(`${s}T00:00:00Z`);
const every = (opens: string, closes: string): WeekdayHours[] => [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens, closes }));

describe('opening hours', () => {
  it('accepts hours that close after midnight, refuses equal ones and malformed times', () => {
    expect(hoursProblem({ weekday: 1, opens: '06:00', closes: '02:00' })).toBeNull();
    expect(hoursProblem({ weekday: 1, opens: '06:00', closes: '06:00' })).toMatch(/must differ/);
    expect(hoursProblem({ weekday: 1, opens: '6am', closes: '02:00' })).toMatch(/HH:MM/);
  });

  it('is open across midnight for 06:00–02:00 and closed after, with the grace on both ends', () => {
    const late = every('06:00', '02:00');
    expect(sessionAt(late, ist('2026-11-30T23:30'))).not.toBeNull();
    expect(sessionAt(late, ist('2026-12-01T00:58'))?.closesAt).toEqual(ist('2026-12-01T02:00'));
    expect(sessionAt(late, ist('2026-12-01T02:10'))).toBeNull();
    expect(sessionAt(late, ist('2026-12-01T02:10'), 15)).not.toBeNull();
    expect(sessionAt(late, ist('2026-12-01T05:40'), 15)).toBeNull();
    expect(sessionAt(late, ist('2026-12-01T05:50'), 15)?.opensAt).toEqual(ist('2026-12-01T06:00'));
  });

  it('refuses 00:58 for 06:00–23:59 (the reported check-in), and says when it opens', () => {
    const day23 = every('06:00', '23:59');
    expect(sessionAt(day23, ist('2026-12-01T00:58'), 15)).toBeNull();
    expect(nextOpening(day23, ist('2026-12-01T00:58'))).toEqual(ist('2026-12-01T06:00'));
  });

  it('is closed on a weekday without hours, open around the clock without any hours', () => {
    const weekdays: WeekdayHours[] = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '08:00', closes: '20:00' }));
    expect(sessionAt(weekdays, ist('2026-11-29T12:00'))).toBeNull(); // a Sunday
    expect(sessionAt([], ist('2026-11-29T03:00'))).not.toBeNull();
  });

  it('closes a forgotten visit at the end of the session it began in, after midnight too', () => {
    const late = every('06:00', '02:00');
    expect(closingFor(late, ist('2026-11-30T23:00'), day('2026-11-30'), 15)).toEqual(ist('2026-12-01T02:00'));
    expect(closingFor(late, ist('2026-12-01T01:00'), day('2026-12-01'), 15)).toEqual(ist('2026-12-01T02:00'));
    // Begun while closed (a staff correction at 03:00): the end of that day's session.
    expect(closingFor(late, ist('2026-12-01T03:00'), day('2026-12-01'), 15)).toEqual(ist('2026-12-02T02:00'));
    expect(closingFor(every('06:00', '23:00'), ist('2026-12-01T23:40'), day('2026-12-01'), 15)).toEqual(ist('2026-12-01T23:59'));
  });

  it('counts SLA minutes in opening hours only: overnight and a closed Sunday do not count', () => {
    const hours = [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '08:00', closes: '20:00' }));
    // Monday 19:00 + 2 h: one hour on Monday, one on Tuesday from 08:00.
    expect(addOpenMinutes(hours, ist('2026-11-30T19:00'), 120)).toEqual(ist('2026-12-01T09:00'));
    // Saturday 19:30 + 1 h: Sunday is closed, so Monday 08:30.
    expect(addOpenMinutes(hours, ist('2026-12-05T19:30'), 60)).toEqual(ist('2026-12-07T08:30'));
    // Raised at night: the clock starts at opening.
    expect(addOpenMinutes(hours, ist('2026-12-01T23:00'), 30)).toEqual(ist('2026-12-02T08:30'));
    // No hours: always open.
    expect(addOpenMinutes([], ist('2026-12-01T23:00'), 30)).toEqual(ist('2026-12-01T23:30'));
    // And back: Saturday 19:30 to Monday 08:30 holds 60 open minutes; the same instant none.
    expect(openMinutesBetween(hours, ist('2026-12-05T19:30'), ist('2026-12-07T08:30'))).toBe(60);
    expect(openMinutesBetween(hours, ist('2026-11-30T19:00'), ist('2026-12-01T09:00'))).toBe(120);
    expect(openMinutesBetween(hours, ist('2026-12-01T09:00'), ist('2026-12-01T09:00'))).toBe(0);
  });
});
