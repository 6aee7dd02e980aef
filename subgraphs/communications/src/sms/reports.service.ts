// MSG91 delivery reports: POST /webhooks/msg91/<reportToken>, a JSON array (or one object) of
// { requestId, number, status, desc }. MSG91 signs nothing, so the URL carries a secret token
// (compared in constant time); a report only moves a message forward (SENT → DELIVERED or FAILED),
// so duplicates and stragglers change nothing.
import { clock, secretMatches, type Platform } from '@studyspot/runtime';
import { msg91Mobile } from '@studyspot/runtime/msg91';
import { metrics } from '@studyspot/runtime/observability';
import express, { type Router } from 'express';
import * as repo from './sms.repository.ts';

interface Report {
  requestId?: unknown;
  number?: unknown;
  status?: unknown;
  desc?: unknown;
}

/** A report field as text: strings and numbers only (an object or array is not a status). */
const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);

export async function applyReports(platform: Platform, given: unknown[], keepEarly = true): Promise<{ updated: number; ignored: number }> {
  let updated = 0;
  // Entries that are not objects are not reports.
  const reports = given.filter((r): r is Report => typeof r === 'object' && r !== null && !Array.isArray(r));
  let ignored = given.length - reports.length;
  // Whose request each id is, in one read (a call of a thousand unknown ids is two statements, not 2,000).
  const ids = [...new Set(reports.map((r) => (typeof r.requestId === 'string' && r.requestId.length <= 100 ? r.requestId : null)).filter((x): x is string => x !== null))];
  const owners = new Map((await repo.requestOwners(platform.core, ids)).map((o) => [o.requestId, o]));
  const earlyRows: { requestId: string; number: string; status: string; desc: string | null }[] = [];
  for (const r of reports) {
    const requestId = typeof r.requestId === 'string' && r.requestId.length <= 100 ? r.requestId : null;
    const number = typeof r.number === 'string' && r.number.length <= 20 ? r.number : null;
    const status = (text(r.status) ?? '').toUpperCase().slice(0, 40);
    const delivered = status === 'DELIVERED' || status === '1';
    const failed = ['FAILED', 'REJECTED', 'UNDELIVERED', 'NDNC', '2', '16'].includes(status);
    if (!requestId || !number || (!delivered && !failed)) {
      ignored++;
      continue;
    }
    // A report faster than our record of the send waits for it (applied by `deliver`).
    const early = async () => {
      if (keepEarly) earlyRows.push({ requestId, number, status, desc: typeof r.desc === 'string' ? r.desc.slice(0, 200) : null });
      ignored++;
    };
    const owner = owners.get(requestId);
    if (!owner) {
      await early();
      continue;
    }
    const n = await platform.tenants.withTenant(
      owner.tenantId,
      async (db) => {
        const candidates = await repo.messagesOfRequest(db, requestId);
        const mine = candidates.filter((c) => msg91Mobile(c.phone) === number);
        if (!mine.length) return -1;
        const ids = mine.filter((c) => c.status === 'SENT').map((c) => c.id);
        if (!ids.length) return 0;
        const moved = await repo.applyReport(db, ids, delivered ? { status: 'DELIVERED', deliveredAt: clock.now() } : { status: 'FAILED', reason: (text(r.desc) ?? status).slice(0, 200) });
        if (moved) metrics.sms.inc({ status: delivered ? 'DELIVERED' : 'UNDELIVERED' }, moved);
        return moved;
      },
      { allowSuspended: true },
    );
    if (n > 0) updated += n;
    else if (n < 0) await early();
    else ignored++;
  }
  if (earlyRows.length) await repo.keepEarlyReports(platform.core, earlyRows);
  return { updated, ignored };
}

/** Reports that came before the send was recorded: applied now that it is. */
export async function applyEarlyReports(platform: Platform, requestId: string): Promise<void> {
  const early = await repo.earlyReportsOf(platform.core, requestId);
  if (!early.length || !(await repo.requestKnown(platform.core, requestId))) return;
  await applyReports(platform, early.map((e) => ({ requestId: e.requestId, number: e.number, status: e.status, desc: e.desc })), false);
  await repo.dropEarlyReports(platform.core, early.map((e) => e.id));
}

export function msg91ReportRouter(platform: Platform): Router {
  const router = express.Router();
  router.post('/:token', express.json({ limit: '1mb' }), (req, res) => {
    const expected = platform.config.sms?.reportToken;
    if (!expected || !secretMatches(req.params.token, expected)) return void res.status(404).json({ error: 'unknown webhook' });
    const body: unknown = req.body;
    const reports: unknown[] = Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : [];
    if (!reports.length || reports.length > 1_000) return void res.status(400).json({ error: 'expected 1 to 1000 reports' });
    applyReports(platform, reports)
      .then((r) => res.json({ received: true, ...r }))
      .catch((err: unknown) => {
        platform.logger.error({ err }, 'MSG91 delivery reports failed');
        res.status(500).json({ error: 'processing failed; deliver again' });
      });
  });
  return router;
}

/**
 * The sweep's part: early reports whose send got recorded meanwhile (a report stored just after
 * `deliver` looked), and those of sends never recorded, dropped after a day.
 */
export async function sweepEarlyReports(platform: Platform, now = clock.now()): Promise<number> {
  const waiting = await repo.waitingEarlyReports(platform.core, new Date(now.getTime() - 5_000));
  for (const requestId of waiting) await applyEarlyReports(platform, requestId);
  await repo.dropEarlyReportsBefore(platform.core, new Date(now.getTime() - 86_400_000));
  return waiting.length;
}
