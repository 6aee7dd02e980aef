// Provider callbacks are believed only with a valid signature over the raw body, compared in
// constant time (the SDKs' own helpers compare with ===).
import { createHmac, timingSafeEqual } from 'node:crypto';

const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/** Razorpay: X-Razorpay-Signature = hex HMAC-SHA256 of the raw body with the webhook secret. */
export function razorpaySignatureValid(rawBody: Buffer, signature: string | undefined, webhookSecret: string): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  return same(Buffer.from(signature, 'hex'), createHmac('sha256', webhookSecret).update(rawBody).digest());
}

/** Cashfree signed deliveries are accepted this long after their timestamp (and as long before, for clock skew). */
export const CASHFREE_WINDOW_MS = 5 * 60_000;

/** Cashfree: x-webhook-signature = base64 HMAC-SHA256 of timestamp + raw body with the client secret. */
export function cashfreeSignatureCheck(rawBody: Buffer, signature: string | undefined, timestamp: string | undefined, clientSecret: string, now = Date.now()): 'ok' | 'bad-signature' | 'stale' {
  if (!signature || !timestamp || !/^\d{10,16}$/.test(timestamp)) return 'bad-signature';
  const expected = createHmac('sha256', clientSecret).update(Buffer.concat([Buffer.from(timestamp), rawBody])).digest();
  if (!same(Buffer.from(signature, 'base64'), expected)) return 'bad-signature';
  return Math.abs(now - Number(timestamp)) <= CASHFREE_WINDOW_MS ? 'ok' : 'stale';
}
