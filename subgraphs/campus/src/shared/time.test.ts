import { describe, expect, it } from 'vitest';
import { formatTime, inShift, istDay, istMinuteOfDay, parseDate, parseTime, shiftsOverlap } from './time.ts';

describe('campus time', () => {
  it('reads dates strictly', () => {
    expect(parseDate('2026-02-28')?.toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(parseDate('2026-02-30')).toBeNull();
    expect(parseDate('28/02/2026')).toBeNull();
  });

  it('reads times', () => {
    expect(parseTime('06:30')).toBe(390);
    expect(parseTime('24:00')).toBeNull();
    expect(formatTime(1410)).toBe('23:30');
  });

  it('uses IST days', () => {
    // 20:00 UTC is 01:30 IST the next day.
    expect(istDay(new Date('2026-03-01T20:00:00Z')).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(istMinuteOfDay(new Date('2026-03-01T20:00:00Z'))).toBe(90);
  });

  it('overlaps shifts on the 24-hour circle', () => {
    const morning = { start: 360, end: 840 };
    const evening = { start: 840, end: 1320 };
    const fullDay = { start: 360, end: 1320 };
    const night = { start: 1320, end: 360 };
    expect(shiftsOverlap(morning, evening)).toBe(false);
    expect(shiftsOverlap(fullDay, morning)).toBe(true);
    expect(shiftsOverlap(fullDay, evening)).toBe(true);
    expect(shiftsOverlap(night, fullDay)).toBe(false);
    expect(shiftsOverlap(night, { start: 300, end: 400 })).toBe(true);
    expect(inShift(30, night)).toBe(true);
    expect(inShift(720, night)).toBe(false);
  });
});
