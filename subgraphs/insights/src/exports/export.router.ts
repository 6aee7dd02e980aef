// GET /insights-exports/<token>.csv on the gateway's port: a valid, unexpired signed link streams its
// report as CSV (csv-stringify: quoting, and formulas escaped so a name such as "=HYPERLINK(…)" stays
// text in a spreadsheet), row by row as the pages are read, holding back when the client reads slowly.
// It runs at the tenant's time (its test clock's, if it has one). A bad link 404, an expired one 410; a
// report that cannot be opened answers its public code and status before any byte of CSV.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, clock, isPublicCode, readSignedToken, systemContext, type Platform } from '@studyspot/runtime';
import { stringify } from 'csv-stringify';
import express, { type Router } from 'express';
import { EXPORT_FIELDS, EXPORT_PURPOSE, requestOf } from './exports.service.ts';
import { COLUMNS, filename, reportRows } from './reports.ts';

const STATUS: Record<string, number> = { NOT_FOUND: 404, BAD_USER_INPUT: 400, FORBIDDEN: 403, TENANT_SUSPENDED: 403, RATE_LIMITED: 429, SERVICE_UNAVAILABLE: 503, CONFLICT: 409 };
const problem = (res: express.Response, status: number, message: string, code: string) => void res.status(status).json({ errors: [{ message, extensions: { code } }] });

export function exportRouter(platform: Platform): Router {
  const router = express.Router();
  router.get('/:token.csv', async (req, res, next) => {
    const claims = readSignedToken(platform, EXPORT_PURPOSE, req.params.token, ['t'], Date.now(), EXPORT_FIELDS);
    if (claims === 'invalid') return problem(res, 404, 'No such export link', 'NOT_FOUND');
    if (claims === 'expired') return problem(res, 410, 'This export link has expired; ask for a new one', 'LINK_EXPIRED');
    const { request, libraryIds } = requestOf(claims);
    const ctx = systemContext(platform, 'insights export', claims.t);
    try {
      await clock.at(await platform.clocks.timeFor(claims.t), async () => {
        // The branches the link's maker could see, not the job's "all".
        const scope = { ...(await ctx.scope(claims.t)), libraryIds };
        const rows = reportRows(ctx, scope, request);
        // The first row is read before the headers go out, so a report that fails to open answers an error, not a cut CSV.
        const first = await rows.next();
        res.set({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename(request)}"`, 'cache-control': 'private, no-store' });
        async function* all() {
          if (!first.done) yield first.value;
          yield* rows;
        }
        await pipeline(Readable.from(all()), stringify({ header: true, columns: COLUMNS[request.report], escape_formulas: true }), res);
      });
    } catch (err) {
      const code = err instanceof AppError ? err.extensions.code : undefined;
      if (res.headersSent) res.destroy(err as Error);
      else if (isPublicCode(code)) problem(res, STATUS[code as string] ?? 400, (err as Error).message, code as string);
      else next(err);
    } finally {
      await ctx.dispose();
    }
  });
  return router;
}
