// Signed, short-lived links (people forward them; a link should not work forever or for another
// document): the token carries what it opens and its expiry, signed with a key derived from
// GATEWAY_SECRET per purpose (a receipt token never opens an invoice or an export). Billing's receipts
// and invoices and insights' CSV exports are opened through them.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Platform } from './platform.ts';
import { isUuid } from './context.ts';

export const SIGNED_LINK_TTL_SECONDS = 15 * 60;

const key = (platform: Platform, purpose: string) => createHmac('sha256', platform.config.gatewaySecret).update(`studyspot-${purpose}-links`).digest();

export function signedToken(platform: Platform, purpose: string, claims: Record<string, string>, now = Date.now()): { token: string; expiresAt: Date } {
  const exp = Math.floor(now / 1000) + SIGNED_LINK_TTL_SECONDS;
  const body = Buffer.from(JSON.stringify({ ...claims, e: exp })).toString('base64url');
  const sig = createHmac('sha256', key(platform, purpose)).update(body).digest('base64url');
  return { token: `${body}.${sig}`, expiresAt: new Date(exp * 1000) };
}

/**
 * The claims of a signed token — each of `ids` a UUID, each of `fields` a string matching its pattern —
 * or 'invalid' / 'expired'. Only what the signer writes is accepted: a well-signed token of another
 * shape (an id that is not a UUID, an object, an expiry that is not a whole number of seconds) is
 * invalid, not an error.
 */
export function readSignedToken<K extends string, F extends string = never>(
  platform: Platform,
  purpose: string,
  token: string,
  ids: readonly K[],
  now = Date.now(),
  fields: Readonly<Record<F, RegExp>> = {} as Record<F, RegExp>,
): Record<K | F, string> | 'invalid' | 'expired' {
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined || body.length > 2_000) return 'invalid';
  const expected = createHmac('sha256', key(platform, purpose)).update(body).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return 'invalid';
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return 'invalid';
  const c = claims as Record<string, unknown>;
  if (!Number.isSafeInteger(c.e) || (c.e as number) <= 0) return 'invalid';
  const out = {} as Record<K | F, string>;
  for (const k of ids) {
    const v = c[k];
    if (typeof v !== 'string' || !isUuid(v)) return 'invalid';
    out[k] = v;
  }
  for (const [k, pattern] of Object.entries(fields) as [F, RegExp][]) {
    const v = c[k];
    if (typeof v !== 'string' || !pattern.test(v)) return 'invalid';
    out[k] = v;
  }
  return (c.e as number) * 1000 < now ? 'expired' : out;
}
