// A receipt (and GST tax invoice when the tenant is registered) as a one-page PDF, with pdfkit.
// Standard PDF fonts only, so the text can be extracted (and checked in a test); amounts in
// rupees with two decimals, "Rs." because the standard fonts have no rupee sign.
import PDFDocument from 'pdfkit';

export interface ReceiptView {
  number: string;
  issuedAt: Date;
  tenant: { name: string; legalName: string | null; gstin: string | null; state: string | null };
  library: { name: string; address: string; city: string } | null;
  student: { name: string; phone: string };
  payment: { method: string; provider: string; reference: string | null; amountPaise: number; refundedPaise: number };
  lines: { label: string; amountPaise: number }[];
  creditPaise: number;
  gst: { taxablePaise: number; cgstPaise: number; sgstPaise: number; igstPaise: number; placeOfSupply: string | null } | null;
}

export const rs = (paise: number) => `Rs. ${(paise / 100).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function receiptPdf(v: ReceiptView): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A5', margin: 36, info: { Title: `Receipt ${v.number}`, Author: v.tenant.name } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  doc.font('Helvetica-Bold').fontSize(14).text(v.gst ? 'Tax invoice and receipt' : 'Receipt');
  doc.font('Helvetica').fontSize(9).moveDown(0.3);
  doc.text(v.tenant.legalName ?? v.tenant.name);
  if (v.library) doc.text(`${v.library.name}, ${[v.library.address, v.library.city].filter(Boolean).join(', ')}`);
  if (v.gst && v.tenant.gstin) doc.text(`GSTIN ${v.tenant.gstin}${v.tenant.state ? `, state ${v.tenant.state}` : ''}`);
  doc.moveDown();
  doc.text(`Receipt no. ${v.number}`);
  doc.text(`Date ${v.issuedAt.toLocaleDateString('en-IN', { timeZone: 'Asia/Kolkata', day: '2-digit', month: 'short', year: 'numeric' })}`);
  doc.text(`Received from ${v.student.name} (${v.student.phone})`);
  doc.text(`Paid by ${v.payment.method}${v.payment.provider !== 'offline' ? ` via ${v.payment.provider}` : ''}${v.payment.reference ? `, ref. ${v.payment.reference}` : ''}`);
  doc.moveDown();
  for (const line of v.lines) doc.text(`${line.label}: ${rs(line.amountPaise)}`);
  if (v.creditPaise > 0) doc.text(`Kept as advance: ${rs(v.creditPaise)}`);
  doc.font('Helvetica-Bold').text(`Total received: ${rs(v.payment.amountPaise)}`).font('Helvetica');
  if (v.payment.refundedPaise > 0) doc.text(`Refunded since: ${rs(v.payment.refundedPaise)}`);
  if (v.gst) {
    doc.moveDown();
    doc.text(`Taxable value: ${rs(v.gst.taxablePaise)}`);
    if (v.gst.igstPaise) doc.text(`IGST 18%: ${rs(v.gst.igstPaise)}`);
    else doc.text(`CGST 9%: ${rs(v.gst.cgstPaise)}   SGST 9%: ${rs(v.gst.sgstPaise)}`);
    if (v.gst.placeOfSupply) doc.text(`Place of supply: ${v.gst.placeOfSupply}`);
  }
  doc.moveDown().fontSize(7).text('Issued by StudySpot on behalf of the study centre. This receipt was generated electronically.');
  doc.end();
  return done;
}
