// Free text people type (a ticket's subject and body, a reply): trimmed, required, bounded, and
// never holding control characters — one rule for the help desk and the support queue.
import { engagementError, type EngagementUserError } from '../errors.ts';

// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The trimmed text, or the user error for the field at `field` (its last part names it). */
export function checkedText(value: string, field: string[], max: number): string | EngagementUserError {
  const v = value.trim();
  if (!v) return engagementError('INVALID_INPUT', `${field.at(-1)} is required`, ...field);
  if (v.length > max) return engagementError('INVALID_INPUT', `${field.at(-1)} is at most ${max} characters`, ...field);
  if (CONTROL.test(v)) return engagementError('INVALID_INPUT', `${field.at(-1)} holds control characters`, ...field);
  return v;
}
