import { describe, expect, it } from 'vitest';
import { formatIndianPhone, gstinCheckDigit, gstinProblem, INDIAN_STATES, rupees, stateLabel } from './india.ts';

describe('Indian formats', () => {
  it('computes GSTIN check characters as GSTN does (published GSTINs check out; one changed character does not)', () => {
    for (const valid of ['27AAPFU0939F1ZV', '29AAGCB7383J1Z4']) {
      expect(gstinCheckDigit(valid.slice(0, 14))).toBe(valid[14]);
      expect(gstinProblem(valid, null)).toBeNull();
    }
    expect(gstinProblem('27AAPFU0939F1ZX', 'MH')).toMatch(/check character is wrong \(X; these 14 characters give V\)/);
    expect(gstinProblem('27AAPFU0939F1ZV', 'KA')).toBe('GSTIN starts with 27 (Maharashtra), but the state is Karnataka (29)');
    expect(gstinProblem('27AAPFU0939F1ZV', 'MH')).toBeNull();
    expect(gstinProblem('27aapfu0939f1zv', 'MH')).toMatch(/must be 15 characters/);
    const noState = `99AAPFU0939F1Z`;
    expect(gstinProblem(noState + gstinCheckDigit(noState), null)).toBe("GSTIN starts with 99, which is no state's GST code");
  });

  it('names states with their GST codes, every code once per state', () => {
    expect(stateLabel('MH')).toBe('Maharashtra (27)');
    expect(stateLabel('ap')).toBe('Andhra Pradesh (37)');
    expect(stateLabel(null)).toBeNull();
    expect(INDIAN_STATES.size).toBe(37);
  });

  it('writes phones as +91 98765 43210 and money as ₹ with Indian grouping', () => {
    expect(['919876543210', '9876543210', '+91-98765-43210'].map(formatIndianPhone)).toEqual(Array(3).fill('+91 98765 43210'));
    expect(formatIndianPhone('12345')).toBe('12345');
    expect(rupees(15_000_000)).toBe('₹1,50,000.00');
    expect(rupees(-5)).toBe('-₹0.05');
  });
});
