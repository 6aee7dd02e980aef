import { describe, expect, it } from 'vitest';
import { mulDivRound, splitTax } from './tax.ts';

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

describe('splitTax', () => {
  it('halves within the seller state (odd paisa to CGST), IGST across states or when a state is unknown', () => {
    expect(splitTax(13_729, 'MH', 'MH')).toEqual({ cgstPaise: 6_865, sgstPaise: 6_864, igstPaise: 0 });
    expect(splitTax(13_729, 'MH', 'KA')).toEqual({ cgstPaise: 0, sgstPaise: 0, igstPaise: 13_729 });
    expect(splitTax(13_729, null, 'MH')).toEqual({ cgstPaise: 0, sgstPaise: 0, igstPaise: 13_729 });
    expect(splitTax(13_729, 'MH', null)).toEqual({ cgstPaise: 0, sgstPaise: 0, igstPaise: 13_729 });
  });
});
