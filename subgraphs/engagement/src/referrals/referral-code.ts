// A student's referral code: the first 48 bits of their id in Crockford's base32 (10 characters,
// shown as two groups of five). Nothing is stored: the code is read off the id, and a code finds its
// student by a range of the students' primary key (campus port). 48 random bits of a UUID v4 make
// two students of one tenant sharing a code about 1 in 5 billion at 1,000 students; such a code is
// refused as unknown rather than guessed.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The code of a student id, e.g. 3KX9P-QM2TA. */
export function referralCodeOf(studentId: string): string {
  let n = BigInt(`0x${studentId.replace(/-/g, '').slice(0, 12)}`);
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[Number(n & 31n)]! + out;
    n >>= 5n;
  }
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}

/** The 12 hex digits a code stands for; null when it is not a code (any case, dashes and spaces ignored, O read as 0, I and L as 1). */
export function referralCodePrefix(code: string): string | null {
  const s = code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== 10) return null;
  let n = 0n;
  for (const ch of s) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    n = (n << 5n) | BigInt(v);
  }
  if (n >> 48n) return null;
  return n.toString(16).padStart(12, '0');
}
