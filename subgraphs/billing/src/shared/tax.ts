// The arithmetic every money rule shares: integer division rounded half up (no floating point on
// money), and the split of GST between the centre and the states.

/** a × b ÷ c rounded half up, in integers (BigInt inside, so no product overflows). */
export function mulDivRound(a: number, b: number, c: number): number {
  const n = BigInt(a) * BigInt(b) * 2n + BigInt(c);
  return Number(n / (2n * BigInt(c)));
}

/**
 * GST of `tax` paise: CGST + SGST (halves, the odd paisa to CGST) when the place of supply is the
 * seller's state, IGST otherwise (also when either state is unknown). Callers decide the place.
 */
export function splitTax(tax: number, sellerState: string | null, placeOfSupply: string | null): { cgstPaise: number; sgstPaise: number; igstPaise: number } {
  if (placeOfSupply !== null && sellerState !== null && placeOfSupply === sellerState) {
    const cgst = Math.ceil(tax / 2);
    return { cgstPaise: cgst, sgstPaise: tax - cgst, igstPaise: 0 };
  }
  return { cgstPaise: 0, sgstPaise: 0, igstPaise: tax };
}
