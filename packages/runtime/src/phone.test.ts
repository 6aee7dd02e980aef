import { describe, expect, it } from 'vitest';
import { normalizeIndianMobile } from './phone.ts';

describe('normalizeIndianMobile', () => {
  it.each([
    ['9812345678', '919812345678'],
    ['+91 98123 45678', '919812345678'],
    ['09812345678', '919812345678'],
    ['91-98123-45678', '919812345678'],
  ])('%s → %s', (input, out) => expect(normalizeIndianMobile(input)).toBe(out));

  it.each(['12345', '5812345678', '98123456789', 'abcdefghij', '+1 415 555 0100'])('rejects %s', (input) => expect(normalizeIndianMobile(input)).toBeNull());
});
