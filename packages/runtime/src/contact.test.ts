import { describe, expect, it } from 'vitest';
import { isEmail, normalizeIndianMobile } from './contact.ts';

describe('normalizeIndianMobile', () => {
  it.each([
    ['9812345678', '919812345678'],
    ['+91 98123 45678', '919812345678'],
    ['09812345678', '919812345678'],
    ['91-98123-45678', '919812345678'],
  ])('%s → %s', (input, out) => expect(normalizeIndianMobile(input)).toBe(out));

  it.each(['12345', '5812345678', '98123456789', 'abcdefghij', '+1 415 555 0100'])('rejects %s', (input) => expect(normalizeIndianMobile(input)).toBeNull());
});

describe('isEmail', () => {
  it('accepts addresses and rejects the rest', () => {
    expect(isEmail('asha@sunrise.example')).toBe(true);
    expect(['asha', 'asha@', 'asha@host', 'a b@c.d', '@c.d'].map(isEmail)).toEqual([false, false, false, false, false]);
  });
});
