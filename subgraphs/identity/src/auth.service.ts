// Signing in and out: email + password (staff, admins), phone + OTP (students), refresh, logout.
// Failed sign-ins are limited per account and per IP; an unknown email costs the same time as a
// known one (a dummy argon2 verification), so timing does not reveal which emails exist.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import {
  normalizeIndianMobile,
  passwordProblem,
  hashPassword,
  verifyAgainstDummy,
  verifyPassword,
  type SubgraphContext,
} from '@studyspot/runtime';
import { openSession, revokeSessions, rotate, sha256, type IssuedTokens } from './session.service.ts';
import { failed, userError, type IdentityUserError } from './user-error.ts';
import { findUserForLogin, findUserWithSecret, USER_SELECT, type UserRow } from './user.repository.ts';

export const LOGIN_LIMITS = { perAccount: 5, perIp: 30, windowSeconds: 15 * 60 };
export const OTP_LIMITS = { perPhone: 3, perIp: 20, windowSeconds: 10 * 60, ttlSeconds: 5 * 60, maxAttempts: 5 };

export type AuthResult = Partial<IssuedTokens> & { user?: UserRow; userErrors: IdentityUserError[] };

const ipKey = (kind: string, ctx: SubgraphContext) => `${kind}:ip:${ctx.clientIp ?? 'unknown'}`;
/** Failed sign-ins are counted per email, existing or not, so a lockout reveals nothing either. */
export const accountLockKey = (email: string) => `login:acct:${sha256(email.trim().toLowerCase())}`;

function tenantBlock(status: string | undefined): IdentityUserError | null {
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
  const user = await findUserForLogin(ctx.core, email);
  if (account.count > LOGIN_LIMITS.perAccount) {
    await verifyAgainstDummy(input.password);
    return failed(userError('ACCOUNT_LOCKED', 'Too many failed sign-ins; the account is locked for a while', undefined, account.retryAfterSeconds));
  }
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (!ok || !user) {
    const locked = account.count >= LOGIN_LIMITS.perAccount;
    if (user) {
      await ctx.core.user.update({
        where: { id: user.id },
        data: { failedLoginCount: { increment: 1 }, ...(locked ? { lockedUntil: new Date(Date.now() + account.retryAfterSeconds * 1000) } : {}) },
      });
    }
    await ctx.audit({ action: locked ? 'auth.login.locked' : 'auth.login.failed', actor: null, tenantId: user?.tenantId ?? null, targetType: 'User', targetId: user?.id, details: { email } });
    return locked
      ? failed(userError('ACCOUNT_LOCKED', 'Too many failed sign-ins; the account is locked for a while', undefined, account.retryAfterSeconds))
      : failed(userError('INVALID_CREDENTIALS', 'Email or password is wrong'));
  }
  if (!user.active) return failed(userError('ACCOUNT_DISABLED', 'This account is deactivated'));
  const blocked = tenantBlock(user.tenant?.status);
  if (blocked) return failed(blocked);
  await Promise.all([limiter.reset(accountKey), limiter.release(ipLoginKey)]);
  const { passwordHash: _p, tenant: _t, ...row } = user;
  const tokens = await openSession(ctx, row);
  await ctx.audit({ action: 'auth.login', actor: { id: user.id, role: user.role }, tenantId: user.tenantId, targetType: 'User', targetId: user.id, details: { method: 'password' } });
  return { ...tokens, user: row, userErrors: [] };
}

const otpHash = (ctx: SubgraphContext, challengeKey: string, code: string) =>
  createHmac('sha256', ctx.platform.config.otpSecret).update(`${challengeKey}:${code}`).digest();

async function activeTenantBySlug(ctx: SubgraphContext, slug: string) {
  const tenant = await ctx.core.tenant.findUnique({ where: { slug: slug.trim().toLowerCase() }, select: { id: true, status: true } });
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
    const challenge = await ctx.core.otpChallenge.create({
      data: { tenantId: t.tenantId, phone, codeHash: '', expiresAt: new Date(Date.now() + OTP_LIMITS.ttlSeconds * 1000) },
    });
    await ctx.core.otpChallenge.update({ where: { id: challenge.id }, data: { codeHash: otpHash(ctx, challenge.id, code).toString('base64url') } });
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
  const existing = await ctx.core.user.findFirst({ where: { tenantId, phone, role: 'STUDENT' }, select: { id: true, active: true } });
  if (existing) return existing.active ? existing : null;
  const record = await ctx.platform.tenants.withTenant(tenantId, (db) => db.student.findUnique({ where: { phone }, select: { id: true, name: true, status: true } }));
  if (!record || record.status !== 'ACTIVE') return null;
  try {
    return await ctx.core.user.create({ data: { id: record.id, name: record.name, phone, role: 'STUDENT', tenantId }, select: { id: true } });
  } catch {
    // Two first requests raced: the other one created it.
    return ctx.core.user.findFirst({ where: { tenantId, phone, role: 'STUDENT' }, select: { id: true } });
  }
}

export async function loginWithOtp(ctx: SubgraphContext, input: { tenantSlug: string; phone: string; code: string }): Promise<AuthResult> {
  const phone = normalizeIndianMobile(input.phone);
  if (!phone) return failed(userError('INVALID_INPUT', 'Enter a 10-digit Indian mobile number', 'phone'));
  const t = await activeTenantBySlug(ctx, input.tenantSlug);
  if (!t.tenantId) return failed(t.error!);
  const challenge = await ctx.core.otpChallenge.findFirst({
    where: { tenantId: t.tenantId, phone, consumedAt: null },
    orderBy: { createdAt: 'desc' },
  });
  if (!challenge || challenge.expiresAt <= new Date()) return failed(userError('OTP_EXPIRED', 'The code expired; ask for a new one', 'code'));
  // Count the attempt before comparing, atomically, so parallel guesses cannot exceed the limit.
  const counted = await ctx.core.otpChallenge.updateMany({
    where: { id: challenge.id, consumedAt: null, attempts: { lt: OTP_LIMITS.maxAttempts } },
    data: { attempts: { increment: 1 } },
  });
  if (counted.count !== 1) return failed(userError('OTP_TOO_MANY_ATTEMPTS', 'Too many wrong codes; ask for a new one', 'code'));
  const given = otpHash(ctx, challenge.id, input.code.trim());
  const expected = Buffer.from(challenge.codeHash, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    await ctx.audit({ action: 'auth.otp.failed', actor: null, tenantId: t.tenantId, details: { phone } });
    return failed(userError('OTP_INVALID', 'The code is wrong', 'code'));
  }
  const consumed = await ctx.core.otpChallenge.updateMany({ where: { id: challenge.id, consumedAt: null }, data: { consumedAt: new Date() } });
  if (consumed.count !== 1) return failed(userError('OTP_EXPIRED', 'The code was already used; ask for a new one', 'code'));
  const user = await ctx.core.user.findFirst({ where: { tenantId: t.tenantId, phone, role: 'STUDENT' }, select: USER_SELECT });
  if (!user) return failed(userError('OTP_EXPIRED', 'The code expired; ask for a new one', 'code'));
  if (!user.active) return failed(userError('ACCOUNT_DISABLED', 'This account is deactivated'));
  const tokens = await openSession(ctx, user);
  await ctx.audit({ action: 'auth.login', actor: { id: user.id, role: user.role }, tenantId: user.tenantId, targetType: 'User', targetId: user.id, details: { method: 'otp' } });
  return { ...tokens, user, userErrors: [] };
}

export async function refreshSession(ctx: SubgraphContext, refreshToken: string): Promise<AuthResult> {
  const row = await ctx.core.refreshToken.findUnique({
    where: { tokenHash: sha256(refreshToken) },
    select: { id: true, usedAt: true, expiresAt: true, session: { select: { id: true, revokedAt: true, userId: true } } },
  });
  if (!row || row.expiresAt <= new Date()) return failed(userError('INVALID_REFRESH_TOKEN', 'Sign in again'));
  const { session } = row;
  if (session.revokedAt && !row.usedAt) return failed(userError('INVALID_REFRESH_TOKEN', 'Sign in again'));
  const reuse = async () => {
    await revokeSessions(ctx, { sessionId: session.id }, 'REUSE');
    await ctx.audit({ action: 'auth.refresh.reuse', actor: null, targetType: 'Session', targetId: session.id, tenantId: null, details: { userId: session.userId } });
    return failed(userError('REFRESH_TOKEN_REUSED', 'This refresh token was already used; the session is revoked. Sign in again'));
  };
  if (row.usedAt) return reuse();
  const user = await findUserWithSecret(ctx.core, session.userId);
  if (!user || !user.active) return failed(userError('ACCOUNT_DISABLED', 'This account is deactivated'));
  const blocked = tenantBlock(user.tenant?.status);
  if (blocked) return failed(blocked);
  const { passwordHash: _p, tenant: _t, ...userRow } = user;
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
  const me = await findUserWithSecret(ctx.core, ctx.claims!.sub);
  if (!me?.passwordHash || !(await verifyPassword(me.passwordHash, input.currentPassword))) {
    return failed(userError('INVALID_CREDENTIALS', 'The current password is wrong', 'currentPassword'));
  }
  const problem = passwordProblem(input.newPassword, me);
  if (problem) return failed(userError('WEAK_PASSWORD', problem, 'newPassword'));
  await ctx.core.user.update({ where: { id: me.id }, data: { passwordHash: await hashPassword(input.newPassword), passwordChangedAt: new Date() } });
  await revokeSessions(ctx, { userId: me.id, exceptSessionId: ctx.claims!.sid }, 'PASSWORD_CHANGED');
  await ctx.audit({ action: 'user.password.change', tenantId: me.tenantId, targetType: 'User', targetId: me.id });
  const { passwordHash: _p, tenant: _t, ...user } = me;
  return { user, userErrors: [] };
}
