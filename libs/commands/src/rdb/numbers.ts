/** Number formatting and parsing as Redis's util.c does it, for the values the codec stores. */

const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

/**
 * Redis's string2ll: the string is a canonical signed 64-bit integer ("-0", "+1", "01", " 1"
 * are not). Returns the value or null.
 */
export function canonicalInt64(s: string): bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1 ? 0n : null;
  for (let k = i; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return null;
  }
  if (n - i < 16) return BigInt(Number(s));
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

/** Redis's d2string: how a sorted-set score is written into a listpack. */
export function formatScore(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (v > -4503599627370495 && v < 4503599627370496 && Number.isInteger(v)) return String(v);
  return formatG17(v);
}

/** printf("%.17g"): 17 significant digits, trailing zeros removed, exponent form outside 1e-4..1e17. */
export function formatG17(v: number): string {
  const [mantissa, expText] = v.toExponential(16).split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 17) {
    const m = stripZeros(mantissa);
    const e = Math.abs(exp);
    return `${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return stripZeros(v.toFixed(16 - exp));
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

const STRTOD_PREFIX = /^[ \t\n\v\f\r]*[+-]?(?:inf(?:inity)?|nan|0x[0-9a-f]+|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)/i;

/**
 * strtod as Redis's zzlStrtod uses it on a score stored as a string: the longest valid prefix,
 * 0 when there is none.
 */
export function strtod(s: string): number {
  const m = STRTOD_PREFIX.exec(s);
  if (m === null) return 0;
  const t = m[0].trim().toLowerCase();
  const neg = t.startsWith('-');
  const body = t.replace(/^[+-]/, '');
  let v: number;
  if (body.startsWith('inf')) v = Infinity;
  else if (body === 'nan') v = NaN;
  else if (body.startsWith('0x')) v = parseInt(body.slice(2), 16);
  else v = Number(body);
  return neg ? -v : v;
}
