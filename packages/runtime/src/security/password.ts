// Passwords: argon2id with OWASP's parameters (19 MiB, 2 passes), and a policy of length plus a
// short block list rather than composition rules (NIST SP 800-63B).
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// algorithm 2 = Argon2id (the package's const enum cannot be imported under isolatedModules).
const PARAMS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

const COMMON = new Set(['password1234', '123456789012', 'qwertyuiop12', 'studyspot123', 'iloveyou1234', 'adminadmin12', 'welcome12345', 'password@123', 'p@ssw0rd1234']);

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verifying against this when an account does not exist keeps the response time the same.
let dummy: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummy, password);
  return false;
}

/** Why a password is not acceptable, or null when it is. */
export function passwordProblem(password: string, context: { email?: string | null; name?: string | null } = {}): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return 'Password is too common';
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return 'Password must not contain the email address';
  const first = context.name?.split(/\s+/)[0]?.toLowerCase();
  if (first && first.length >= 4 && lower.includes(first)) return 'Password must not contain your name';
  return null;
}

/** A random password that satisfies the policy, for accounts created by someone else. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
