// Access tokens: HS256 JWTs with a `kid`, verified once at the gateway with the algorithm pinned.
// A key ring holds several keys: the first signs, all verify, so keys rotate without logging anyone out.
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppError } from '../errors.ts';
import { isRole, type Role } from '../roles.ts';

export interface Claims {
  /** Account id (core `users.id`). */
  sub: string;
  role: Role;
  /** The tenant a tenant-role or student account belongs to; null for platform roles. */
  tenantId: string | null;
  /** Branches a manager or staff member is limited to; absent means all. */
  libraryIds?: string[];
  /** Session the token belongs to; revoking the session revokes the token. */
  sid?: string;
}

export interface JwtKey {
  kid: string;
  secret: string;
}

const ALGORITHM = 'HS256';
const ISSUER = 'studyspot';
const AUDIENCE = 'studyspot-api';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export class KeyRing {
  /**
   * Secrets as KeyObjects, made once. Given a string, jsonwebtoken first tries it as a PEM public key
   * (crypto.createPublicKey), which throws and builds a stack trace on every verification: 10–26% of
   * the gateway's CPU under load before this.
   */
  private readonly byKid: Map<string, KeyObject>;
  private readonly signing: KeyObject;

  constructor(readonly keys: JwtKey[]) {
    if (keys.length === 0) throw new Error('key ring needs at least one key');
    for (const k of keys) if (k.secret.length < 32) throw new Error(`key "${k.kid}" is shorter than 32 characters`);
    this.byKid = new Map(keys.map((k) => [k.kid, createSecretKey(Buffer.from(k.secret, 'utf8'))]));
    this.signing = this.byKid.get(keys[0]!.kid)!;
  }

  get signingKey(): JwtKey {
    return this.keys[0]!;
  }

  keyFor(kid: string): KeyObject | undefined {
    return this.byKid.get(kid);
  }

  get signingKeyObject(): KeyObject {
    return this.signing;
  }

  /** `kid1:secret1,kid2:secret2` (first one signs). */
  static parse(spec: string): KeyRing {
    return new KeyRing(
      spec.split(',').map((part) => {
        const i = part.indexOf(':');
        if (i <= 0) throw new Error('expected kid:secret pairs separated by commas');
        return { kid: part.slice(0, i).trim(), secret: part.slice(i + 1).trim() };
      }),
    );
  }

  static generate(): KeyRing {
    return new KeyRing([{ kid: `dev-${randomBytes(4).toString('hex')}`, secret: randomBytes(32).toString('base64url') }]);
  }
}

export function signAccessToken(ring: KeyRing, claims: Claims, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS): string {
  const { kid } = ring.signingKey;
  const payload: Record<string, unknown> = { role: claims.role, tid: claims.tenantId };
  if (claims.libraryIds?.length) payload.lib = claims.libraryIds;
  if (claims.sid) payload.sid = claims.sid;
  return jwt.sign(payload, ring.signingKeyObject, {
    algorithm: ALGORITHM,
    keyid: kid,
    subject: claims.sub,
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: ttlSeconds,
  });
}

const invalid = (message: string) => new AppError('UNAUTHENTICATED', message);

/** Verifies an access token; throws UNAUTHENTICATED with a reason a client can act on. */
export function verifyAccessToken(ring: KeyRing, token: string): Claims {
  return verify(ring, token).claims;
}

/** The claims of a verified token and when it expires (epoch ms; null when it names no expiry). */
function verify(ring: KeyRing, token: string): { claims: Claims; expiresAt: number | null } {
  let decoded: jwt.Jwt | null;
  try {
    decoded = jwt.decode(token, { complete: true });
  } catch {
    decoded = null;
  }
  if (!decoded || typeof decoded.payload === 'string') throw invalid('Malformed access token');
  const kid = decoded.header.kid;
  const secret = kid ? ring.keyFor(kid) : undefined;
  if (!secret) throw invalid('Access token signed with an unknown key');
  let payload: jwt.JwtPayload;
  try {
    payload = jwt.verify(token, secret, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE }) as jwt.JwtPayload;
  } catch (err) {
    throw invalid(err instanceof jwt.TokenExpiredError ? 'Access token expired' : 'Invalid access token');
  }
  const role = payload.role;
  if (!payload.sub || !isRole(role)) throw invalid('Invalid access token');
  const tenantId = typeof payload.tid === 'string' ? payload.tid : null;
  const libraryIds = Array.isArray(payload.lib) ? payload.lib.filter((x): x is string => typeof x === 'string') : undefined;
  const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
  const claims: Claims = { sub: payload.sub, role, tenantId, ...(libraryIds ? { libraryIds } : {}), ...(sid ? { sid } : {}) };
  return { claims, expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null };
}

const VERIFIED_MAX = 10_000;
const verified = new WeakMap<KeyRing, Map<string, { claims: Claims; expiresAt: number }>>();

/**
 * verifyAccessToken with a memory of tokens already verified by this ring, until they expire: a
 * client sends the same token with every request for up to 15 minutes, and checking its HMAC and
 * claims again each time was the gateway's largest cost after the key objects. Revocation is not
 * cached here (the caller checks the session on every request).
 */
export function verifyAccessTokenCached(ring: KeyRing, token: string, now = Date.now()): Claims {
  let cache = verified.get(ring);
  if (!cache) verified.set(ring, (cache = new Map()));
  const hit = cache.get(token);
  if (hit && hit.expiresAt > now) return hit.claims;
  if (hit) cache.delete(token);
  const { claims, expiresAt } = verify(ring, token);
  if (expiresAt !== null) {
    if (cache.size >= VERIFIED_MAX) cache.delete(cache.keys().next().value!);
    cache.set(token, { claims, expiresAt });
  }
  return claims;
}

/** When a token (already verified) expires, in epoch milliseconds; null when it names no expiry. */
export function tokenExpiresAt(token: string): number | null {
  const payload = jwt.decode(token);
  return payload && typeof payload === 'object' && typeof payload.exp === 'number' ? payload.exp * 1000 : null;
}
