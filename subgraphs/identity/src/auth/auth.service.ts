// Signing in and out: email + password (staff, admins), phone + OTP (students), refresh, logout.
// Failed sign-ins are limited per account and per IP; an unknown email costs the same time as a
// known one (a dummy argon2 verification), so timing does not reveal which emails exist.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { normalizeIndianMobile, clock, ports, type SubgraphContext, type TenantStatus } from '@studyspot/runtime';
import { passwordProblem, hashPassword, verifyAgainstDummy, verifyPassword } from '@studyspot/runtime/security';
import { failed, userError, type IdentityUserError } from '../errors.ts';
import * as users from '../users/users.repository.ts';
import type { UserRow } from '../users/users.repository.ts';
import * as repo from './auth.repository.ts';
import { openSession, revokeSessions, rotate, sha256, type IssuedTokens } from './sessions.service.ts';

export const LOGIN_LIMITS = { perAccount: 5, perIp: 30, windowSeconds: 15 * 60 };
export const OTP_LIMITS = { perPhone: 3, perIp: 20, windowSeconds: 10 * 60, ttlSeconds: 5 * 60, maxAttempts: 5 };

export type AuthResult = Partial<IssuedTokens> & { user?: UserRow; userErrors: IdentityUserError[] };

const ipKey = (kind: string, ctx: SubgraphContext) => `${kind}:ip:${ctx.clientIp ?? 'unknown'}`;
/** Failed sign-ins are counted per email, existing or not, so a lockout reveals nothing either. */
export const accountLockKey = (email: string) => `login:acct:${sha256(email.trim().toLowerCase())}`;

function tenantBlock(status: TenantStatus | null | undefined): IdentityUserError | null {
  if (status === 'SUSPENDED') return userError('TENANT_SUSPENDED', 'Your study centre is suspended; contact StudySpot support');
  if (status && status !== 'ACTIVE') return userError('ACCOUNT_DISABLED', 'This account is not available');
  return null;
}

export async function login(ctx: SubgraphContext, input: { email: string; password: string }): Promise<AuthResult> {
  const limiter = ctx.platform.rateLimiter;
  const email = input.email.trim().toLowerCase();
  const accountKey = accountLockKey(email);
  const ipLoginKey = ipKey('login', ctx);
  // Every attempt is counted before the password is checked, atomically, and handed back only if it
  // succeeds: attempts sent in parallel (1,000 aliased `login`s in one request) count one each, so
  // they cannot all slip under the limit before the first failure is recorded.
  const [ip, account] = await Promise.all([limiter.hit(ipLoginKey, LOGIN_LIMITS.windowSeconds), limiter.hit(accountKey, LOGIN_LIMITS.windowSeconds)]);
  if (ip.count > LOGIN_LIMITS.perIp) {
    await verifyAgainstDummy(input.password);
    return failed(userError('RATE_LIMITED', 'Too many failed sign-ins from this address; try again later', undefined, ip.retryAfterSeconds));
  }
  const user = await users.findUserForLogin(ctx.core, email);
  if (account.count > LOGIN_LIMITS.perAccount) {
    await verifyAgainstDummy(input.password);
    return failed(userError('ACCOUNT_LOCKED', 'Too many failed sign-ins; the account is locked for a while', undefined, account.retryAfterSeconds));
  }
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (!ok || !user) {
    const locked = account.count >= LOGIN_LIMITS.perAccount;
    if (user) {
      await users.recordFailedLogin(ctx.core, user.id, locked ? new Date(clock.nowMs() + account.retryAfterSeconds * 1000) : null);
    }
    await ctx.audit({ action: locked ? 'auth.login.locked' : 'auth.login.failed', actor: null, tenantId: user?.tenantId ?? null, targetType: 'User', targetId: user?.id, details: { email } });
    return locked
      ? failed(userError('ACCOUNT_LOCKED', 'Too many failed sign-ins; the account is locked for a while', undefined, account.retryAfterSeconds))
      : failed(userError('INVALID_CREDENTIALS', 'Email or password is wrong'));
  }
  if (!user.active) return failed(userError('ACCOUNT_DISABLED', 'This account is deactivated'));
  const blocked = await tenantOf(ctx, user.tenantId);
  if (blocked) return failed(blocked);
  await Promise.all([limiter.reset(accountKey), limiter.release(ipLoginKey)]);
  const { passwordHash: _p, ...row } = user;
  const tokens = await openSession(ctx, row);
  await ctx.audit({ action: 'auth.login', actor: { id: user.id, role: user.role }, tenantId: user.tenantId, targetType: 'User', targetId: user.id, details: { method: 'password' } });
  return { ...tokens, user: row, userErrors: [] };
}

const otpHash = (ctx: SubgraphContext, challengeKey: string, code: string) =>
  createHmac('sha256', ctx.platform.config.otpSecret).update(`${challengeKey}:${code}`).digest();

/** Why an account of this tenant may not sign in (suspended, gone), or null. */
async function tenantOf(ctx: SubgraphContext, tenantId: string | null): Promise<IdentityUserError | null> {
  return tenantId ? tenantBlock(await ports.tenants.status(ctx.core, tenantId)) : null;
}

async function activeTenantBySlug(ctx: SubgraphContext, slug: string) {
  const tenant = await ports.tenants.bySlug(ctx.core, slug);
  if (!tenant || tenant.status === 'DELETED' || tenant.status === 'FAILED' || tenant.status === 'PROVISIONING') {
    return { error: userError('INVALID_INPUT', 'No study centre with that name', 'tenantSlug') };
  }
  const blocked = tenantBlock(tenant.status);
  return blocked ? { error: blocked } : { tenantId: tenant.id };
}

export async function requestOtp(ctx: SubgraphContext, input: { tenantSlug: string; phone: string }) {
  const phone = normalizeIndianMobile(input.phone);
  if (!phone) return failed(userError('INVALID_INPUT', 'Enter a 10-digit Indian mobile number', 'phone'));
  const t = await activeTenantBySlug(ctx, input.tenantSlug);
  if (!t.tenantId) return failed(t.error!);
  const limiter = ctx.platform.rateLimiter;
  const [byPhone, byIp] = await Promise.all([
    limiter.hit(`otp:phone:${t.tenantId}:${phone}`, OTP_LIMITS.windowSeconds),
    limiter.hit(ipKey('otp', ctx), OTP_LIMITS.windowSeconds),
  ]);
  if (byPhone.count > OTP_LIMITS.perPhone || byIp.count > OTP_LIMITS.perIp) {
    return failed(userError('RATE_LIMITED', 'Too many codes requested; try again later', undefined, Math.max(byPhone.retryAfterSeconds, byIp.retryAfterSeconds)));
  }
  const student = await studentAccount(ctx, t.tenantId, phone);
  // The answer is the same whether or not the phone has an account, so it cannot be used to find students.
  if (student) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(clock.nowMs() + OTP_LIMITS.ttlSeconds * 1000);
    await repo.createOtpChallenge(ctx.core, t.tenantId, phone, expiresAt, (id) => otpHash(ctx, id, code).toString('base64url'));
    await ctx.platform.otpSender.send({ phone, code, expiresInMinutes: OTP_LIMITS.ttlSeconds / 60, tenantId: t.tenantId });
    await ctx.audit({ action: 'auth.otp.sent', actor: null, tenantId: t.tenantId, targetType: 'User', targetId: student.id });
  }
  return { expiresInSeconds: OTP_LIMITS.ttlSeconds, userErrors: [] };
}

/**
 * The student's account: an existing STUDENT account with the phone, or, the first time a student
 * registered by their library signs in, one created from the campus record (same id, so the token's
 * subject is the student's id in the tenant database).
 */
async function studentAccount(ctx: SubgraphContext, tenantId: string, phone: string): Promise<{ id: string } | null> {
  const existing = await users.findStudentAccount(ctx.core, tenantId, phone);
  if (existing) return existing.active ? existing : null;
  const record = await ctx.platform.tenants.withTenant(tenantId, (db) => ports.campus.studentByPhone(db, phone));
  if (!record || record.status !== 'ACTIVE') return null;
  // Two first requests may race: the one that loses finds the account the other made.
  return (await users.createStudentAccount(ctx.core, { id: record.id, name: record.name, phone, tenantId })) ?? users.findStudentAccount(ctx.core, tenantId, phone);
}

export async function loginWithOtp(ctx: SubgraphContext, input: { tenantSlug: string; phone: string; code: string }): Promise<AuthResult> {
  const phone = normalizeIndianMobile(input.phone);
  if (!phone) return failed(userError('INVALID_INPUT', 'Enter a 10-digit Indian mobile number', 'phone'));
  const t = await activeTenantBySlug(ctx, input.tenantSlug);
  if (!t.tenantId) return failed(t.error!);
  const challenge = await repo.latestOpenChallenge(ctx.core, t.tenantId, phone);
  if (!challenge || challenge.expiresAt <= clock.now()) return failed(userError('OTP_EXPIRED', 'The code expired; ask for a new one', 'code'));
  // Count the attempt before comparing, atomically, so parallel guesses cannot exceed the limit.
  if (!(await repo.countOtpAttempt(ctx.core, challenge.id, OTP_LIMITS.maxAttempts))) return failed(userError('OTP_TOO_MANY_ATTEMPTS', 'Too many wrong codes; ask for a new one', 'code'));
  const given = otpHash(ctx, challenge.id, input.code.trim());
  const expected = Buffer.from(challenge.codeHash, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    await ctx.audit({ action: 'auth.otp.failed', actor: null, tenantId: t.tenantId, details: { phone } });
    return failed(userError('OTP_INVALID', 'The code is wrong', 'code'));
  }
  if (!(await repo.consumeOtpChallenge(ctx.core, challenge.id))) return failed(userError('OTP_EXPIRED', 'The code was already used; ask for a new one', 'code'));
  const user = await users.findStudentAccount(ctx.core, t.tenantId, phone);
  if (!user) return failed(userError('OTP_EXPIRED', 'The code expired; ask for a new one', 'code'));
  if (!user.active) return failed(userError('ACCOUNT_DISABLED', 'This account is deactivated'));
  const tokens = await openSession(ctx, user);
  await ctx.audit({ action: 'auth.login', actor: { id: user.id, role: user.role }, tenantId: user.tenantId, targetType: 'User', targetId: user.id, details: { method: 'otp' } });
  return { ...tokens, user, userErrors: [] };
}

export async function refreshSession(ctx: SubgraphContext, refreshToken: string): Promise<AuthResult> {
  const row = await repo.findRefreshToken(ctx.core, sha256(refreshToken));
  if (!row || row.expiresAt <= clock.now()) return failed(userError('INVALID_REFRESH_TOKEN', 'Sign in again'));
  const { session } = row;
  if (session.revokedAt && !row.usedAt) return failed(userError('INVALID_REFRESH_TOKEN', 'Sign in again'));
  const reuse = async () => {
    await revokeSessions(ctx, { sessionId: session.id }, 'REUSE');
    await ctx.audit({ action: 'auth.refresh.reuse', actor: null, targetType: 'Session', targetId: session.id, tenantId: null, details: { userId: session.userId } });
    return failed(userError('REFRESH_TOKEN_REUSED', 'This refresh token was already used; the session is revoked. Sign in again'));
  };
  if (row.usedAt) return reuse();
  const user = await users.findUserWithSecret(ctx.core, session.userId);
  if (!user || !user.active) return failed(userError('ACCOUNT_DISABLED', 'This account is deactivated'));
  const blocked = await tenantOf(ctx, user.tenantId);
  if (blocked) return failed(blocked);
  const { passwordHash: _p, ...userRow } = user;
  const tokens = await rotate(ctx, row.id, session.id, userRow);
  if (!tokens) return reuse();
  return { ...tokens, user: userRow, userErrors: [] };
}

export async function logout(ctx: SubgraphContext): Promise<{ revoked: boolean }> {
  const sid = ctx.claims?.sid;
  if (!sid) return { revoked: false };
  const n = await revokeSessions(ctx, { sessionId: sid }, 'LOGOUT');
  if (n) await ctx.audit({ action: 'auth.logout', targetType: 'Session', targetId: sid });
  return { revoked: n > 0 };
}

export async function changePassword(ctx: SubgraphContext, input: { currentPassword: string; newPassword: string }) {
  const me = await users.findUserWithSecret(ctx.core, ctx.claims!.sub);
  if (!me?.passwordHash || !(await verifyPassword(me.passwordHash, input.currentPassword))) {
    return failed(userError('INVALID_CREDENTIALS', 'The current password is wrong', 'currentPassword'));
  }
  const problem = passwordProblem(input.newPassword, me);
  if (problem) return failed(userError('WEAK_PASSWORD', problem, 'newPassword'));
  await users.setPasswordHash(ctx.core, me.id, await hashPassword(input.newPassword), false);
  await revokeSessions(ctx, { userId: me.id, exceptSessionId: ctx.claims!.sid }, 'PASSWORD_CHANGED');
  await ctx.audit({ action: 'user.password.change', tenantId: me.tenantId, targetType: 'User', targetId: me.id });
  const { passwordHash: _p, ...user } = me;
  return { user, userErrors: [] };
}
