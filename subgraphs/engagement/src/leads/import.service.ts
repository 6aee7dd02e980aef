// CSV import of enquiry lists (a fair's sign-up sheet, last season's register): every row checked
// (errors reported by row and column, bad rows skipped), then each good row added or merged into
// the open lead of its phone — so importing the same file twice adds no lead. New leads are shared
// out among the branch's staff by fewest open leads, as the form's are.
import { clock, isUuid, parseDate, ports, type RequestScope, type SubgraphContext } from '@studyspot/runtime';
import { parse } from 'csv-parse/sync';
import { fail } from '../errors.ts';
import * as repo from './leads.repository.ts';
import { actorOf } from '../shared/scope.ts';
import { assigner, cleanLead, publishLeadChange, stageByKey, type CleanLead } from './leads.service.ts';

export const MAX_LEAD_IMPORT_ROWS = 2_000;
const COLUMNS = ['name', 'phone', 'email', 'preferredStartDate', 'message', 'consent'] as const;
const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0', '']);

export interface LeadImportResult {
  created: number;
  merged: number;
  skipped: number;
  rowErrors: { row: number; column: string | null; message: string }[];
}

export async function importLeads(ctx: SubgraphContext, s: RequestScope, csv: string, libraryId: string) {
  const empty = { created: 0, merged: 0, skipped: 0, rowErrors: [] };
  if (!isUuid(libraryId) || (s.libraryIds && !s.libraryIds.includes(libraryId)) || !(await ports.campus.librariesExist(s.db, [libraryId]))) {
    return { ...empty, ...fail('NOT_FOUND', 'No such library', 'libraryId') };
  }
  let records: string[][];
  try {
    records = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (err) {
    return { ...empty, ...fail('INVALID_INPUT', `The file is not valid CSV: ${(err as Error).message}`, 'csv') };
  }
  const header = records[0] ?? [];
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
  if (!header.includes('name') || !header.includes('phone')) return { ...empty, ...fail('INVALID_INPUT', 'The header row must name at least the columns name and phone', 'csv') };
  if (unknown.length) return { ...empty, ...fail('INVALID_INPUT', `Unknown columns: ${unknown.join(', ')} (known: ${COLUMNS.join(', ')})`, 'csv') };
  if (records.length - 1 > MAX_LEAD_IMPORT_ROWS) return { ...empty, ...fail('INVALID_INPUT', `At most ${MAX_LEAD_IMPORT_ROWS} rows per import`, 'csv') };

  const rowErrors: LeadImportResult['rowErrors'] = [];
  const good: (CleanLead & { consent: boolean | null })[] = [];
  for (let i = 1; i < records.length; i++) {
    const cells = records[i]!;
    const get = (c: string) => {
      const idx = header.indexOf(c);
      return idx === -1 ? null : cells[idx] || null;
    };
    const row = i + 1;
    const day = get('preferredStartDate');
    const start = day ? parseDate(day) : null;
    if (day && !start) {
      rowErrors.push({ row, column: 'preferredStartDate', message: 'not a date (YYYY-MM-DD)' });
      continue;
    }
    const consent = (get('consent') ?? '').toLowerCase();
    if (!YES.has(consent) && !NO.has(consent)) {
      rowErrors.push({ row, column: 'consent', message: 'yes or no' });
      continue;
    }
    const clean = cleanLead({ name: get('name'), phone: get('phone'), email: get('email'), preferredStartDate: start, message: get('message') }, []);
    if ('code' in clean) {
      rowErrors.push({ row, column: clean.field?.[0] ?? null, message: clean.message });
      continue;
    }
    good.push({ ...clean, consent: consent === '' ? null : YES.has(consent) });
  }

  const [stage, next] = await Promise.all([stageByKey(s, 'NEW'), assigner(ctx, s.tenantId, s, libraryId)]);
  const actorId = actorOf(s);
  let created = 0;
  let merged = 0;
  for (const l of good) {
    const now = clock.now();
    const assignee = next();
    const lead = await repo.upsertOpenLead(s.db, { ...l, libraryId, stageId: stage.id, preferredShiftId: null, source: 'IMPORT', utmSource: null, utmMedium: null, utmCampaign: null, assigneeId: assignee?.id ?? null, createdById: actorId, referrerStudentId: null }, now);
    if (l.consent !== null) await ports.messages.consent(s.db, l.phone, l.consent);
    if (lead.created) created++;
    else {
      merged++;
      // A merged row did not take a new lead: give the place back.
      if (assignee) next.giveBack(assignee);
    }
    await repo.addEvent(s.db, { leadId: lead.id, kind: lead.created ? 'CREATED' : 'ENQUIRY', actorId, body: lead.created ? (l.message ?? 'Imported from a list') : 'On an imported list again', at: now });
    if (lead.created && assignee) await repo.addEvent(s.db, { leadId: lead.id, kind: 'ASSIGNED', actorId, body: `Assigned to ${assignee.name}`, at: now });
  }
  if (created || merged) await publishLeadChange(ctx, s.tenantId, { id: null, libraryId });
  await ctx.audit({ action: 'lead.import', targetType: 'Library', targetId: libraryId, tenantId: s.tenantId, details: { created, merged, skipped: rowErrors.length } });
  return { created, merged, skipped: rowErrors.length, rowErrors: rowErrors.slice(0, 200), userErrors: [] };
}
