// A fee's receipt as a one-page PDF (shared/pdf.ts: pdfkit with an embedded font that has ₹).
// Without a GSTIN it is a receipt. With one it is a GST document, named by what was paid for:
// fees for a period that has begun are a supply made, so a tax invoice; fees for a period that has
// not begun yet (and money kept as advance) are an advance, for which GST's rule 50 asks a receipt
// voucher; a payment covering both is both. It carries the supplier's GSTIN with its state by name
// and code, the place of supply, the SAC of the service, CGST and SGST as equal halves (or IGST),
// the gateway's payment id and the bank's reference for online payments, and the payer's phone as
// +91 98765 43210.
import { formatIndianPhone, rupees, SAC, stateLabel } from '@studyspot/runtime';
import { startPdf, taxLines } from '../shared/pdf.ts';

export interface ReceiptLine {
  label: string;
  amountPaise: number;
  /** The period has not begun on the day of payment: an advance. */
  advance: boolean;
  periodStart: string;
}

export interface ReceiptView {
  number: string;
  issuedAt: Date;
  tenant: { name: string; legalName: string | null; gstin: string | null; state: string | null };
  library: { name: string; address: string; city: string } | null;
  student: { name: string; phone: string };
  payment: { method: string; provider: string; providerPaymentId: string | null; reference: string | null; amountPaise: number; refundedPaise: number };
  lines: ReceiptLine[];
  creditPaise: number;
  gst: { taxablePaise: number; cgstPaise: number; sgstPaise: number; igstPaise: number; placeOfSupply: string | null } | null;
}

const METHODS: Record<string, string> = { CASH: 'Cash', UPI: 'UPI', UPI_QR: 'UPI (QR at the desk)', BANK_TRANSFER: 'Bank transfer', CARD: 'Card', NETBANKING: 'Net banking', WALLET: 'Wallet', ONLINE: 'Online payment' };
const PROVIDERS: Record<string, string> = { razorpay: 'Razorpay', cashfree: 'Cashfree' };

/** The document's title: what GST calls it, from what the payment was for. */
export function receiptTitle(v: Pick<ReceiptView, 'gst' | 'lines' | 'creditPaise'>): string {
  if (!v.gst) return 'Receipt';
  const advance = v.lines.some((l) => l.advance) || v.creditPaise > 0;
  const supplied = v.lines.some((l) => !l.advance);
  return advance && supplied ? 'Tax invoice and receipt voucher' : advance ? 'Receipt voucher' : 'Tax invoice';
}

export function receiptPdf(v: ReceiptView): Promise<Buffer> {
  const title = receiptTitle(v);
  const { doc, done, regular, bold } = startPdf({ size: 'A5', margin: 36, info: { Title: `${title} ${v.number}`, Author: v.tenant.name } });
  bold().fontSize(14).text(title);
  regular().fontSize(9).moveDown(0.3);
  doc.text(v.tenant.legalName ?? v.tenant.name);
  if (v.library) doc.text(`${v.library.name}, ${[v.library.address, v.library.city].filter(Boolean).join(', ')}`);
  if (v.gst && v.tenant.gstin) doc.text(`GSTIN ${v.tenant.gstin}${v.tenant.state ? `   State: ${stateLabel(v.tenant.state)}` : ''}`);
  doc.moveDown();
  doc.text(`${v.gst ? (title === 'Receipt voucher' ? 'Voucher' : 'Invoice') : 'Receipt'} no. ${v.number}`);
  doc.text(`Date ${v.issuedAt.toLocaleDateString('en-IN', { timeZone: 'Asia/Kolkata', day: '2-digit', month: 'short', year: 'numeric' })}`);
  doc.text(`Received from ${v.student.name}, ${formatIndianPhone(v.student.phone)}`);
  if (v.gst?.placeOfSupply) doc.text(`Place of supply: ${stateLabel(v.gst.placeOfSupply)}`);
  const online = v.payment.provider !== 'offline';
  const via = online ? ` through ${PROVIDERS[v.payment.provider] ?? v.payment.provider}` : '';
  doc.text(`Paid by ${METHODS[v.payment.method] ?? v.payment.method}${via}`);
  if (online && v.payment.providerPaymentId) doc.text(`Gateway payment id: ${v.payment.providerPaymentId}`);
  if (v.payment.reference) doc.text(`${online || v.payment.method.startsWith('UPI') || v.payment.method === 'BANK_TRANSFER' ? 'Bank reference (UTR)' : 'Reference'}: ${v.payment.reference}`);
  doc.moveDown();
  for (const line of v.lines) {
    const sac = v.gst ? ` (SAC ${SAC.seat.code})` : '';
    doc.text(`${line.label}${sac}: ${rupees(line.amountPaise)}`);
    if (v.gst && line.advance) doc.text(`   advance: the service begins ${line.periodStart}`);
  }
  if (v.creditPaise > 0) doc.text(`Kept as advance: ${rupees(v.creditPaise)}`);
  bold().text(`Total received: ${rupees(v.payment.amountPaise)}`);
  regular();
  if (v.payment.refundedPaise > 0) doc.text(`Refunded since: ${rupees(v.payment.refundedPaise)}`);
  if (v.gst) {
    doc.moveDown();
    doc.text(`${SAC.seat.description}, SAC ${SAC.seat.code}. The amount includes GST at 18%:`);
    taxLines(doc, v.gst);
    if (title !== 'Tax invoice') doc.text('GST on an advance is paid when it is received (receipt voucher, rule 50 of the CGST Rules).');
  }
  doc.moveDown().fontSize(7).text('Issued by StudySpot on behalf of the study centre. Generated electronically; no signature is required.');
  doc.end();
  return done;
}
