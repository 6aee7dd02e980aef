// Money at the edges: everything inside StudySpot is integer paise. Cashfree speaks rupees with two
// decimals; fees are a percentage (basis points) plus a fixed part, with 18% GST on the fee.

/**
 * "170.29", 170.29 or "170" rupees → 17029 paise, exactly (no floating-point multiplication). A
 * number is read as JavaScript writes it, so 170.295 is refused like "170.295", never rounded.
 */
export function rupeesToPaise(v: number | string): number {
  const s = typeof v === 'number' ? String(v) : v.trim();
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) throw new Error(`not a rupee amount: ${String(v)}`);
  const paise = Number(m[2]) * 100 + Number((m[3] ?? '0').padEnd(2, '0'));
  return m[1] ? -paise : paise;
}

/** 17029 paise → 170.29 (a number the Cashfree SDK sends as rupees). */
export const paiseToRupees = (paise: number) => Number((paise / 100).toFixed(2));

export const GST_PERCENT = 18;

export interface FeeRule {
  percentBp: number;
  fixedPaise: number;
}

/**
 * What a gateway charges on `amountPaise`: percent (rounded up to the paisa, as gateways do) plus the
 * fixed part, then 18% GST on that fee (rounded half up).
 */
export function gatewayFee(amountPaise: number, rule: FeeRule): number {
  const fee = Math.ceil((amountPaise * rule.percentBp) / 10_000) + rule.fixedPaise;
  return fee + Math.round((fee * GST_PERCENT) / 100);
}
