// The arithmetic every money rule shares: integer division rounded half up (no floating point on
// money), and the split of GST between the centre and the states.

/** a × b ÷ c rounded half up, in integers (BigInt inside, so no product overflows). */
export function mulDivRound(a: number, b: number, c: number): number {
  const n = BigInt(a) * BigInt(b) * 2n + BigInt(c);
  return Number(n / (2n * BigInt(c)));
}

/** CGST + SGST when the place of supply is the seller's state; IGST otherwise (or when either is unknown). */
const withinState = (sellerState: string | null, placeOfSupply: string | null) => placeOfSupply !== null && sellerState !== null && placeOfSupply === sellerState;

/**
 * 18% GST on top of a taxable value. Within the state CGST and SGST are each 9% of the taxable value,
 * rounded half up, so the two halves are always equal and add up to the tax; across states IGST 18%.
 */
export function taxOnTop(taxablePaise: number, sellerState: string | null, placeOfSupply: string | null): { cgstPaise: number; sgstPaise: number; igstPaise: number; totalPaise: number } {
  if (withinState(sellerState, placeOfSupply)) {
    const half = mulDivRound(taxablePaise, 9, 100);
    return { cgstPaise: half, sgstPaise: half, igstPaise: 0, totalPaise: taxablePaise + 2 * half };
  }
  const igst = mulDivRound(taxablePaise, 18, 100);
  return { cgstPaise: 0, sgstPaise: 0, igstPaise: igst, totalPaise: taxablePaise + igst };
}

/**
 * An amount that includes 18% GST, split into its taxable value and tax. Within the state each half
 * is 9/118 of the amount rounded half up and the taxable value is the rest, so CGST = SGST and
 * taxable + CGST + SGST = amount to the paisa; across states taxable = 100/118 rounded, IGST the rest.
 */
export function taxIncluded(amountPaise: number, sellerState: string | null, placeOfSupply: string | null): { taxablePaise: number; cgstPaise: number; sgstPaise: number; igstPaise: number } {
  if (withinState(sellerState, placeOfSupply)) {
    const half = mulDivRound(amountPaise, 9, 118);
    return { taxablePaise: amountPaise - 2 * half, cgstPaise: half, sgstPaise: half, igstPaise: 0 };
  }
  const taxablePaise = mulDivRound(amountPaise, 100, 118);
  return { taxablePaise, cgstPaise: 0, sgstPaise: 0, igstPaise: amountPaise - taxablePaise };
}
