// Expected failures of billing mutations are data: payloads carry userErrors with a stable code.
export type BillingErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'INVALID_STATE'
  | 'NOTHING_TO_PAY'
  | 'NO_GATEWAY'
  | 'PAYMENT_GATEWAY_UNAVAILABLE'
  | 'GATEWAY_REJECTED'
  | 'SIGNATURE_INVALID'
  | 'PAYMENT_NOT_CAPTURED'
  | 'AMOUNT_TOO_LARGE';

export interface BillingUserError {
  code: BillingErrorCode;
  message: string;
  field?: string[];
}

/** A payload that failed with one error. */
export const fail = (code: BillingErrorCode, message: string, ...field: string[]) => ({ userErrors: [{ code, message, ...(field.length ? { field } : {}) }] as BillingUserError[] });
