import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { KeyRing, signAccessToken, verifyAccessToken, verifyAccessTokenCached } from './auth.ts';

const claims = { sub: '00000000-0000-4000-8000-000000000001', role: 'OWNER' as const, tenantId: '00000000-0000-4000-8000-0000000000aa' };

function codeOf(fn: () => unknown): { code: unknown; message: string } {
  try {
    fn();
  } catch (err) {
    const e = err as { extensions?: { code?: unknown }; message: string };
    return { code: e.extensions?.code, message: e.message };
  }
  throw new Error('expected a throw');
}

describe('access tokens', () => {
  const ring = KeyRing.generate();

  it('round-trips the claims', () => {
    expect(verifyAccessToken(ring, signAccessToken(ring, claims))).toEqual(claims);
  });

  it('remembers a verified token only until it expires, and never a refused one', () => {
    const token = signAccessToken(ring, claims, 60);
    const exp = (jwt.decode(token) as { exp: number }).exp * 1000;
    expect(verifyAccessTokenCached(ring, token, exp - 1_000)).toEqual(claims);
    expect(verifyAccessTokenCached(ring, token, exp - 1)).toEqual(claims);
    // At its expiry the memory is dropped and the token verified again (by the real clock: still valid).
    expect(verifyAccessTokenCached(ring, token, exp)).toEqual(claims);
    const tampered = `${token.slice(0, -2)}xx`;
    expect(codeOf(() => verifyAccessTokenCached(ring, tampered)).code).toBe('UNAUTHENTICATED');
    expect(codeOf(() => verifyAccessTokenCached(ring, tampered)).code).toBe('UNAUTHENTICATED');
    expect(codeOf(() => verifyAccessTokenCached(KeyRing.generate(), token)).message).toBe('Access token signed with an unknown key');
    const expired = signAccessToken(ring, claims, -10);
    expect(codeOf(() => verifyAccessTokenCached(ring, expired)).message).toBe('Access token expired');
  });

  it('verifies tokens of every key in the ring, so keys rotate without logging anyone out', () => {
    const old = KeyRing.generate();
    const rotated = new KeyRing([KeyRing.generate().signingKey, old.signingKey]);
    expect(verifyAccessToken(rotated, signAccessToken(old, claims))).toEqual(claims);
    expect(codeOf(() => verifyAccessToken(old, signAccessToken(rotated, claims)))).toEqual({ code: 'UNAUTHENTICATED', message: 'Access token signed with an unknown key' });
  });

  it('refuses a tampered payload', () => {
    const [h, , s] = signAccessToken(ring, claims).split('.');
    const forged = Buffer.from(JSON.stringify({ role: 'SUPER_ADMIN', tid: null, sub: claims.sub, iss: 'studyspot', aud: 'studyspot-api', exp: 9e9 })).toString('base64url');
    expect(codeOf(() => verifyAccessToken(ring, `${h}.${forged}.${s}`))).toEqual({ code: 'UNAUTHENTICATED', message: 'Invalid access token' });
  });

  it('refuses an expired token', () => {
    expect(codeOf(() => verifyAccessToken(ring, signAccessToken(ring, claims, -10)))).toEqual({ code: 'UNAUTHENTICATED', message: 'Access token expired' });
  });

  it('pins the algorithm: alg=none and HS512 tokens are refused', () => {
    const kid = ring.signingKey.kid;
    const none = jwt.sign({ role: 'OWNER', tid: claims.tenantId }, '', { algorithm: 'none', keyid: kid, subject: claims.sub, issuer: 'studyspot', audience: 'studyspot-api' });
    expect(codeOf(() => verifyAccessToken(ring, none)).code).toBe('UNAUTHENTICATED');
    const hs512 = jwt.sign({ role: 'OWNER', tid: claims.tenantId }, ring.signingKey.secret, { algorithm: 'HS512', keyid: kid, subject: claims.sub, issuer: 'studyspot', audience: 'studyspot-api' });
    expect(codeOf(() => verifyAccessToken(ring, hs512))).toEqual({ code: 'UNAUTHENTICATED', message: 'Invalid access token' });
  });

  it('refuses garbage and unknown roles', () => {
    expect(codeOf(() => verifyAccessToken(ring, 'not-a-jwt')).message).toBe('Malformed access token');
    const bad = jwt.sign({ role: 'GOD', tid: null }, ring.signingKey.secret, { algorithm: 'HS256', keyid: ring.signingKey.kid, subject: 'x', issuer: 'studyspot', audience: 'studyspot-api' });
    expect(codeOf(() => verifyAccessToken(ring, bad)).code).toBe('UNAUTHENTICATED');
  });

  it('parses JWT_KEYS and rejects short secrets', () => {
    const ring2 = KeyRing.parse('k2:abcdefghijklmnopqrstuvwxyz0123456789,k1:0123456789abcdefghijklmnopqrstuvwxyz');
    expect(ring2.signingKey.kid).toBe('k2');
    expect(ring2.keyFor('k1')?.export().toString()).toBe('0123456789abcdefghijklmnopqrstuvwxyz');
    expect(() => KeyRing.parse('k:short')).toThrow('shorter than 32');
    expect(() => KeyRing.parse('nocolon')).toThrow('kid:secret');
  });
});

describe('malformed tokens', () => {
  it('does not leak parser errors', () => {
    const ring = KeyRing.generate();
    const [h, p, s] = signAccessToken(ring, claims).split('.');
    expect(codeOf(() => verifyAccessToken(ring, `${h}.${p!.slice(0, -3)}x.${s}`))).toEqual({ code: 'UNAUTHENTICATED', message: 'Malformed access token' });
  });
});
