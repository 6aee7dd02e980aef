// Expected failures of communications mutations are data: payloads carry userErrors whose code is the
// SDL's CommunicationsErrorCode (base.graphql). PREFERENCE_OFF is internal: a student who turned SMS off
// is reported per recipient (notifyUsers' notTexted, a campaign's skipped recipients), never as a
// mutation's userError.
export type CommunicationsErrorCode = 'INVALID_INPUT' | 'NOT_FOUND' | 'DUPLICATE' | 'TEMPLATE_NOT_APPROVED' | 'CONSENT_REQUIRED' | 'INSUFFICIENT_CREDITS';
export type SendRefusal = CommunicationsErrorCode | 'PREFERENCE_OFF';

export interface CommunicationsUserError<C extends string = CommunicationsErrorCode> {
  code: C;
  message: string;
  field?: string[];
}

export const commsError = <C extends string = CommunicationsErrorCode>(code: C, message: string, ...field: string[]): CommunicationsUserError<C> => ({
  code,
  message,
  ...(field.length ? { field } : {}),
});

/** A payload that failed with one error. */
export const fail = <C extends string = CommunicationsErrorCode>(code: C, message: string, ...field: string[]) => ({ userErrors: [commsError(code, message, ...field)] });
