import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.ts';

const key = () => randomBytes(32).toString('base64');

describe('secret box', () => {
  it('seals so the plaintext is nowhere in the stored value, and opens it again', () => {
    const box = SecretBox.parse(`k1:${key()}`);
    const sealed = box.seal('rzp_secret_ABCDEFGH');
    expect(sealed).not.toContain('rzp_secret');
    expect(sealed.startsWith('v1.k1.')).toBe(true);
    expect(box.open(sealed)).toBe('rzp_secret_ABCDEFGH');
    expect(box.seal('same')).not.toBe(box.seal('same')); // fresh IV each time
  });

  it('rotates: a new first key seals, the old one still opens, a stale value is spotted', () => {
    const oldKey = key();
    const before = SecretBox.parse(`k1:${oldKey}`).seal('s3cret');
    const rotated = SecretBox.parse(`k2:${key()},k1:${oldKey}`);
    expect(rotated.open(before)).toBe('s3cret');
    expect(rotated.isStale(before)).toBe(true);
    expect(rotated.isStale(rotated.seal('s3cret'))).toBe(false);
    expect(() => SecretBox.parse(`k2:${key()}`).open(before)).toThrow(/not in the key ring/);
  });

  it('refuses a tampered value', () => {
    const box = SecretBox.parse(`k1:${key()}`);
    const parts = box.seal('s3cret').split('.');
    parts[4] = Buffer.from('x' + Buffer.from(parts[4]!, 'base64url').toString('latin1')).toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
  });
});
