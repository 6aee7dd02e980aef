// Bulk import of students from CSV: every row validated (errors reported by row and column), then
// the valid rows written in one transaction (students.repository.ts upsertStudents): a phone already
// registered updates that student, so importing the same file twice changes nothing.
import { randomUUID } from 'node:crypto';
import type { SubgraphContext } from '@studyspot/runtime';
import { parse } from 'csv-parse/sync';
import { fail, isUserError as isError, type CampusUserError } from '../errors.ts';
import { planLimitError } from '../shared/plan-limits.ts';
import { visibleLibrary, type Scope } from '../shared/scope.ts';
import { formatDate, istDay, parseDate } from '../shared/time.ts';
import { countStudentsWithPhones, upsertStudents } from './students.repository.ts';
import { ID_PROOFS, studentData, type IdProof, type StudentData } from './students.service.ts';

export const MAX_IMPORT_ROWS = 20_000;
const COLUMNS = ['name', 'phone', 'email', 'guardianName', 'guardianPhone', 'address', 'preparingFor', 'joinedOn', 'idProofType', 'idProofNumber'] as const;

export interface ImportResult {
  created: number;
  updated: number;
  skipped: number;
  rowErrors: { row: number; column: string | null; message: string }[];
  userErrors: CampusUserError[];
}

function parseJoinedOn(v: string): Date | null {
  const iso = parseDate(v);
  if (iso) return iso;
  const m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(v); // DD/MM/YYYY, as Indian spreadsheets write it
  return m ? parseDate(`${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`) : null;
}

/** Validates every row, then writes the valid ones (see the top of this file). */
export async function importStudents(ctx: SubgraphContext, s: Scope, csv: string, libraryId: string | null | undefined): Promise<ImportResult> {
  const empty = { created: 0, updated: 0, skipped: 0, rowErrors: [] };
  if (libraryId && !(await visibleLibrary(s, libraryId))) return { ...empty, ...fail('NOT_FOUND', 'No such library', 'libraryId') };
  let records: string[][];
  try {
    records = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (err) {
    return { ...empty, ...fail('INVALID_INPUT', `The file is not valid CSV: ${(err as Error).message}`, 'csv') };
  }
  const header = records[0]?.map((h) => h.trim()) ?? [];
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
  if (!header.includes('name') || !header.includes('phone')) return { ...empty, ...fail('INVALID_INPUT', 'The header row must name at least the columns name and phone', 'csv') };
  if (unknown.length) return { ...empty, ...fail('INVALID_INPUT', `Unknown columns: ${unknown.join(', ')} (known: ${COLUMNS.join(', ')})`, 'csv') };
  if (records.length - 1 > MAX_IMPORT_ROWS) return { ...empty, ...fail('INVALID_INPUT', `At most ${MAX_IMPORT_ROWS} rows per import`, 'csv') };

  const rowErrors: ImportResult['rowErrors'] = [];
  const valid = new Map<string, StudentData & { row: number }>();
  for (let i = 1; i < records.length; i++) {
    const row = i + 1;
    const cells = records[i]!;
    const get = (c: string) => {
      const idx = header.indexOf(c);
      return idx === -1 ? undefined : cells[idx]?.trim() || null;
    };
    let joinedOn: Date | undefined;
    const joined = get('joinedOn');
    if (joined) {
      const d = parseJoinedOn(joined);
      if (!d) {
        rowErrors.push({ row, column: 'joinedOn', message: 'joinedOn must be YYYY-MM-DD or DD/MM/YYYY' });
        continue;
      }
      joinedOn = d;
    }
    const proof = get('idProofType')?.toUpperCase().replace(/\s+/g, '_');
    if (proof && !(ID_PROOFS as readonly string[]).includes(proof)) {
      rowErrors.push({ row, column: 'idProofType', message: `idProofType must be one of ${ID_PROOFS.join(', ')}` });
      continue;
    }
    const data = studentData(
      {
        name: get('name'),
        phone: get('phone'),
        email: get('email'),
        guardianName: get('guardianName'),
        guardianPhone: get('guardianPhone'),
        address: get('address'),
        preparingFor: get('preparingFor'),
        joinedOn,
        idProofType: (proof as IdProof | undefined) ?? undefined,
        idProofNumber: get('idProofNumber'),
      },
      true,
    );
    if (isError(data)) {
      rowErrors.push({ row, column: data.field?.[1] ?? null, message: data.message });
      continue;
    }
    const earlier = valid.get(data.phone!);
    if (earlier) {
      rowErrors.push({ row, column: 'phone', message: `The same phone is on row ${earlier.row}` });
      continue;
    }
    valid.set(data.phone!, { ...data, row });
  }

  const rows = [...valid.values()];
  // Rows whose phone is new become students: they must fit the plan, or nothing is imported.
  const known = rows.length ? await countStudentsWithPhones(s.db, rows.map((r) => r.phone!)) : 0;
  const limited = await planLimitError(ctx, s, 'students', rows.length - known, 'csv');
  if (limited) return { ...empty, rowErrors, ...limited };
  const created = await upsertStudents(
    s.db,
    rows.map((r) => ({
      id: randomUUID(),
      name: r.name!,
      phone: r.phone!,
      email: r.email ?? null,
      guardianName: r.guardianName ?? null,
      guardianPhone: r.guardianPhone ?? null,
      address: r.address ?? null,
      preparingFor: r.preparingFor ?? null,
      joinedOn: r.joinedOn ? formatDate(r.joinedOn) : null,
      idProofType: r.idProofType ?? null,
      idProofLast4: r.idProofLast4 ?? null,
    })),
    libraryId ?? null,
    formatDate(istDay()),
  );
  await ctx.audit({ action: 'student.import', targetType: 'Library', targetId: libraryId ?? undefined, tenantId: s.tenantId, details: { rows: records.length - 1, imported: rows.length, skipped: rowErrors.length } });
  return { created, updated: rows.length - created, skipped: rowErrors.length, rowErrors, userErrors: [] };
}
