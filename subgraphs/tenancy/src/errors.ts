// Expected failures of tenancy mutations are data: payloads carry userErrors whose code is the SDL's
// TenancyErrorCode (base.graphql).
export type TenancyErrorCode = 'SLUG_TAKEN' | 'EMAIL_TAKEN' | 'INVALID_INPUT' | 'INVALID_STATE' | 'GRACE_PERIOD' | 'PROVISIONING_FAILED' | 'NOT_FOUND' | 'TEST_CLOCKS_DISABLED' | 'CLOCK_BUSY';

export interface TenancyUserError {
  code: TenancyErrorCode;
  message: string;
  field?: string[];
}

/** A user error; `field` is the path under the mutation's arguments (e.g. 'input', 'owner', 'email'). */
export const tenancyError = (code: TenancyErrorCode, message: string, ...field: string[]): TenancyUserError => ({ code, message, ...(field.length ? { field } : {}) });

export const isUserError = (x: object): x is TenancyUserError => 'code' in x && 'message' in x;
