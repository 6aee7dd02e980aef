// The one place receipt numbers are assigned: a gap-free series per library (or the tenant's own,
// for payments without a library) and Indian financial year, taken in the same transaction as the
// payment. The series row is locked by the UPDATE, so concurrent captures queue for the next number
// and a rolled-back payment gives its number back. Numbers look like L1/26-27/00042 (≤ 16 characters
// of letters, digits, - and /, as GST invoices require); each library keeps its code across years.
import { financialYear, istDay } from '../dues/dates.ts';
import type { Tx } from '../payments/apply.ts';
import { gstSplit, type GstParty } from './gst.ts';

const TENANT_SERIES = 'tenant';

async function seriesCode(tx: Tx, seriesKey: string, fy: string): Promise<void> {
  const exists = await tx.receiptSeries.findUnique({ where: { seriesKey_financialYear: { seriesKey, financialYear: fy } }, select: { code: true } });
  if (exists) return;
  // A new series (rare): creating them one at a time keeps the short codes unique.
  await tx.$executeRaw`LOCK TABLE receipt_series IN SHARE ROW EXCLUSIVE MODE`;
  const known = await tx.receiptSeries.findFirst({ where: { seriesKey }, select: { code: true } });
  const code = known?.code ?? (seriesKey === TENANT_SERIES ? 'HQ' : `L${(await tx.$queryRaw<{ n: number }[]>`SELECT count(DISTINCT series_key)::int + 1 AS n FROM receipt_series WHERE series_key <> ${TENANT_SERIES}`)[0]!.n}`);
  await tx.$executeRaw`INSERT INTO receipt_series (series_key, financial_year, code, next) VALUES (${seriesKey}, ${fy}, ${code}, 1) ON CONFLICT DO NOTHING`;
}

export async function assignReceipt(
  tx: Tx,
  payment: { id: string; amountPaise: number; libraryId: string | null; capturedAt: Date },
  gst: { seller: GstParty; placeOfSupply: string | null },
) {
  const seriesKey = payment.libraryId ?? TENANT_SERIES;
  const fy = financialYear(istDay(payment.capturedAt));
  await seriesCode(tx, seriesKey, fy);
  const [row] = await tx.$queryRaw<{ seq: number; code: string }[]>`
    UPDATE receipt_series SET next = next + 1 WHERE series_key = ${seriesKey} AND financial_year = ${fy} RETURNING next - 1 AS seq, code`;
  const number = `${row!.code}/${fy}/${String(row!.seq).padStart(5, '0')}`;
  const tax = gstSplit(payment.amountPaise, gst.seller, gst.placeOfSupply);
  return tx.receipt.create({
    data: { paymentId: payment.id, seriesKey, financialYear: fy, sequence: row!.seq, number, amountPaise: payment.amountPaise, ...tax, gstin: gst.seller.gstin, placeOfSupply: tax.placeOfSupply },
  });
}
