// One-page PDFs (receipts, platform invoices) with pdfkit and an embedded font that has the rupee
// sign: DejaVu Sans (its TrueType files from the dejavu-fonts-ttf package, subset into each PDF by
// pdfkit, with a ToUnicode map, so the text can be extracted and checked in tests). The standard
// PDF fonts have no ₹.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { rupees } from '@studyspot/runtime';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
let fonts: { regular: Buffer; bold: Buffer } | null = null;
const loadFonts = () =>
  (fonts ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  });

export interface Pdf {
  doc: PDFKit.PDFDocument;
  done: Promise<Buffer>;
  regular(): PDFKit.PDFDocument;
  bold(): PDFKit.PDFDocument;
}

export function startPdf(options: PDFKit.PDFDocumentOptions): Pdf {
  const doc = new PDFDocument(options);
  const f = loadFonts();
  doc.registerFont('Body', f.regular);
  doc.registerFont('Body-Bold', f.bold);
  doc.font('Body');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  return { doc, done, regular: () => doc.font('Body'), bold: () => doc.font('Body-Bold') };
}

/** The GST lines every document prints: the taxable value, then CGST and SGST (equal halves) or IGST. */
export function taxLines(doc: PDFKit.PDFDocument, t: { taxablePaise: number; cgstPaise: number; sgstPaise: number; igstPaise: number }): void {
  doc.text(`Taxable value: ${rupees(t.taxablePaise)}`);
  if (t.igstPaise) doc.text(`IGST 18%: ${rupees(t.igstPaise)}`);
  else {
    doc.text(`CGST 9%: ${rupees(t.cgstPaise)}`);
    doc.text(`SGST 9%: ${rupees(t.sgstPaise)}`);
  }
}
