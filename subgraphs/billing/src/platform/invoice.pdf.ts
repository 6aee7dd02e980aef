// A platform invoice as a one-page PDF (shared/pdf.ts: pdfkit with an embedded font that has ₹).
// Only a supplier with a GSTIN may issue a tax invoice: without PLATFORM_GSTIN configured the
// document says "Invoice" and why it is not a tax invoice. States print by name and GST code, each
// line with the SAC of what it is (a subscription is a software licence, SMS credits a
// telecommunications service), CGST and SGST as equal halves (or IGST).
import { rupees, SAC, stateLabel } from '@studyspot/runtime';
import { startPdf, taxLines } from '../shared/pdf.ts';

export interface InvoiceView {
  number: string;
  kind: string;
  issuedOn: Date;
  dueOn: Date;
  status: string;
  seller: { name: string; gstin: string | null; state: string };
  buyer: { name: string; legalName: string | null; gstin: string | null; state: string | null };
  lines: { label: string; amountPaise: number }[];
  taxablePaise: number;
  cgstPaise: number;
  sgstPaise: number;
  igstPaise: number;
  totalPaise: number;
  placeOfSupply: string | null;
}

const day = (d: Date) => d.toLocaleDateString('en-IN', { timeZone: 'UTC', day: '2-digit', month: 'short', year: 'numeric' });

export const invoiceTitle = (v: Pick<InvoiceView, 'seller'>) => (v.seller.gstin ? 'Tax invoice' : 'Invoice');

export function invoicePdf(v: InvoiceView): Promise<Buffer> {
  const title = invoiceTitle(v);
  const sac = v.kind === 'CREDITS' ? SAC.smsCredits : SAC.subscription;
  const { doc, done, regular, bold } = startPdf({ size: 'A4', margin: 48, info: { Title: `${title} ${v.number}`, Author: v.seller.name } });
  bold().fontSize(16).text(title);
  regular().fontSize(10).moveDown(0.3);
  doc.text(v.seller.name);
  doc.text(`${v.seller.gstin ? `GSTIN ${v.seller.gstin}   ` : ''}State: ${stateLabel(v.seller.state)}`);
  if (!v.seller.gstin) doc.text('Not a tax invoice: the supplier\'s GSTIN is not configured (PLATFORM_GSTIN), so no input tax credit can be claimed on it.');
  doc.moveDown();
  doc.text(`Invoice no. ${v.number}`);
  doc.text(`Date ${day(v.issuedOn)}   Due ${day(v.dueOn)}   ${v.status}`);
  doc.text(`Billed to ${v.buyer.legalName ?? v.buyer.name}`);
  if (v.buyer.gstin) doc.text(`GSTIN ${v.buyer.gstin}`);
  if (v.buyer.state) doc.text(`State: ${stateLabel(v.buyer.state)}`);
  if (v.placeOfSupply) doc.text(`Place of supply: ${stateLabel(v.placeOfSupply)}`);
  doc.moveDown();
  for (const l of v.lines) doc.text(`${l.label} (SAC ${sac.code}): ${rupees(l.amountPaise)}`);
  doc.moveDown();
  doc.text(`${sac.description}, SAC ${sac.code}`);
  taxLines(doc, v);
  bold().text(`Total: ${rupees(v.totalPaise)}`);
  regular().moveDown().fontSize(8).text('Generated electronically by StudySpot; no signature is required.');
  doc.end();
  return done;
}
