// GST on a fee: the fee is GST-inclusive at 18%. When the tenant is registered (has a GSTIN) the
// receipt is also a GST document: within the tenant's own state CGST = SGST = 9/118 of the amount
// (rounded half up) and the taxable value is the rest; IGST otherwise (taxable = 100/118, rounded).
// The place of supply is the library's state (where the service is given).
import { taxIncluded } from '../shared/tax.ts';

export interface GstParty {
  gstin: string | null;
  state: string | null;
}

export function gstSplit(amountPaise: number, seller: GstParty, placeOfSupply: string | null) {
  const none = { taxablePaise: 0, cgstPaise: 0, sgstPaise: 0, igstPaise: 0, placeOfSupply: null as string | null };
  if (!seller.gstin) return none;
  const place = placeOfSupply ?? seller.state;
  return { ...none, ...taxIncluded(amountPaise, seller.state, place), placeOfSupply: place };
}
