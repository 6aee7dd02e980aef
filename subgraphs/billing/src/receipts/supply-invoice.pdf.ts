// A supply invoice (the tax invoice for a fee paid in advance, issued when its period begins) as a
// one-page PDF, in the receipts' style (shared/pdf.ts): supplier and recipient, place of supply, the
// fee with its SAC, the tax, and the receipt voucher that took the money (its tax already paid).
import { formatIndianPhone, rupees, SAC, stateLabel } from '@studyspot/runtime';
import { startPdf, taxLines } from '../shared/pdf.ts';

export interface SupplyInvoiceView {
  number: string;
  issuedOn: string;
  tenant: { name: string; legalName: string | null; state: string | null };
  library: { name: string; address: string; city: string } | null;
  gstin: string;
  placeOfSupply: string | null;
  student: { name: string; phone: string };
  line: string;
  amountPaise: number;
  taxablePaise: number;
  cgstPaise: number;
  sgstPaise: number;
  igstPaise: number;
  voucher: { number: string; issuedOn: string };
}

export function supplyInvoicePdf(v: SupplyInvoiceView): Promise<Buffer> {
  const { doc, done, regular, bold } = startPdf({ size: 'A5', margin: 36, info: { Title: `Tax invoice ${v.number}`, Author: v.tenant.name } });
  bold().fontSize(14).text('Tax invoice');
  regular().fontSize(9).moveDown(0.3);
  doc.text(v.tenant.legalName ?? v.tenant.name);
  if (v.library) doc.text(`${v.library.name}, ${[v.library.address, v.library.city].filter(Boolean).join(', ')}`);
  doc.text(`GSTIN ${v.gstin}${v.tenant.state ? `   State: ${stateLabel(v.tenant.state)}` : ''}`);
  doc.moveDown();
  doc.text(`Invoice no. ${v.number}`);
  doc.text(`Date ${v.issuedOn}`);
  doc.text(`Billed to ${v.student.name}, ${formatIndianPhone(v.student.phone)}`);
  if (v.placeOfSupply) doc.text(`Place of supply: ${stateLabel(v.placeOfSupply)}`);
  doc.moveDown();
  doc.text(`${v.line} (SAC ${SAC.seat.code}): ${rupees(v.amountPaise)}`);
  doc.moveDown();
  doc.text(`${SAC.seat.description}, SAC ${SAC.seat.code}. The amount includes GST at 18%:`);
  taxLines(doc, v);
  bold().text(`Total: ${rupees(v.amountPaise)}`);
  regular().moveDown();
  doc.text(`Paid in advance against receipt voucher ${v.voucher.number} of ${v.voucher.issuedOn}, with its GST: nothing more is due.`);
  doc.moveDown().fontSize(7).text('Issued by StudySpot on behalf of the study centre. Generated electronically; no signature is required.');
  doc.end();
  return done;
}
