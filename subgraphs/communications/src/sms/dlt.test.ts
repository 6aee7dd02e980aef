import { describe, expect, it } from 'vitest';
import { matchesTemplate, promotionalSendAt, render, segments } from './dlt.ts';

describe('segments', () => {
  it('counts GSM-7 parts of 160, or 153 when concatenated, extension characters as two', () => {
    expect(segments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1 });
    expect(segments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, parts: 2 });
    expect(segments('a'.repeat(306))).toEqual({ encoding: 'GSM-7', units: 306, parts: 2 });
    expect(segments('a'.repeat(307))).toMatchObject({ parts: 3 });
    expect(segments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1 });
    expect(segments(`${'a'.repeat(159)}{`)).toMatchObject({ units: 161, parts: 2 });
  });

  it('counts Unicode parts of 70, or 67 when concatenated', () => {
    expect(segments('₹'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, parts: 1 });
    expect(segments('₹'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, parts: 2 });
    expect(segments('नमस्ते'.repeat(30))).toMatchObject({ encoding: 'UCS-2', parts: Math.ceil(('नमस्ते'.length * 30) / 67) });
  });
});

describe('templates', () => {
  const T = 'Dear {#var#}, your fee of Rs {#var#} is due on {#var#}. -SUNRISE';
  it('renders variables into the registered text', () => {
    expect(render(T, ['Rohan', '1500', '05-Dec'])).toEqual({ text: 'Dear Rohan, your fee of Rs 1500 is due on 05-Dec. -SUNRISE' });
  });
  it('refuses a variable over 30 characters, a wrong count, and a line break', () => {
    expect(render(T, ['x'.repeat(31), '1', '2'])).toEqual({ error: "Variable 1 is longer than DLT's 30 characters" });
    expect(render(T, ['a', 'b'])).toEqual({ error: 'The template has 3 variables; 2 given' });
    expect(render(T, ['a\nb', '1', '2'])).toMatchObject({ error: 'Variable 1 has a line break' });
  });
  it('tells a text that does not match the template', () => {
    expect(matchesTemplate(T, 'Dear Rohan, your fee of Rs 1500 is due on 05-Dec. -SUNRISE')).toBe(true);
    expect(matchesTemplate(T, 'Dear Rohan, pay now or else. -SUNRISE')).toBe(false);
  });
});

describe('promotional hours (10:00–21:00 IST)', () => {
  const ist = (s: string) => new Date(`${s}+05:30`);
  it('sends inside the window at once, and waits for the next 10:00 outside it', () => {
    expect(promotionalSendAt(ist('2026-12-01T10:00:00'))).toEqual(ist('2026-12-01T10:00:00'));
    expect(promotionalSendAt(ist('2026-12-01T20:59:00'))).toEqual(ist('2026-12-01T20:59:00'));
    expect(promotionalSendAt(ist('2026-12-01T21:05:00'))).toEqual(ist('2026-12-02T10:00:00'));
    expect(promotionalSendAt(ist('2026-12-01T06:30:00'))).toEqual(ist('2026-12-01T10:00:00'));
  });
});
