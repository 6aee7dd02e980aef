// Sessions: an access JWT (15 min) plus a single-use refresh token (7 days) per sign-in. A session is a
// family of refresh tokens; reusing a spent one revokes the family and, through the revocation list,
// every access token of the session within a second.
import { createHash, randomBytes } from 'node:crypto';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, type SubgraphContext } from '@studyspot/runtime';
import type { UserRow } from './user.repository.ts';

export const REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

export const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

export interface IssuedTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

function accessToken(ctx: SubgraphContext, user: UserRow, sessionId: string) {
  const token = signAccessToken(ctx.platform.config.keyRing, {
    sub: user.id,
    role: user.role,
    tenantId: user.tenantId,
    libraryIds: user.libraryIds,
    sid: sessionId,
  });
  // The rest of this operation (e.g. `login { user { tenant { name } } }`) runs as the account that
  // just signed in: the gateway adopts this token for the fetches that follow.
  ctx.signedIn = token;
  return { accessToken: token, accessTokenExpiresAt: new Date(Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000) };
}

async function newRefreshToken(ctx: SubgraphContext, sessionId: string) {
  const refreshToken = randomBytes(32).toString('base64url');
  const refreshTokenExpiresAt = new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000);
  await ctx.core.refreshToken.create({ data: { sessionId, tokenHash: sha256(refreshToken), expiresAt: refreshTokenExpiresAt } });
  await ctx.core.session.update({ where: { id: sessionId }, data: { expiresAt: refreshTokenExpiresAt } });
  return { refreshToken, refreshTokenExpiresAt };
}

/** Opens a session for a user who just proved who they are. */
export async function openSession(ctx: SubgraphContext, user: UserRow): Promise<IssuedTokens> {
  const session = await ctx.core.session.create({
    data: { userId: user.id, ip: ctx.clientIp, expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000) },
  });
  await ctx.core.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date(), failedLoginCount: 0, lockedUntil: null } });
  return { ...accessToken(ctx, user, session.id), ...(await newRefreshToken(ctx, session.id)) };
}

/** Spends `tokenId` (once) and issues the next token of the same session. Null when it was already spent. */
export async function rotate(ctx: SubgraphContext, tokenId: string, sessionId: string, user: UserRow): Promise<IssuedTokens | null> {
  const spent = await ctx.core.refreshToken.updateMany({ where: { id: tokenId, usedAt: null }, data: { usedAt: new Date() } });
  if (spent.count !== 1) return null;
  return { ...accessToken(ctx, user, sessionId), ...(await newRefreshToken(ctx, sessionId)) };
}

/** Revokes sessions: at once in the database and at every gateway process (within a second while Redis is down). Returns how many were open. */
export async function revokeSessions(ctx: SubgraphContext, where: { sessionId?: string; userId?: string; exceptSessionId?: string }, reason: string): Promise<number> {
  const open = await ctx.core.session.findMany({
    where: {
      revokedAt: null,
      ...(where.sessionId ? { id: where.sessionId } : {}),
      ...(where.userId ? { userId: where.userId } : {}),
      ...(where.exceptSessionId ? { NOT: { id: where.exceptSessionId } } : {}),
    },
    select: { id: true },
  });
  if (open.length === 0) return 0;
  const ids = open.map((s) => s.id);
  // The database row is the revocation; the list only tells every process to stop trusting its cache.
  const done = await ctx.core.session.updateMany({ where: { id: { in: ids }, revokedAt: null }, data: { revokedAt: new Date(), revokeReason: reason } });
  await ctx.platform.revocations.revoked(ids);
  return done.count;
}
