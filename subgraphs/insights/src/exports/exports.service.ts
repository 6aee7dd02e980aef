// CSV exports of every insights report: a query checks what is asked (the report's arguments, the
// caller's branches) and answers a signed link (runtime signed-links.ts, purpose 'insights-export',
// 15 minutes) that carries the tenant, the report, its arguments and the branches the caller may see;
// export.router.ts streams the CSV from it, read through the same services as the API.
import { badInput, dayOf, formatDate, signedToken, type Platform, type RequestScope } from '@studyspot/runtime';
import { MAX_RANGE_DAYS } from '../rollups/rollups.service.ts';
import { checkRange } from '../owner/owner.service.ts';
import { branch } from '../shared/branches.ts';
import { filename, REPORTS, type ExportRequest, type Grain, type Report } from './reports.ts';

export const EXPORT_PURPOSE = 'insights-export';
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const DATE = '\\d{4}-\\d{2}-\\d{2}';

/** The token's claims besides the tenant (t): report, from, to, grain, library, figure and the branches seen (s: '*' for all). */
export const EXPORT_FIELDS = {
  r: new RegExp(`^(${REPORTS.join('|')})$`),
  f: new RegExp(`^(${DATE})?$`),
  u: new RegExp(`^(${DATE})?$`),
  g: /^(DAY|WEEK|MONTH)$/,
  l: new RegExp(`^(${UUID})?$`),
  x: /^[A-Z_]{0,20}$/,
  s: new RegExp(`^(\\*|(${UUID})(,${UUID})*)?$`),
} as const;
export type ExportClaims = Record<'t' | keyof typeof EXPORT_FIELDS, string>;

const RANGED: readonly Report[] = ['HEATMAP', 'TREND', 'COLLECTION_EFFICIENCY', 'RENEWALS', 'RETENTION'];
const ONE_LIBRARY: readonly Report[] = ['HEATMAP', 'OCCUPANCY_FORECAST', 'ROWS'];
const FIGURES = ['CHECK_INS', 'ALLOCATED', 'NEW_STUDENTS', 'LEAVING_STUDENTS', 'DUES_RAISED', 'COLLECTED', 'REFUNDED', 'OVERDUE'];

interface ExportInput {
  report: Report;
  from?: Date | null;
  to?: Date | null;
  grain?: Grain | null;
  libraryId?: string | null;
  figure?: string | null;
}

/** Checks an export as the report's own query would, then signs its link. */
export async function exportLink(platform: Platform, s: RequestScope, a: ExportInput) {
  if (RANGED.includes(a.report)) {
    if (!a.from) throw badInput(`${a.report} needs from`, 'from');
    if (!a.to) throw badInput(`${a.report} needs to`, 'to');
    checkRange(a.from, a.to, a.report === 'HEATMAP' ? 366 : MAX_RANGE_DAYS);
  }
  if (ONE_LIBRARY.includes(a.report) && !a.libraryId) throw badInput(`${a.report} needs libraryId`, 'libraryId');
  if (a.report === 'ROWS') {
    if (!a.from) throw badInput('ROWS needs from: the day whose records to export', 'from');
    if (!a.figure || !FIGURES.includes(a.figure)) throw badInput('ROWS needs figure', 'figure');
  }
  if (a.libraryId) await branch(s, a.libraryId);
  const request: ExportRequest = {
    report: a.report,
    from: RANGED.includes(a.report) || a.report === 'ROWS' ? a.from! : null,
    to: RANGED.includes(a.report) ? a.to! : null,
    grain: a.grain ?? 'DAY',
    libraryId: a.libraryId ?? null,
    figure: a.report === 'ROWS' ? a.figure! : null,
  };
  const claims: ExportClaims = {
    t: s.tenantId,
    r: request.report,
    f: request.from ? formatDate(request.from) : '',
    u: request.to ? formatDate(request.to) : '',
    g: request.grain,
    l: request.libraryId ?? '',
    x: request.figure ?? '',
    s: s.libraryIds === null ? '*' : s.libraryIds.join(','),
  };
  // Expiry is real time, as for receipts and sessions (signedToken's default; runtime clock.ts).
  const { token, expiresAt } = signedToken(platform, EXPORT_PURPOSE, claims);
  if (token.split('.')[0]!.length > 2_000) throw badInput('A link cannot name this many branches; export one library at a time', 'libraryId');
  const name = filename(request);
  return { url: `${platform.publicUrl}/insights-exports/${token}.csv`, expiresAt, filename: name };
}

/** The report a token asks for, and the branches its caller could see (null: all). */
export function requestOf(c: ExportClaims): { request: ExportRequest; libraryIds: string[] | null } {
  return {
    request: {
      report: c.r as Report,
      from: c.f ? dayOf(c.f) : null,
      to: c.u ? dayOf(c.u) : null,
      grain: c.g as Grain,
      libraryId: c.l || null,
      figure: c.x || null,
    },
    libraryIds: c.s === '*' ? null : c.s ? c.s.split(',') : [],
  };
}
