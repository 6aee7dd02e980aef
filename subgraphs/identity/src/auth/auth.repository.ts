// The only code that reads or writes sessions, refresh tokens and OTP challenges.
import type { CorePrisma } from '@studyspot/db';
import { clock } from '@studyspot/runtime';

export function openSession(core: CorePrisma, userId: string, ip: string | null, expiresAt: Date) {
  return core.session.create({ data: { userId, ip, expiresAt }, select: { id: true } });
}

/** Stores a refresh token's hash and extends its session to the token's expiry. */
export async function addRefreshToken(core: CorePrisma, sessionId: string, tokenHash: string, expiresAt: Date) {
  await core.refreshToken.create({ data: { sessionId, tokenHash, expiresAt } });
  await core.session.update({ where: { id: sessionId }, data: { expiresAt } });
}

export function findRefreshToken(core: CorePrisma, tokenHash: string) {
  return core.refreshToken.findUnique({
    where: { tokenHash },
    select: { id: true, usedAt: true, expiresAt: true, session: { select: { id: true, revokedAt: true, userId: true } } },
  });
}

/** Spends a refresh token once; false when it was already spent. */
export async function spendRefreshToken(core: CorePrisma, tokenId: string): Promise<boolean> {
  const spent = await core.refreshToken.updateMany({ where: { id: tokenId, usedAt: null }, data: { usedAt: clock.now() } });
  return spent.count === 1;
}

export async function openSessionIds(core: CorePrisma, where: { sessionId?: string; userId?: string; exceptSessionId?: string }): Promise<string[]> {
  const open = await core.session.findMany({
    where: {
      revokedAt: null,
      ...(where.sessionId ? { id: where.sessionId } : {}),
      ...(where.userId ? { userId: where.userId } : {}),
      ...(where.exceptSessionId ? { NOT: { id: where.exceptSessionId } } : {}),
    },
    select: { id: true },
  });
  return open.map((s) => s.id);
}

export async function revokeSessionIds(core: CorePrisma, ids: string[], reason: string): Promise<number> {
  const done = await core.session.updateMany({ where: { id: { in: ids }, revokedAt: null }, data: { revokedAt: clock.now(), revokeReason: reason } });
  return done.count;
}

/** A new challenge; its code hash is keyed by its own id, so it is written in a second step. */
export async function createOtpChallenge(core: CorePrisma, tenantId: string, phone: string, expiresAt: Date, hashFor: (challengeId: string) => string) {
  const challenge = await core.otpChallenge.create({ data: { tenantId, phone, codeHash: '', expiresAt }, select: { id: true } });
  await core.otpChallenge.update({ where: { id: challenge.id }, data: { codeHash: hashFor(challenge.id) } });
}

export function latestOpenChallenge(core: CorePrisma, tenantId: string, phone: string) {
  return core.otpChallenge.findFirst({ where: { tenantId, phone, consumedAt: null }, orderBy: { createdAt: 'desc' } });
}

/** Counts an attempt unless the challenge is spent or out of attempts; false when refused. */
export async function countOtpAttempt(core: CorePrisma, challengeId: string, maxAttempts: number): Promise<boolean> {
  const counted = await core.otpChallenge.updateMany({ where: { id: challengeId, consumedAt: null, attempts: { lt: maxAttempts } }, data: { attempts: { increment: 1 } } });
  return counted.count === 1;
}

export async function consumeOtpChallenge(core: CorePrisma, challengeId: string): Promise<boolean> {
  const consumed = await core.otpChallenge.updateMany({ where: { id: challengeId, consumedAt: null }, data: { consumedAt: clock.now() } });
  return consumed.count === 1;
}
