// Sessions: an access JWT (15 min) plus a single-use refresh token (7 days) per sign-in. A session is a
// family of refresh tokens; reusing a spent one revokes the family and, through the revocation list,
// every access token of the session within a second.
import { createHash, randomBytes } from 'node:crypto';
import { clock, type SubgraphContext } from '@studyspot/runtime';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from '@studyspot/runtime/security';
import { recordLogin, type UserRow } from '../users/users.repository.ts';
import * as repo from './auth.repository.ts';

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
  // The token's own expiry is stamped by the JWT library on the wall clock; this reports the same.
  return { accessToken: token, accessTokenExpiresAt: new Date(Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000) };
}

async function newRefreshToken(ctx: SubgraphContext, sessionId: string) {
  const refreshToken = randomBytes(32).toString('base64url');
  const refreshTokenExpiresAt = new Date(clock.nowMs() + REFRESH_TOKEN_TTL_SECONDS * 1000);
  await repo.addRefreshToken(ctx.core, sessionId, sha256(refreshToken), refreshTokenExpiresAt);
  return { refreshToken, refreshTokenExpiresAt };
}

/** Opens a session for a user who just proved who they are. */
export async function openSession(ctx: SubgraphContext, user: UserRow): Promise<IssuedTokens> {
  const session = await repo.openSession(ctx.core, user.id, ctx.clientIp, new Date(clock.nowMs() + REFRESH_TOKEN_TTL_SECONDS * 1000));
  await recordLogin(ctx.core, user.id);
  return { ...accessToken(ctx, user, session.id), ...(await newRefreshToken(ctx, session.id)) };
}

/** Spends `tokenId` (once) and issues the next token of the same session. Null when it was already spent. */
export async function rotate(ctx: SubgraphContext, tokenId: string, sessionId: string, user: UserRow): Promise<IssuedTokens | null> {
  if (!(await repo.spendRefreshToken(ctx.core, tokenId))) return null;
  return { ...accessToken(ctx, user, sessionId), ...(await newRefreshToken(ctx, sessionId)) };
}

/** Revokes sessions: at once in the database and at every gateway process (within a second while Redis is down). Returns how many were open. */
export async function revokeSessions(ctx: SubgraphContext, where: { sessionId?: string; userId?: string; exceptSessionId?: string }, reason: string): Promise<number> {
  const ids = await repo.openSessionIds(ctx.core, where);
  if (ids.length === 0) return 0;
  // The database row is the revocation; the list only tells every process to stop trusting its cache.
  const count = await repo.revokeSessionIds(ctx.core, ids, reason);
  await ctx.platform.revocations.revoked(ids);
  return count;
}
