import { describe, expect, it } from 'vitest';
import { gatewayFee, paiseToRupees, rupeesToPaise } from './money.ts';

describe('money', () => {
  it("converts Cashfree's rupees with two decimals to paise exactly, every paisa of ₹0–₹2,000", () => {
    // Checked in a plain loop, one assertion on the misses: 400,000 expect() calls took over 5 s on a busy CI machine.
    const misses: number[] = [];
    for (let p = 0; p <= 200_000; p++) {
      if (rupeesToPaise(paiseToRupees(p)) !== p || rupeesToPaise((p / 100).toFixed(2)) !== p) misses.push(p);
    }
    expect(misses).toEqual([]);
    expect(rupeesToPaise('170.5')).toBe(17_050);
    expect(rupeesToPaise(170)).toBe(17_000);
    expect(() => rupeesToPaise('1.234')).toThrow();
    expect(() => rupeesToPaise(1550.005)).toThrow();
    expect(() => rupeesToPaise(1e21)).toThrow();
    expect(() => rupeesToPaise(Number.NaN)).toThrow();
  });

  it('charges percent (rounded up) plus fixed, with 18% GST on the fee', () => {
    const razorpay = { percentBp: 200, fixedPaise: 0 };
    const cashfree = { percentBp: 150, fixedPaise: 300 };
    expect(gatewayFee(150_000, razorpay)).toBe(3_540); // 3,000 + 540 GST
    expect(gatewayFee(150_000, cashfree)).toBe(3_009); // 2,250 + 300 = 2,550 + 459 GST
    // The seed's breakeven: ₹600, where 2% = 1.5% + ₹3.
    expect(gatewayFee(60_000, razorpay)).toBe(gatewayFee(60_000, cashfree));
    expect(gatewayFee(50_000, razorpay)).toBeLessThan(gatewayFee(50_000, cashfree));
    expect(gatewayFee(70_000, razorpay)).toBeGreaterThan(gatewayFee(70_000, cashfree));
    expect(gatewayFee(101, razorpay)).toBe(4); // ceil(2.02) = 3, + round(0.54) = 1
  });
});
