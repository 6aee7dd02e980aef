import { describe, expect, it } from 'vitest';
import { mulDivRound, taxIncluded, taxOnTop } from './tax.ts';

describe('mulDivRound', () => {
  it('rounds half up in integers, without overflow', () => {
    expect(mulDivRound(118, 100, 118)).toBe(100);
    expect(mulDivRound(1, 1, 2)).toBe(1); // 0.5 → 1
    expect(mulDivRound(1, 1, 3)).toBe(0); // 0.33 → 0
    expect(mulDivRound(2, 1, 3)).toBe(1); // 0.67 → 1
    expect(mulDivRound(90_000, 100, 118)).toBe(76_271); // 76,271.19
    expect(mulDivRound(9_007_199_254_740, 1_000, 1_000)).toBe(9_007_199_254_740);
  });
});

describe('GST halves', () => {
  it('on top: CGST and SGST are each 9% of the taxable value (equal, adding up), IGST 18% across states or when a state is unknown', () => {
    expect(taxOnTop(76_272, 'MH', 'MH')).toEqual({ cgstPaise: 6_864, sgstPaise: 6_864, igstPaise: 0, totalPaise: 90_000 });
    expect(taxOnTop(76_272, 'MH', 'KA')).toEqual({ cgstPaise: 0, sgstPaise: 0, igstPaise: 13_729, totalPaise: 90_001 });
    expect(taxOnTop(76_272, null, 'MH')).toEqual({ cgstPaise: 0, sgstPaise: 0, igstPaise: 13_729, totalPaise: 90_001 });
    expect(taxOnTop(76_272, 'MH', null).igstPaise).toBe(13_729);
  });

  it('included: equal halves and taxable + tax = amount to the paisa, for every amount up to ₹1,000', () => {
    for (let amount = 1; amount <= 100_000; amount++) {
      const t = taxIncluded(amount, 'MH', 'MH');
      if (t.cgstPaise !== t.sgstPaise || t.taxablePaise + t.cgstPaise + t.sgstPaise !== amount) throw new Error(`${amount}: ${JSON.stringify(t)}`);
      // Each half is 9% of the taxable value to within a paisa.
      if (Math.abs(t.cgstPaise - (t.taxablePaise * 9) / 100) > 1) throw new Error(`${amount}: ${JSON.stringify(t)}`);
      const i = taxIncluded(amount, 'MH', 'KA');
      if (i.taxablePaise + i.igstPaise !== amount) throw new Error(`${amount} IGST: ${JSON.stringify(i)}`);
    }
    expect(taxIncluded(150_000, 'MH', 'MH')).toEqual({ taxablePaise: 127_118, cgstPaise: 11_441, sgstPaise: 11_441, igstPaise: 0 });
  });
});
