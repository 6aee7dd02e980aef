import { Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DateScalar, DateTimeScalar, parseDate, parseDateTime } from './scalars.ts';

describe('scalars', () => {
  it('Date takes real calendar days only', () => {
    expect(parseDate('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    for (const bad of ['2026-02-30', '2026-13-01', '2026-00-10', '0999-01-01', '2026-1-01', '2026-01-01T00:00:00Z', '']) expect(parseDate(bad), bad).toBeNull();
  });

  it('DateTime takes ISO-8601 timestamps with a zone and a four-digit year only', () => {
    expect(parseDateTime('2026-11-21T09:30:00.000Z')?.toISOString()).toBe('2026-11-21T09:30:00.000Z');
    expect(parseDateTime('2026-11-21T15:00+05:30')?.toISOString()).toBe('2026-11-21T09:30:00.000Z');
    for (const bad of ['1', '2026', '2026-11-21', '2026-02-30T10:00:00Z', '2026-11-21T24:00:00Z', '+275760-09-13T00:00:00Z', '2026-11-21T10:00:00', '2026-11-21T10:00:00+15:00'])
      expect(parseDateTime(bad), bad).toBeNull();
  });

  it('refuses bad values as BAD_USER_INPUT in variables and literals', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { extensions?: { code?: string } }).extensions?.code;
      }
      return 'accepted';
    };
    expect(code(() => DateScalar.parseValue('2026-02-30'))).toBe('BAD_USER_INPUT');
    expect(code(() => DateTimeScalar.parseValue('1'))).toBe('BAD_USER_INPUT');
    expect(code(() => DateTimeScalar.parseValue(17))).toBe('BAD_USER_INPUT');
    expect(code(() => DateScalar.parseLiteral({ kind: Kind.STRING, value: '2026-13-01' }, undefined))).toBe('BAD_USER_INPUT');
    expect(code(() => DateScalar.parseLiteral({ kind: Kind.INT, value: '20260101' }, undefined))).toBe('BAD_USER_INPUT');
    expect(DateScalar.serialize(new Date('2026-04-01T00:00:00Z'))).toBe('2026-04-01');
  });
});
