// Receipts open from a signed, short-lived URL (people forward receipts; a link should not work
// forever or for another receipt): /receipts/<token>.pdf, the token carrying tenant, receipt and
// expiry, signed with a key derived from GATEWAY_SECRET.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Platform } from '@studyspot/runtime';

export const RECEIPT_LINK_TTL_SECONDS = 15 * 60;

const key = (platform: Platform) => createHmac('sha256', platform.config.gatewaySecret).update('studyspot-receipt-links').digest();

export function receiptLink(platform: Platform, tenantId: string, receiptId: string, now = Date.now()): { url: string; expiresAt: Date } {
  const exp = Math.floor(now / 1000) + RECEIPT_LINK_TTL_SECONDS;
  const body = Buffer.from(JSON.stringify({ t: tenantId, r: receiptId, e: exp })).toString('base64url');
  const sig = createHmac('sha256', key(platform)).update(body).digest('base64url');
  return { url: `${platform.publicUrl}/receipts/${body}.${sig}.pdf`, expiresAt: new Date(exp * 1000) };
}

export function readReceiptToken(platform: Platform, token: string, now = Date.now()): { tenantId: string; receiptId: string } | 'invalid' | 'expired' {
  const [body, sig] = token.split('.');
  if (!body || !sig) return 'invalid';
  const expected = createHmac('sha256', key(platform)).update(body).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { t: string; r: string; e: number };
  return claims.e * 1000 < now ? 'expired' : { tenantId: claims.t, receiptId: claims.r };
}
