import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { referralCodeOf, referralCodePrefix } from './referral-code.ts';

describe('referral codes', () => {
  it('round-trips the first 12 hex digits of any id', () => {
    for (let i = 0; i < 200; i++) {
      const id = randomUUID();
      const code = referralCodeOf(id);
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
      expect(referralCodePrefix(code)).toBe(id.replace(/-/g, '').slice(0, 12));
    }
  });
  it('reads what people type: any case, no dash, spaces, O for 0, I and L for 1', () => {
    const id = '01234567-89ab-4cde-8f01-23456789abcd';
    const code = referralCodeOf(id);
    const hex = '0123456789ab';
    expect(referralCodePrefix(code.toLowerCase())).toBe(hex);
    expect(referralCodePrefix(code.replace('-', ' '))).toBe(hex);
    expect(referralCodePrefix(code.replace(/0/g, 'O').replace(/1/g, 'I'))).toBe(hex);
  });
  it('refuses what is not a code', () => {
    for (const bad of ['', 'ABC', 'ABCDE-FGHJKM', 'ABCDE-FGHJU', '<script>', 'ZZZZZ-ZZZZZ']) expect(referralCodePrefix(bad)).toBeNull();
  });
});
