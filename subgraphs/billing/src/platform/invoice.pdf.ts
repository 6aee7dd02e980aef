// A platform invoice as a one-page PDF (pdfkit, standard fonts: the text can be extracted and checked).
import PDFDocument from 'pdfkit';
import { rs } from '../receipts/receipt.pdf.ts';

export interface InvoiceView {
  number: string;
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

export function invoicePdf(v: InvoiceView): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: `Invoice ${v.number}`, Author: v.seller.name } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.font('Helvetica-Bold').fontSize(16).text('Tax invoice');
  doc.font('Helvetica').fontSize(10).moveDown(0.3);
  doc.text(`${v.seller.name}${v.seller.gstin ? `, GSTIN ${v.seller.gstin}` : ''}, state ${v.seller.state}`);
  doc.moveDown();
  doc.text(`Invoice no. ${v.number}`);
  doc.text(`Date ${day(v.issuedOn)}   Due ${day(v.dueOn)}   ${v.status}`);
  doc.text(`Billed to ${v.buyer.legalName ?? v.buyer.name}${v.buyer.gstin ? `, GSTIN ${v.buyer.gstin}` : ''}${v.buyer.state ? `, state ${v.buyer.state}` : ''}`);
  doc.moveDown();
  for (const l of v.lines) doc.text(`${l.label}: ${rs(l.amountPaise)}`);
  doc.moveDown();
  doc.text(`Taxable value: ${rs(v.taxablePaise)}`);
  if (v.igstPaise) doc.text(`IGST 18%: ${rs(v.igstPaise)}`);
  else doc.text(`CGST 9%: ${rs(v.cgstPaise)}   SGST 9%: ${rs(v.sgstPaise)}`);
  if (v.placeOfSupply) doc.text(`Place of supply: ${v.placeOfSupply}`);
  doc.font('Helvetica-Bold').text(`Total: ${rs(v.totalPaise)}`).font('Helvetica');
  doc.moveDown().fontSize(8).text('Generated electronically by StudySpot.');
  doc.end();
  return done;
}
