import { describe, expect, it } from 'vitest';
import { gstSplit } from './gst.ts';

describe('GST on receipts', () => {
  it('splits an 18%-inclusive fee into taxable value and CGST + SGST within the state', () => {
    // ₹1,500.00 inclusive: each half 9/118 of it = 11,440.68 → 11,441 paise; taxable 1,27,118 (its 9% is 11,440.62 → 11,441).
    expect(gstSplit(150_000, { gstin: '27ABCDE1234F1Z0', state: 'MH' }, 'MH')).toEqual({ taxablePaise: 127_118, cgstPaise: 11_441, sgstPaise: 11_441, igstPaise: 0, placeOfSupply: 'MH' });
  });

  it('charges IGST across states', () => {
    expect(gstSplit(150_000, { gstin: '27ABCDE1234F1Z0', state: 'MH' }, 'KA')).toEqual({ taxablePaise: 127_119, cgstPaise: 0, sgstPaise: 0, igstPaise: 22_881, placeOfSupply: 'KA' });
  });

  it('issues a plain receipt without a GSTIN', () => {
    expect(gstSplit(150_000, { gstin: null, state: 'MH' }, 'MH')).toEqual({ taxablePaise: 0, cgstPaise: 0, sgstPaise: 0, igstPaise: 0, placeOfSupply: null });
  });

  it('always adds up to the amount', () => {
    for (const amount of [1, 99, 118, 100_001, 123_457]) {
      const t = gstSplit(amount, { gstin: 'X', state: 'MH' }, 'MH');
      expect(t.taxablePaise + t.cgstPaise + t.sgstPaise + t.igstPaise).toBe(amount);
    }
  });
});
