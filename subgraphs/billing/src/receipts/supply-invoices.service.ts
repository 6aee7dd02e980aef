// Tax invoices for advances. GST asks for a receipt voucher when money for a service not yet
// supplied is received (the receipt issued then says so, receipt.pdf.ts) and a tax invoice when the
// service is supplied. The billing sweep (jobs/sweeper.ts) issues one per voucher and due on the day
// the due's period begins: the same amount, its tax worked out as on the voucher (already paid with
// the voucher, so nothing more is owed), numbered in the library's invoice series. Running twice, or
// in two processes at once, issues each invoice once (unique per voucher and due).
import { constraintViolation } from '@studyspot/runtime';
import { taxIncluded } from '../shared/tax.ts';
import { inTransaction } from '../shared/transactions.repository.ts';
import type { TenantPrisma } from '@studyspot/db';
import { nextSupplyInvoiceNumber } from './numbers.repository.ts';
import { advancesReached, createSupplyInvoice } from './supply-invoices.repository.ts';

export async function issueSupplyInvoices(db: TenantPrisma, day: Date): Promise<number> {
  let issued = 0;
  for (const a of await advancesReached(db, day)) {
    // The voucher's split decides the invoice's: CGST + SGST within the state, IGST across.
    const tax = taxIncluded(a.amountPaise, a.placeOfSupply, a.interState ? null : a.placeOfSupply);
    try {
      await inTransaction(db, async (tx) => {
        const n = await nextSupplyInvoiceNumber(tx, a.libraryId, day);
        await createSupplyInvoice(tx, { receiptId: a.receiptId, dueId: a.dueId, ...n, issuedOn: day, amountPaise: a.amountPaise, ...tax, gstin: a.gstin, placeOfSupply: a.placeOfSupply });
      });
      issued++;
    } catch (err) {
      // Another sweep issued it first: its number stands, this transaction gave its number back.
      if (constraintViolation(err)?.kind !== 'unique') throw err;
    }
  }
  return issued;
}
