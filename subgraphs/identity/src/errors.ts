// Expected failures of identity mutations are data: payloads carry userErrors with a stable code.
export type IdentityErrorCode =
  | 'INVALID_CREDENTIALS'
  | 'ACCOUNT_LOCKED'
  | 'RATE_LIMITED'
  | 'ACCOUNT_DISABLED'
  | 'TENANT_SUSPENDED'
  | 'OTP_INVALID'
  | 'OTP_EXPIRED'
  | 'OTP_TOO_MANY_ATTEMPTS'
  | 'INVALID_REFRESH_TOKEN'
  | 'REFRESH_TOKEN_REUSED'
  | 'WEAK_PASSWORD'
  | 'EMAIL_TAKEN'
  | 'PHONE_TAKEN'
  | 'INVALID_INPUT'
  | 'NOT_ALLOWED'
  | 'PLAN_LIMIT_REACHED'
  | 'NOT_FOUND';

export interface IdentityUserError {
  code: IdentityErrorCode;
  message: string;
  field?: string[];
  retryAfterSeconds?: number;
}

export const userError = (code: IdentityErrorCode, message: string, field?: string, retryAfterSeconds?: number): IdentityUserError => ({
  code,
  message,
  ...(field ? { field: ['input', field] } : {}),
  ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
});

export const failed = <T extends object>(error: IdentityUserError, extra?: T) => ({ ...(extra ?? {}), userErrors: [error] });
