// Receipts and invoices open from signed, short-lived URLs (runtime signed-links.ts):
// /receipts/<token>.pdf and /platform-invoices/<token>.pdf. `signedPdfRouter` is the one route both serve:
// a bad link 404, an expired one 410, a document that cannot be opened now 503, else the PDF.
import { readSignedToken, type Platform } from '@studyspot/runtime';
import express, { type Router } from 'express';

export { readSignedToken, signedToken } from '@studyspot/runtime';

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
