// Expected failures of identity mutations are data: payloads carry userErrors with a stable code.
import type { UserError } from '@studyspot/runtime';
import type { IdentityErrorCode } from './generated/resolvers.ts';

export type { IdentityErrorCode };

/** Identity's user errors also say when to try again (rate limits, lockouts). */
export interface IdentityUserError extends UserError<IdentityErrorCode> {
  retryAfterSeconds?: number;
}

export const userError = (code: IdentityErrorCode, message: string, field?: string, retryAfterSeconds?: number): IdentityUserError => ({
  code,
  message,
  ...(field ? { field: ['input', field] } : {}),
  ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
});

export const failed = <T extends object>(error: IdentityUserError, extra?: T) => ({ ...(extra ?? {}), userErrors: [error] });
