// GET /receipts/<token>.pdf on the gateway's port: a valid, unexpired signed link opens the receipt
// PDF (shared/signed-links.ts: 404 for a bad link, 410 for an expired one — ask for a fresh link);
// /receipts/tax-invoices/<token>.pdf the tax invoice of an advance (supply-invoices.service.ts).
import { TenantAccessError, type TenantPrisma } from '@studyspot/db';
import { formatDate, istDay, ports, type Platform } from '@studyspot/runtime';
import { findDuesByIds } from '../dues/dues.repository.ts';
import { receiptWithPayment } from './receipts.repository.ts';
import type { Router } from 'express';
import { signedPdfRouter } from '../shared/signed-links.ts';
import { RECEIPT_CLAIMS, SUPPLY_INVOICE_CLAIMS } from './receipt.link.ts';
import { receiptPdf, type ReceiptView } from './receipt.pdf.ts';
import { supplyInvoicePdf, type SupplyInvoiceView } from './supply-invoice.pdf.ts';
import { findSupplyInvoice } from './supply-invoices.repository.ts';

export async function receiptView(platform: Platform, tenantId: string, db: TenantPrisma, receiptId: string): Promise<ReceiptView | null> {
  const receipt = await receiptWithPayment(db, receiptId);
  if (!receipt) return null;
  const p = receipt.payment;
  const [profile, [place], dues, [student]] = await Promise.all([
    ports.tenants.profile(platform.core, tenantId),
    p.libraryId ? ports.campus.libraries(db, [p.libraryId]) : [],
    findDuesByIds(db, p.allocations.map((a) => a.dueId)),
    ports.campus.students(db, [p.studentId]),
  ]);
  if (!profile || !student) return null;
  const tenant = { name: profile.name, legalName: profile.legalName, gstin: profile.gstin, state: profile.state };
  const library = place ? { name: place.name, address: place.address, city: place.city } : null;
  const byDue = new Map<string, number>();
  for (const a of p.allocations) if (a.amountPaise > 0) byDue.set(a.dueId, (byDue.get(a.dueId) ?? 0) + a.amountPaise);
  const label = (d: (typeof dues)[number]) => `${d.kind === 'DAY_PASS' ? 'Day pass' : d.kind === 'TOP_UP' ? 'Top-up' : 'Seat fee'} ${formatDate(d.periodStart)} to ${formatDate(d.periodEnd)}`;
  // A period that begins after the day of payment (IST) is paid in advance.
  const paidOn = formatDate(istDay(receipt.createdAt));
  return {
    number: receipt.number,
    issuedAt: receipt.createdAt,
    tenant,
    library,
    student: { name: student.name, phone: student.phone },
    payment: { method: p.method, provider: p.provider, providerPaymentId: p.providerPaymentId, reference: p.reference, amountPaise: p.amountPaise, refundedPaise: p.refundedPaise },
    lines: dues.filter((d) => byDue.has(d.id)).map((d) => ({ label: label(d), amountPaise: byDue.get(d.id)!, periodStart: formatDate(d.periodStart), advance: formatDate(d.periodStart) > paidOn })),
    creditPaise: p.credits.filter((c) => c.amountPaise > 0 && c.reason === 'advance').reduce((t, c) => t + c.amountPaise, 0),
    gst: receipt.gstin ? { taxablePaise: receipt.taxablePaise, cgstPaise: receipt.cgstPaise, sgstPaise: receipt.sgstPaise, igstPaise: receipt.igstPaise, placeOfSupply: receipt.placeOfSupply } : null,
  };
}

export async function supplyInvoiceView(platform: Platform, tenantId: string, db: TenantPrisma, invoiceId: string): Promise<SupplyInvoiceView | null> {
  const inv = await findSupplyInvoice(db, invoiceId);
  if (!inv) return null;
  const voucher = await receiptWithPayment(db, inv.receiptId);
  const [due] = await findDuesByIds(db, [inv.dueId]);
  if (!voucher || !due) return null;
  const [profile, [place], [student]] = await Promise.all([
    ports.tenants.profile(platform.core, tenantId),
    ports.campus.libraries(db, [due.libraryId]),
    ports.campus.students(db, [due.studentId]),
  ]);
  if (!profile || !student) return null;
  const kind = due.kind === 'DAY_PASS' ? 'Day pass' : due.kind === 'TOP_UP' ? 'Top-up' : 'Seat fee';
  return {
    number: inv.number,
    issuedOn: formatDate(inv.issuedOn),
    tenant: { name: profile.name, legalName: profile.legalName, state: profile.state },
    library: place ? { name: place.name, address: place.address, city: place.city } : null,
    gstin: inv.gstin,
    placeOfSupply: inv.placeOfSupply,
    student: { name: student.name, phone: student.phone },
    line: `${kind} ${formatDate(due.periodStart)} to ${formatDate(due.periodEnd)}`,
    amountPaise: inv.amountPaise,
    taxablePaise: inv.taxablePaise,
    cgstPaise: inv.cgstPaise,
    sgstPaise: inv.sgstPaise,
    igstPaise: inv.igstPaise,
    voucher: { number: voucher.number, issuedOn: formatDate(istDay(voucher.createdAt)) },
  };
}

/** Opens a tenant's document for a signed link: null when it (or its tenant) is gone. */
async function openForLink<T>(platform: Platform, tenantId: string, read: (db: TenantPrisma) => Promise<T | null>): Promise<T | null | 'unavailable'> {
  try {
    return await platform.tenants.withTenant(tenantId, read, { allowSuspended: true });
  } catch (err) {
    // A tenant deleted since the link was made: the document is gone with it.
    if (err instanceof TenantAccessError && err.code === 'TENANT_NOT_FOUND') return null;
    if (err instanceof TenantAccessError) return 'unavailable';
    throw err;
  }
}

/** /receipts/<token>.pdf, and the tax invoices of advances at /receipts/tax-invoices/<token>.pdf. */
export function receiptRouter(platform: Platform): Router {
  const receipts = signedPdfRouter(platform, 'receipt', RECEIPT_CLAIMS, 'receipt', async ({ t: tenantId, r: receiptId }) => {
    const view = await openForLink<ReceiptView>(platform, tenantId, (db) => receiptView(platform, tenantId, db, receiptId));
    return view === 'unavailable' ? view : view && { pdf: await receiptPdf(view), filename: `receipt-${view.number.replace(/\//g, '-')}.pdf` };
  });
  const invoices = signedPdfRouter(platform, 'supply-invoice', SUPPLY_INVOICE_CLAIMS, 'invoice', async ({ t: tenantId, i: invoiceId }) => {
    const view = await openForLink<SupplyInvoiceView>(platform, tenantId, (db) => supplyInvoiceView(platform, tenantId, db, invoiceId));
    return view === 'unavailable' ? view : view && { pdf: await supplyInvoicePdf(view), filename: `invoice-${view.number.replace(/\//g, '-')}.pdf` };
  });
  receipts.use('/tax-invoices', invoices);
  return receipts;
}
