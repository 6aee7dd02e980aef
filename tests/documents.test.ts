// Indian documents as an accountant reads them, read back from the PDFs themselves: ₹ from an
// embedded font, the document named by what was paid for (receipt, tax invoice, receipt voucher for
// an advance), SAC codes, states by name with their GST code, equal CGST/SGST halves adding up, the
// gateway's payment id and the bank's reference (UTR) on online payments, +91 phones, and "Tax
// invoice" only from a supplier with a GSTIN.
import { addDays, formatDate } from '@studyspot/runtime';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoicePdf } from '../subgraphs/billing/src/platform/invoice.pdf.ts';
import { issueSupplyInvoices } from '../subgraphs/billing/src/receipts/supply-invoices.service.ts';
import { createBillingWorld, createOrder, enrol, orderStatus, payAtCheckout, settled, type BillingWorld } from './support/billing.ts';
import { monthEnd, today } from './support/campus.ts';
import { gql } from './support/supergraph.ts';

let w: BillingWorld;
beforeAll(async () => {
  w = await createBillingWorld();
});
afterAll(async () => {
  await w?.close();
});

/** The PDF's text with runs of white space (line wraps) as one space. */
const text = async (pdf: Uint8Array) => (await extractText(await getDocumentProxy(pdf), { mergePages: true })).text.replace(/\s+/g, ' ');
const pdfAt = async (url: string) => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return text(new Uint8Array(await res.arrayBuffer()));
};

const RECORD = 'mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id receipt { number pdfUrl taxablePaise cgstPaise sgstPaise } } userErrors { code message } } }';
type Recorded = { id: string; receipt: { number: string; pdfUrl: string; taxablePaise: number; cgstPaise: number; sgstPaise: number } };
const record = async (studentId: string, amountPaise: number, method = 'CASH', reference?: string) => {
  const r = await gql(w.url(), RECORD, { token: w.owner, variables: { i: { studentId, amountPaise, method, reference } } });
  const p = r.data!.recordPayment as { payment: Recorded | null; userErrors: unknown[] };
  expect(p.userErrors).toEqual([]);
  return p.payment!;
};

describe('fee receipts', () => {
  it('without a GSTIN: a receipt in ₹ with the phone as +91 and the bank reference of a transfer, and no GST', async () => {
    const s = await enrol(w, { name: 'Kavya Deshpande', pricePaise: 150_000 });
    const p = await record(s.studentId, 150_000, 'BANK_TRANSFER', 'NEFT0000123456');
    const t = await pdfAt(p.receipt.pdfUrl);
    expect(t).toMatch(/^Receipt\b/);
    expect(t).toContain(`Receipt no. ${p.receipt.number}`);
    expect(t).toContain(`Received from Kavya Deshpande, +91 ${s.phone.slice(0, 5)} ${s.phone.slice(5)}`);
    expect(t).toContain(`Seat fee ${today()} to ${monthEnd(today())}: ₹1,500.00`);
    expect(t).toContain('Total received: ₹1,500.00');
    expect(t).toContain('Paid by Bank transfer');
    expect(t).toContain('Bank reference (UTR): NEFT0000123456');
    expect(t).not.toMatch(/Rs\.|GST|SAC|Tax invoice/);
  });

  it('online: the gateway, its payment id and the UPI reference (RRN/UTR) from the provider', async () => {
    // ₹500: Razorpay (2%) is the cheaper gateway at this amount; its simulator pays by UPI.
    const s = await enrol(w, { pricePaise: 50_000 });
    const { order } = await createOrder(w, s.studentId);
    expect(order!.provider).toBe('RAZORPAY');
    await payAtCheckout(w, order!);
    await settled(w);
    const paid = await orderStatus(w, order!.id);
    expect(paid.status).toBe('PAID');
    const row = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.payment.findUniqueOrThrow({ where: { id: paid.payment!.id } }));
    expect(row.providerPaymentId).toMatch(/^pay_/);
    expect(row.reference).toMatch(/^\d{12}$/);
    const t = await pdfAt(paid.payment!.receipt!.pdfUrl);
    expect(t).toContain('Paid by UPI through Razorpay');
    expect(t).toContain(`Gateway payment id: ${row.providerPaymentId}`);
    expect(t).toContain(`Bank reference (UTR): ${row.reference}`);
    // Cashfree's bank_reference arrives the same way (₹1,500: Cashfree is cheaper).
    const c = await enrol(w, { pricePaise: 150_000 });
    const cf = (await createOrder(w, c.studentId)).order!;
    expect(cf.provider).toBe('CASHFREE');
    await payAtCheckout(w, cf);
    await settled(w);
    const cfPaid = await orderStatus(w, cf.id);
    const cfRow = await w.world.platform.tenants.withTenant(w.a.id, (db) => db.payment.findUniqueOrThrow({ where: { id: cfPaid.payment!.id } }));
    expect(cfRow.reference).toMatch(/^\d{12}$/);
    expect(await pdfAt(cfPaid.payment!.receipt!.pdfUrl)).toContain(`Bank reference (UTR): ${cfRow.reference}`);
  });

  it('with a GSTIN: a tax invoice for the month begun, a receipt voucher for next month paid in advance, both for both; SAC, states by name, equal halves', async () => {
    await w.world.platform.core.tenant.update({ where: { id: w.a.id }, data: { gstin: '27ABCDE1234F1Z0', state: 'MH' } });
    try {
      // Two billing months from today: this month's due has begun, next month's has not.
      const nextStart = formatDate(addDays(new Date(`${monthEnd(today())}T00:00:00Z`), 1));
      const s = await enrol(w, { pricePaise: 150_000, endDate: monthEnd(nextStart) });
      const now = await record(s.studentId, 150_000);
      expect(now.receipt).toMatchObject({ taxablePaise: 127_118, cgstPaise: 11_441, sgstPaise: 11_441 });
      const invoice = await pdfAt(now.receipt.pdfUrl);
      expect(invoice).toMatch(/^Tax invoice\b/);
      expect(invoice).not.toContain('voucher');
      expect(invoice).toContain(`Invoice no. ${now.receipt.number}`);
      expect(invoice).toContain('GSTIN 27ABCDE1234F1Z0 State: Maharashtra (27)');
      expect(invoice).toContain('Place of supply: Maharashtra (27)');
      expect(invoice).toContain(`Seat fee ${today()} to ${monthEnd(today())} (SAC 997212): ₹1,500.00`);
      expect(invoice).toContain('Taxable value: ₹1,271.18');
      expect(invoice).toContain('CGST 9%: ₹114.41');
      expect(invoice).toContain('SGST 9%: ₹114.41');

      const advance = await record(s.studentId, 150_000);
      const voucher = await pdfAt(advance.receipt.pdfUrl);
      expect(voucher).toMatch(/^Receipt voucher\b/);
      expect(voucher).toContain(`Voucher no. ${advance.receipt.number}`);
      expect(voucher).toContain(`advance: the service begins ${nextStart}`);
      expect(voucher).toContain('rule 50 of the CGST Rules');

      // The day the paid-for month begins, the billing sweep issues its tax invoice: once, even
      // with two sweeps at once, in the library's invoice series, the voucher's tax carried over.
      const issue = (day: string) => w.world.platform.tenants.withTenant(w.a.id, (db) => issueSupplyInvoices(db, new Date(`${day}T00:00:00Z`)));
      expect(await issue(today())).toBe(0);
      const [one, two] = await Promise.all([issue(nextStart), issue(nextStart)]);
      expect(one + two).toBe(1);
      expect(await issue(nextStart)).toBe(0);
      const q = await gql(w.url(), 'query($p: ID!) { payment(id: $p) { receipt { supplyInvoices { number issuedOn amountPaise taxablePaise cgstPaise sgstPaise igstPaise due { periodStart } pdfUrl } } } }', { token: w.owner, variables: { p: advance.id } });
      const [inv] = (q.data!.payment as { receipt: { supplyInvoices: { number: string; issuedOn: string; pdfUrl: string }[] } }).receipt.supplyInvoices;
      expect(inv).toMatchObject({ issuedOn: nextStart, amountPaise: 150_000, taxablePaise: 127_118, cgstPaise: 11_441, sgstPaise: 11_441, igstPaise: 0, due: { periodStart: nextStart } });
      expect(inv!.number).toMatch(new RegExp(`^${advance.receipt.number.split('/')[0]}T/\\d{2}-\\d{2}/00001$`));
      const taxInvoice = await pdfAt(inv!.pdfUrl);
      expect(taxInvoice).toMatch(/^Tax invoice\b/);
      expect(taxInvoice).toContain(`Invoice no. ${inv!.number}`);
      expect(taxInvoice).toContain(`Date ${nextStart}`);
      expect(taxInvoice).toContain('(SAC 997212): ₹1,500.00');
      expect(taxInvoice).toContain('CGST 9%: ₹114.41');
      expect(taxInvoice).toContain(`Paid in advance against receipt voucher ${advance.receipt.number}`);
      // The month paid when it had begun needs no second invoice: its receipt was the tax invoice.
      const q2 = await gql(w.url(), 'query($p: ID!) { payment(id: $p) { receipt { supplyInvoices { number } } } }', { token: w.owner, variables: { p: now.id } });
      expect(q2.data).toEqual({ payment: { receipt: { supplyInvoices: [] } } });

      // Both months at once, with ₹100 more kept as advance: one document that is both.
      const both = await enrol(w, { pricePaise: 150_000, endDate: monthEnd(nextStart) });
      const p = await record(both.studentId, 310_000);
      const t = await pdfAt(p.receipt.pdfUrl);
      expect(t).toMatch(/^Tax invoice and receipt voucher\b/);
      expect(t).toContain('Kept as advance: ₹100.00');
      // Its advance part (next month's ₹1,500) is invoiced when next month begins; the ₹100 credit when it is spent on a fee.
      expect(await issue(nextStart)).toBe(1);
      expect(p.receipt.cgstPaise).toBe(p.receipt.sgstPaise);
      expect(p.receipt.taxablePaise + p.receipt.cgstPaise + p.receipt.sgstPaise).toBe(310_000);
    } finally {
      await w.world.platform.core.tenant.update({ where: { id: w.a.id }, data: { gstin: null, state: null } });
    }
  });
});

describe('platform invoices', () => {
  const view = {
    number: 'SS/26-27/000042',
    kind: 'SUBSCRIPTION',
    issuedOn: new Date('2026-12-01T00:00:00Z'),
    dueOn: new Date('2026-12-01T00:00:00Z'),
    status: 'OPEN',
    buyer: { name: 'Sunrise', legalName: 'Sunrise Study Centre LLP', gstin: '29AAGCB7383J1Z4', state: 'KA' },
    lines: [{ label: 'Pro plan, 1 Dec 2026 to 31 Dec 2026', amountPaise: 149_900 }],
    taxablePaise: 149_900,
    cgstPaise: 0,
    sgstPaise: 0,
    igstPaise: 26_982,
    totalPaise: 176_882,
    placeOfSupply: 'KA',
  };

  it('are tax invoices only from a supplier with a GSTIN, with SAC and states by name and code', async () => {
    const tax = await text(new Uint8Array(await invoicePdf({ ...view, seller: { name: 'StudySpot Technologies', gstin: '27AAPFU0939F1ZV', state: 'MH' } })));
    expect(tax).toMatch(/^Tax invoice\b/);
    expect(tax).toContain('GSTIN 27AAPFU0939F1ZV State: Maharashtra (27)');
    expect(tax).toContain('Place of supply: Karnataka (29)');
    expect(tax).toContain('Pro plan, 1 Dec 2026 to 31 Dec 2026 (SAC 997331): ₹1,499.00');
    expect(tax).toContain('IGST 18%: ₹269.82');
    expect(tax).toContain('Total: ₹1,768.82');
    const plain = await text(new Uint8Array(await invoicePdf({ ...view, seller: { name: 'StudySpot Technologies', gstin: null, state: 'MH' } })));
    expect(plain).toMatch(/^Invoice\b/);
    expect(plain).not.toContain('Tax invoice');
    expect(plain).toContain("Not a tax invoice: the supplier's GSTIN is not configured (PLATFORM_GSTIN)");
    const credits = await text(new Uint8Array(await invoicePdf({ ...view, kind: 'CREDITS', seller: { name: 'StudySpot', gstin: '27AAPFU0939F1ZV', state: 'MH' } })));
    expect(credits).toContain('(SAC 998419)');
  });
});
