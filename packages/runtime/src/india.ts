// What Indian documents need to say things the way an accountant expects: states by name with their
// GST state code, GSTINs checked (format, check digit, state code), phone numbers as +91 98765 43210,
// amounts as ₹1,500.00, and the SAC codes of what the product's tenants and the platform supply.

/** States and union territories: the two-letter code the API takes, the name, the GST state codes. */
const STATE_LIST: [abbr: string, name: string, codes: string[]][] = [
  ['JK', 'Jammu and Kashmir', ['01']],
  ['HP', 'Himachal Pradesh', ['02']],
  ['PB', 'Punjab', ['03']],
  ['CH', 'Chandigarh', ['04']],
  ['UT', 'Uttarakhand', ['05']],
  ['HR', 'Haryana', ['06']],
  ['DL', 'Delhi', ['07']],
  ['RJ', 'Rajasthan', ['08']],
  ['UP', 'Uttar Pradesh', ['09']],
  ['BR', 'Bihar', ['10']],
  ['SK', 'Sikkim', ['11']],
  ['AR', 'Arunachal Pradesh', ['12']],
  ['NL', 'Nagaland', ['13']],
  ['MN', 'Manipur', ['14']],
  ['MZ', 'Mizoram', ['15']],
  ['TR', 'Tripura', ['16']],
  ['ML', 'Meghalaya', ['17']],
  ['AS', 'Assam', ['18']],
  ['WB', 'West Bengal', ['19']],
  ['JH', 'Jharkhand', ['20']],
  ['OR', 'Odisha', ['21']],
  ['CT', 'Chhattisgarh', ['22']],
  ['MP', 'Madhya Pradesh', ['23']],
  ['GJ', 'Gujarat', ['24']],
  // Daman and Diu merged with Dadra and Nagar Haveli in 2020 (code 26); GSTINs issued under 25 stand.
  ['DD', 'Dadra and Nagar Haveli and Daman and Diu', ['26', '25']],
  ['DN', 'Dadra and Nagar Haveli and Daman and Diu', ['26']],
  ['MH', 'Maharashtra', ['27']],
  // Andhra Pradesh after the 2014 division is 37; 28 was the undivided state's.
  ['AP', 'Andhra Pradesh', ['37', '28']],
  ['KA', 'Karnataka', ['29']],
  ['GA', 'Goa', ['30']],
  ['LD', 'Lakshadweep', ['31']],
  ['KL', 'Kerala', ['32']],
  ['TN', 'Tamil Nadu', ['33']],
  ['PY', 'Puducherry', ['34']],
  ['AN', 'Andaman and Nicobar Islands', ['35']],
  ['TG', 'Telangana', ['36']],
  ['LA', 'Ladakh', ['38']],
];

export const INDIAN_STATES: ReadonlyMap<string, { name: string; codes: readonly string[] }> = new Map(STATE_LIST.map(([abbr, name, codes]) => [abbr, { name, codes }]));

/** "Maharashtra (27)" for "MH"; an unknown value is returned as it is. */
export function stateLabel(abbr: string | null | undefined): string | null {
  if (!abbr) return null;
  const s = INDIAN_STATES.get(abbr.toUpperCase());
  return s ? `${s.name} (${s.codes[0]})` : abbr;
}

const GSTIN_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const GSTIN_FORMAT = /^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/;

/** The 15th character of a GSTIN from its first 14 (GSTN's mod-36 scheme, weights 1 and 2). */
export function gstinCheckDigit(first14: string): string {
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const product = GSTIN_CHARS.indexOf(first14[i]!) * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return GSTIN_CHARS[(36 - (sum % 36)) % 36]!;
}

/**
 * Why a GSTIN cannot be right, or null: its shape (2-digit state code, PAN, entity number, Z, check
 * character), its check character, a state code that exists, and, when the state is known, that the
 * code is that state's.
 */
export function gstinProblem(gstin: string, state: string | null | undefined): string | null {
  if (!GSTIN_FORMAT.test(gstin)) return 'GSTIN must be 15 characters like 27AAPFU0939F1ZV: state code, PAN, entity number, Z, check character';
  const expected = gstinCheckDigit(gstin.slice(0, 14));
  if (gstin[14] !== expected) return `GSTIN's check character is wrong (${gstin[14]}; these 14 characters give ${expected}): a typing mistake?`;
  const code = gstin.slice(0, 2);
  const states = STATE_LIST.filter(([, , codes]) => codes.includes(code));
  if (states.length === 0) return `GSTIN starts with ${code}, which is no state's GST code`;
  if (state) {
    const s = INDIAN_STATES.get(state.toUpperCase());
    if (s && !s.codes.includes(code)) return `GSTIN starts with ${code} (${states[0]![1]}), but the state is ${s.name} (${s.codes[0]})`;
  }
  return null;
}

/** +91 98765 43210 for 919876543210, 9876543210 or +91-98765-43210; anything else as it is. */
export function formatIndianPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const ten = digits.length === 12 && digits.startsWith('91') ? digits.slice(2) : digits.length === 10 ? digits : null;
  return ten ? `+91 ${ten.slice(0, 5)} ${ten.slice(5)}` : phone;
}

/** ₹1,50,000.00: the rupee sign and Indian digit grouping, from integer paise. */
export function rupees(paise: number): string {
  const sign = paise < 0 ? '-' : '';
  return `${sign}₹${(Math.abs(paise) / 100).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/**
 * SAC (services accounting codes) printed on GST documents. A seat in a study space is the rental of
 * non-residential space; the platform's subscription is a licence to use software; SMS credits are
 * a telecommunications service. (Codes chosen from the GST rate schedule for services; a tenant's
 * accountant may read a centre's service differently: the code is one constant here.)
 */
export const SAC = {
  seat: { code: '997212', description: 'Rental of non-residential property (study seat)' },
  subscription: { code: '997331', description: 'Licensing of the right to use software' },
  smsCredits: { code: '998419', description: 'Other telecommunications services (SMS)' },
} as const;
