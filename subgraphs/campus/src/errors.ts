// Expected failures of campus mutations are data: payloads carry userErrors with a stable code.
export type CampusErrorCode =
  | 'INVALID_INPUT'
  | 'PLAN_LIMIT_REACHED'
  | 'NOT_FOUND'
  | 'SEAT_UNAVAILABLE'
  | 'DUPLICATE'
  | 'INVALID_STATE'
  | 'QR_INVALID'
  | 'QR_EXPIRED'
  | 'QR_REPLAYED'
  | 'NO_ACTIVE_ALLOCATION'
  | 'ALREADY_CHECKED_IN'
  | 'NOT_CHECKED_IN'
  | 'SHIFT_IN_USE'
  | 'LIBRARY_CLOSED';

export interface CampusUserError {
  code: CampusErrorCode;
  message: string;
  field?: string[];
}

export const campusError = (code: CampusErrorCode, message: string, ...field: string[]): CampusUserError => ({
  code,
  message,
  ...(field.length ? { field } : {}),
});

/** A payload that failed with one error. */
export const fail = (code: CampusErrorCode, message: string, ...field: string[]) => ({ userErrors: [campusError(code, message, ...field)] });

export const isUserError = (x: object): x is CampusUserError => 'code' in x && 'message' in x;
