import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from './password.ts';

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('a long enough passphrase');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, 'a long enough passphrase')).toBe(true);
    expect(await verifyPassword(h, 'a long enough passphrasf')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(await verifyAgainstDummy('anything')).toBe(false);
  });

  it('applies the policy', () => {
    expect(passwordProblem('short')).toBe('Password must be at least 12 characters');
    expect(passwordProblem('x'.repeat(129))).toBe('Password must be at most 128 characters');
    expect(passwordProblem('Password1234')).toBe('Password is too common');
    expect(passwordProblem('aaaaaaaaaaaaaa')).toBe('Password is too common');
    expect(passwordProblem('asha.k-secret-2026', { email: 'asha.k@example.com' })).toBe('Password must not contain the email address');
    expect(passwordProblem('rohan-secret-2026', { name: 'Rohan Patil' })).toBe('Password must not contain your name');
    expect(passwordProblem('lamp orbit cactus 42')).toBeNull();
    expect(passwordProblem(generatePassword())).toBeNull();
  });
});
