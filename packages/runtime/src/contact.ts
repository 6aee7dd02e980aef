// Contact details as StudySpot stores them: Indian mobile numbers as 12 digits with the country code
// (919812345678, as MSG91 wants them) and emails checked for shape only (delivery proves the rest).

/** Normalizes "+91 98123 45678", "09812345678" or "9812345678" to 919812345678; null if not a mobile number. */
export function normalizeIndianMobile(input: string): string | null {
  let digits = input.replace(/[\s\-().]/g, '');
  if (digits.startsWith('+')) digits = digits.slice(1);
  if (!/^\d+$/.test(digits)) return null;
  if (digits.length === 11 && digits.startsWith('0')) digits = digits.slice(1);
  if (digits.length === 10) digits = `91${digits}`;
  return /^91[6-9]\d{9}$/.test(digits) ? digits : null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether a (trimmed, lower-cased) string looks like an email address. */
export function isEmail(s: string): boolean {
  return EMAIL.test(s);
}
