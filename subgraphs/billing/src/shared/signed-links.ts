// Receipts and invoices open from signed, short-lived URLs (people forward them; a link should not
// work forever or for another document): /receipts/<token>.pdf and /platform-invoices/<token>.pdf,
// the token carrying what it opens and its expiry, signed with a key derived from GATEWAY_SECRET per
// purpose (a receipt token never opens an invoice). `signedPdfRouter` is the one route both serve:
// a bad link 404, an expired one 410, a document that cannot be opened now 503, else the PDF.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid, type Platform } from '@studyspot/runtime';
import express, { type Router } from 'express';

export const RECEIPT_LINK_TTL_SECONDS = 15 * 60;

const key = (platform: Platform, purpose: string) => createHmac('sha256', platform.config.gatewaySecret).update(`studyspot-${purpose}-links`).digest();

export function signedToken(platform: Platform, purpose: string, claims: Record<string, string>, now = Date.now()): { token: string; expiresAt: Date } {
  const exp = Math.floor(now / 1000) + RECEIPT_LINK_TTL_SECONDS;
  const body = Buffer.from(JSON.stringify({ ...claims, e: exp })).toString('base64url');
  const sig = createHmac('sha256', key(platform, purpose)).update(body).digest('base64url');
  return { token: `${body}.${sig}`, expiresAt: new Date(exp * 1000) };
}

/**
 * The claims of a signed token, each of `ids` a UUID, or 'invalid' / 'expired'. Only what the signer
 * writes is accepted: a well-signed token of another shape (an id that is not a UUID, an object, an
 * expiry that is not a whole number of seconds) is invalid, not an error.
 */
export function readSignedToken<K extends string>(platform: Platform, purpose: string, token: string, ids: readonly K[], now = Date.now()): Record<K, string> | 'invalid' | 'expired' {
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
  const out = {} as Record<K, string>;
  for (const k of ids) {
    const v = c[k];
    if (typeof v !== 'string' || !isUuid(v)) return 'invalid';
    out[k] = v;
  }
  return (c.e as number) * 1000 < now ? 'expired' : out;
}

/** What opening a signed link found: the PDF, nothing (404), or a document that cannot be opened now (503). */
export type Opened = { pdf: Buffer; filename: string } | null | 'unavailable';

const problem = (res: express.Response, status: number, message: string, code: string) => void res.status(status).json({ errors: [{ message, extensions: { code } }] });

/** GET /<token>.pdf for documents of one purpose; `noun` words the answers ("receipt", "invoice"). */
export function signedPdfRouter<K extends string>(platform: Platform, purpose: string, ids: readonly K[], noun: string, open: (claims: Record<K, string>) => Promise<Opened>): Router {
  const router = express.Router();
  router.get('/:token.pdf', async (req, res, next) => {
    try {
      const claims = readSignedToken(platform, purpose, req.params.token, ids);
      if (claims === 'invalid') return problem(res, 404, `No such ${noun} link`, 'NOT_FOUND');
      if (claims === 'expired') return problem(res, 410, `This ${noun} link has expired; ask for a new one`, 'LINK_EXPIRED');
      const opened = await open(claims);
      if (opened === 'unavailable') return problem(res, 503, `${noun[0]!.toUpperCase()}${noun.slice(1)}s of this tenant cannot be opened right now; try again`, 'SERVICE_UNAVAILABLE');
      if (!opened) return problem(res, 404, `No such ${noun}`, 'NOT_FOUND');
      res.set({ 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${opened.filename}"`, 'cache-control': 'private, no-store' }).send(opened.pdf);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
