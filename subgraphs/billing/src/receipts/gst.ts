// GST on a fee: the fee is GST-inclusive at 18%. When the tenant is registered (has a GSTIN) the
// receipt is also a tax invoice: taxable value = amount × 100/118 (rounded half up), tax = the rest;
// CGST + SGST (halves, the odd paisa to CGST) when the place of supply is in the tenant's own state,
// IGST otherwise. The place of supply is the library's state (where the service is given).
export interface GstParty {
  gstin: string | null;
  state: string | null;
}

export function gstSplit(amountPaise: number, seller: GstParty, placeOfSupply: string | null) {
  const none = { taxablePaise: 0, cgstPaise: 0, sgstPaise: 0, igstPaise: 0, placeOfSupply: null as string | null };
  if (!seller.gstin) return none;
  const taxablePaise = Math.floor((amountPaise * 100 * 2 + 118) / (118 * 2));
  const tax = amountPaise - taxablePaise;
  const place = placeOfSupply ?? seller.state;
  if (place && seller.state && place === seller.state) {
    const cgst = Math.ceil(tax / 2);
    return { ...none, taxablePaise, cgstPaise: cgst, sgstPaise: tax - cgst, placeOfSupply: place };
  }
  return { ...none, taxablePaise, igstPaise: tax, placeOfSupply: place };
}
