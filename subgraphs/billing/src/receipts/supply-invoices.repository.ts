// Supply invoices' SQL: which advances have reached their period (a GST receipt issued before the
// due's period began, for money put on that due by allocation or from the credit it left), and the
// invoices themselves.
import type { TenantPrisma } from '@studyspot/db';
import type { Tx } from '../shared/transactions.repository.ts';

export type { SupplyInvoice as SupplyInvoiceRow } from '@studyspot/db/tenant';

export interface AdvanceReached {
  receiptId: string;
  dueId: string;
  libraryId: string | null;
  amountPaise: number;
  gstin: string;
  placeOfSupply: string | null;
  /** The voucher charged IGST (another state): the invoice does too. */
  interState: boolean;
}

/**
 * Advances whose period has begun by `day` (IST) and that have no invoice yet: per GST receipt and
 * due, the money that receipt's payment put on the due (allocations, and its credit spent there),
 * when the receipt was issued before the due's period began.
 */
export function advancesReached(db: TenantPrisma | Tx, day: Date, limit = 500): Promise<AdvanceReached[]> {
  return db.$queryRaw<AdvanceReached[]>`
    WITH applied AS (
      SELECT payment_id, due_id, amount_paise FROM payment_allocations
      UNION ALL
      SELECT payment_id, due_id, -amount_paise FROM credit_entries WHERE due_id IS NOT NULL AND amount_paise < 0
    )
    SELECT r.id AS "receiptId", d.id AS "dueId", p.library_id AS "libraryId", sum(a.amount_paise)::int AS "amountPaise",
           r.gstin, r.place_of_supply AS "placeOfSupply", bool_or(r.igst_paise > 0) AS "interState"
    FROM applied a
    JOIN dues d ON d.id = a.due_id
    JOIN receipts r ON r.payment_id = a.payment_id
    JOIN payments p ON p.id = a.payment_id
    WHERE r.gstin IS NOT NULL
      AND d.period_start <= ${day}::date
      AND (r.created_at AT TIME ZONE 'Asia/Kolkata')::date < d.period_start
      AND NOT EXISTS (SELECT 1 FROM supply_invoices s WHERE s.receipt_id = r.id AND s.due_id = d.id)
    GROUP BY r.id, d.id, p.library_id, r.gstin, r.place_of_supply
    HAVING sum(a.amount_paise) > 0
    ORDER BY min(d.period_start), r.id, d.id
    LIMIT ${limit}`;
}

/** The first day after `day` on which an advance reaches its period (when the sweep should look again). */
export async function nextAdvanceStart(db: TenantPrisma, day: Date): Promise<Date | null> {
  const [row] = await db.$queryRaw<{ start: Date | null }[]>`
    SELECT min(d.period_start) AS start
    FROM payment_allocations a JOIN dues d ON d.id = a.due_id JOIN receipts r ON r.payment_id = a.payment_id
    WHERE r.gstin IS NOT NULL AND d.period_start > ${day}::date AND (r.created_at AT TIME ZONE 'Asia/Kolkata')::date < d.period_start`;
  return row?.start ?? null;
}

export const createSupplyInvoice = (tx: Tx, data: Parameters<Tx['supplyInvoice']['create']>[0]['data']) => tx.supplyInvoice.create({ data });

export const supplyInvoicesOfReceipts = (db: TenantPrisma, receiptIds: readonly string[]) =>
  db.supplyInvoice.findMany({ where: { receiptId: { in: [...receiptIds] } }, orderBy: [{ issuedOn: 'asc' }, { number: 'asc' }] });

export const findSupplyInvoice = (db: TenantPrisma, id: string) => db.supplyInvoice.findUnique({ where: { id } });
