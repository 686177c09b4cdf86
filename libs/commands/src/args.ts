import { Err, fail } from './errors';

const MAX_LL = 9223372036854775807n;
const MIN_LL = -9223372036854775808n;

/**
 * Redis's string2ll: an optional '-', digits, no leading zeros (except "0"), no spaces or '+',
 * within a signed 64-bit range. Returns null when the string is not such an integer. Values
 * beyond 2^53 are returned as bigint only through parseInt64.
 */
export function parseSafeInteger(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45 /* - */) {
    if (n === 1) return null;
    neg = true;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48 /* 0 */) return n === i + 1 && !neg ? 0 : null;
  let v = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  if (v > Number.MAX_SAFE_INTEGER) return null;
  return neg ? -v : v;
}

/** A signed 64-bit integer per string2ll, as bigint; null when invalid or out of range. */
export function parseInt64(s: string): bigint | null {
  const small = parseSafeInteger(s);
  if (small !== null) return BigInt(small);
  if (!/^-?[1-9][0-9]{0,18}$/.test(s)) return null;
  const v = BigInt(s);
  return v > MAX_LL || v < MIN_LL ? null : v;
}

/** An integer argument that must fit a JS safe integer; replies the generic error otherwise. */
export function intArg(s: string, err: string = Err.notInteger): number {
  const v = parseSafeInteger(s);
  if (v === null) {
    // Within int64 but beyond 2^53: saturate (only used for ranges, counts and offsets, where
    // such values mean "very large" or "very small").
    const big = parseInt64(s);
    if (big === null) fail(err);
    return big > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  }
  return v;
}

/** Redis's strtod-based float parsing (string2ld / getDoubleFromObject): no spaces, no NaN. */
export function parseFloatStrict(s: string): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  const c0 = s.charCodeAt(0);
  const cl = s.charCodeAt(s.length - 1);
  if (c0 === 32 || cl === 32 || (c0 >= 9 && c0 <= 13) || (cl >= 9 && cl <= 13)) return null;
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)$/.test(s)) return null;
  const v = s.startsWith('0x') || s.startsWith('0X') ? parseInt(s, 16) : Number(s);
  return Number.isNaN(v) ? null : v;
}

export function floatArg(s: string, err: string = Err.notFloat): number {
  const v = parseFloatStrict(s);
  if (v === null) fail(err);
  return v;
}

/** Case-insensitive comparison of an argument with an ASCII keyword given in upper case. */
export function isKeyword(arg: string, upper: string): boolean {
  return arg.length === upper.length && arg.toUpperCase() === upper;
}
