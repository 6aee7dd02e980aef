// The one place receipt numbers are assigned: a gap-free series per library (or the tenant's own,
// for payments without a library) and Indian financial year, taken in the same transaction as the
// payment. The series row is locked by the UPDATE, so concurrent captures queue for the next number
// and a rolled-back payment gives its number back. Numbers look like L1/26-27/00042 (≤ 16 characters
// of letters, digits, - and /, as GST invoices require); each library keeps its code across years.
// Supply invoices (tax invoices for advances, supply-invoices.service.ts) take numbers here too, in
// the library's invoice series: its code with T, e.g. L1T/26-27/00003.
import { financialYear, istDay } from '../dues/dates.ts';
import type { Tx } from '../payments/apply.ts';
import { gstSplit, type GstParty } from './gst.ts';

const TENANT_SERIES = 'tenant';
/** A library's tax invoices for advances (supply invoices) run in their own series: its code with T. */
const INVOICE_SUFFIX = '#tax';

async function seriesCode(tx: Tx, seriesKey: string, fy: string): Promise<void> {
  const exists = await tx.receiptSeries.findUnique({ where: { seriesKey_financialYear: { seriesKey, financialYear: fy } }, select: { code: true } });
  if (exists) return;
  // A new series (rare): creating them one at a time keeps the short codes unique.
  await tx.$executeRaw`LOCK TABLE receipt_series IN SHARE ROW EXCLUSIVE MODE`;
  const known = await tx.receiptSeries.findFirst({ where: { seriesKey }, select: { code: true } });
  let code = known?.code;
  if (!code && seriesKey.endsWith(INVOICE_SUFFIX)) {
    const base = seriesKey.slice(0, -INVOICE_SUFFIX.length);
    await seriesCode(tx, base, fy);
    code = `${(await tx.receiptSeries.findUniqueOrThrow({ where: { seriesKey_financialYear: { seriesKey: base, financialYear: fy } }, select: { code: true } })).code}T`;
  }
  code ??= seriesKey === TENANT_SERIES ? 'HQ' : `L${(await tx.$queryRaw<{ n: number }[]>`SELECT count(DISTINCT series_key)::int + 1 AS n FROM receipt_series WHERE series_key <> ${TENANT_SERIES} AND series_key NOT LIKE ${`%${INVOICE_SUFFIX}`}`)[0]!.n}`;
  await tx.$executeRaw`INSERT INTO receipt_series (series_key, financial_year, code, next) VALUES (${seriesKey}, ${fy}, ${code}, 1) ON CONFLICT DO NOTHING`;
}

/** The next number of a series, e.g. L1/26-27/00042 (the row is locked until the transaction ends). */
async function nextNumber(tx: Tx, seriesKey: string, fy: string): Promise<{ sequence: number; number: string }> {
  await seriesCode(tx, seriesKey, fy);
  const [row] = await tx.$queryRaw<{ seq: number; code: string }[]>`
    UPDATE receipt_series SET next = next + 1 WHERE series_key = ${seriesKey} AND financial_year = ${fy} RETURNING next - 1 AS seq, code`;
  return { sequence: row!.seq, number: `${row!.code}/${fy}/${String(row!.seq).padStart(5, '0')}` };
}

/** A supply invoice's number in the library's invoice series for the day's financial year, e.g. L1T/26-27/00003. */
export async function nextSupplyInvoiceNumber(tx: Tx, libraryId: string | null, day: Date) {
  const seriesKey = `${libraryId ?? TENANT_SERIES}${INVOICE_SUFFIX}`;
  const fy = financialYear(day);
  return { seriesKey, financialYear: fy, ...(await nextNumber(tx, seriesKey, fy)) };
}

export async function assignReceipt(
  tx: Tx,
  payment: { id: string; amountPaise: number; libraryId: string | null; capturedAt: Date },
  gst: { seller: GstParty; placeOfSupply: string | null },
) {
  const seriesKey = payment.libraryId ?? TENANT_SERIES;
  const fy = financialYear(istDay(payment.capturedAt));
  const { sequence, number } = await nextNumber(tx, seriesKey, fy);
  const tax = gstSplit(payment.amountPaise, gst.seller, gst.placeOfSupply);
  return tx.receipt.create({
    data: { paymentId: payment.id, seriesKey, financialYear: fy, sequence, number, amountPaise: payment.amountPaise, ...tax, gstin: gst.seller.gstin, placeOfSupply: tax.placeOfSupply },
  });
}
