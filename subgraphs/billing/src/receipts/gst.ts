// GST on a fee: the fee is GST-inclusive at 18%. When the tenant is registered (has a GSTIN) the
// receipt is also a tax invoice: taxable value = amount × 100/118 (rounded half up), tax = the rest;
// CGST + SGST (halves, the odd paisa to CGST) when the place of supply is in the tenant's own state,
// IGST otherwise. The place of supply is the library's state (where the service is given).
import { mulDivRound, splitTax } from '../shared/tax.ts';

export interface GstParty {
  gstin: string | null;
  state: string | null;
}

export function gstSplit(amountPaise: number, seller: GstParty, placeOfSupply: string | null) {
  const none = { taxablePaise: 0, cgstPaise: 0, sgstPaise: 0, igstPaise: 0, placeOfSupply: null as string | null };
  if (!seller.gstin) return none;
  const taxablePaise = mulDivRound(amountPaise, 100, 118);
  const place = placeOfSupply ?? seller.state;
  return { ...none, taxablePaise, ...splitTax(amountPaise - taxablePaise, seller.state, place), placeOfSupply: place };
}
