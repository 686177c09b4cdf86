/**
 * Redis 7.0 does INCRBYFLOAT and HINCRBYFLOAT in C `long double` (x87 80-bit: a 64-bit mantissa)
 * and prints the result with ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros and dot
 * removed. The extra 11 bits are why 10.5 + 0.1 prints as 10.6 there, and 0.1 + 0.2 as 0.3.
 * This module emulates that arithmetic exactly with BigInt: parse (strtold through string2ld),
 * add (round to nearest even at 64 bits), format.
 *
 * Simplification: values below the smallest normal long double (about 3.4e-4932) keep a full
 * 64-bit mantissa instead of losing precision as subnormals; they print as 0 either way.
 */
export type LongDouble =
  | { readonly kind: 'finite'; readonly negative: boolean; readonly mant: bigint; readonly exp: number }
  | { readonly kind: 'inf'; readonly negative: boolean }
  | { readonly kind: 'nan' };

const MANT_BITS = 64;
/** Largest binary exponent: finite values are below 2^16384. */
const MAX_BIN_EXP = 16384;
/** Decimal magnitudes strtold cannot represent: overflow above 1.19e4932, underflow to 0 below 3.6e-4951. */
const MAX_DEC_EXP = 4933;
const MIN_DEC_EXP = -4952;
/** string2ld refuses strings of MAX_LONG_DOUBLE_CHARS (5 KiB) or more. */
const MAX_CHARS = 5 * 1024;

const ZERO: LongDouble = { kind: 'finite', negative: false, mant: 0n, exp: 0 };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** negative * n * 2^exp rounded to a 64-bit mantissa, ties to even; infinity past the range. */
function round(negative: boolean, n: bigint, exp: number): LongDouble {
  if (n === 0n) return { kind: 'finite', negative, mant: 0n, exp: 0 };
  const bits = bitLength(n);
  if (bits > MANT_BITS) {
    const shift = bits - MANT_BITS;
    let q = n >> BigInt(shift);
    const rem = n - (q << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    n = q;
    exp += shift;
  }
  if (exp + bitLength(n) > MAX_BIN_EXP) return { kind: 'inf', negative };
  return { kind: 'finite', negative, mant: n, exp };
}

/**
 * The long double nearest to digits * 10^decExp (digits a non-negative integer), or null when
 * strtold would report ERANGE with an infinite or zero result.
 */
function fromDecimal(negative: boolean, digits: bigint, decExp: number): LongDouble | null {
  if (digits === 0n) return { kind: 'finite', negative, mant: 0n, exp: 0 };
  const magnitude = decExp + digits.toString().length;
  if (magnitude > MAX_DEC_EXP) return null;
  if (magnitude < MIN_DEC_EXP) return null;
  if (decExp >= 0) {
    const r = round(negative, digits * 10n ** BigInt(decExp), 0);
    return r.kind === 'inf' ? null : r;
  }
  // digits / 10^-decExp: scale the numerator so the quotient has 66+ bits, then round once
  // with the remainder folded in as a sticky bit.
  const den = 10n ** BigInt(-decExp);
  const shift = Math.max(0, MANT_BITS + 2 + bitLength(den) - bitLength(digits));
  const num = digits << BigInt(shift);
  const q = num / den;
  const sticky = num - q * den === 0n ? 0n : 1n;
  const r = round(negative, (q << 1n) | sticky, -shift - 1);
  return r.kind === 'inf' ? null : r;
}

/** value * 2^binExp from a hex float's digits (strtold accepts 0x1.8p3). */
function fromBinary(negative: boolean, value: bigint, binExp: number): LongDouble | null {
  if (value === 0n) return { kind: 'finite', negative, mant: 0n, exp: 0 };
  const top = binExp + bitLength(value);
  if (top > MAX_BIN_EXP) return null;
  if (top < -16445) return null;
  return round(negative, value, binExp);
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)(?:inf|infinity)$/i;
const NAN = /^[+-]?nan(?:\([0-9A-Za-z_]*\))?$/i;

/**
 * Redis's string2ld: the whole string must be a strtold number (decimal, hex float, inf), with
 * no leading blank; NaN and out-of-range values are refused (null).
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_CHARS) return null;
  let m = DECIMAL.exec(s);
  if (m !== null) {
    const intPart = m[2];
    const fracPart = m[3] ?? '';
    if (intPart.length === 0 && fracPart.length === 0) return null;
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    if (!Number.isSafeInteger(exp)) return null;
    const digits = BigInt((intPart + fracPart).replace(/^0+(?=\d)/, '') || '0');
    return fromDecimal(m[1] === '-', digits, exp - fracPart.length);
  }
  m = HEX.exec(s);
  if (m !== null) {
    const intPart = m[2];
    const fracPart = m[3] ?? '';
    // strtold reads "0x" without digits as the number 0 followed by "x": not a whole number.
    if (intPart.length === 0 && fracPart.length === 0) return null;
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    if (!Number.isSafeInteger(exp)) return null;
    const value = BigInt('0x' + (intPart + fracPart || '0'));
    return fromBinary(m[1] === '-', value, exp - 4 * fracPart.length);
  }
  m = INFINITY.exec(s);
  if (m !== null) return { kind: 'inf', negative: m[1] === '-' };
  if (NAN.test(s)) return null;
  return null;
}

/** a + b in long double arithmetic. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (a.kind === 'inf' && b.kind === 'inf' && a.negative !== b.negative) return { kind: 'nan' };
    return a.kind === 'inf' ? a : b;
  }
  if (a.mant === 0n) return b.mant === 0n ? ZERO : b;
  if (b.mant === 0n) return a;
  const exp = Math.min(a.exp, b.exp);
  const av = a.mant << BigInt(a.exp - exp);
  const bv = b.mant << BigInt(b.exp - exp);
  const sum = (a.negative ? -av : av) + (b.negative ? -bv : bv);
  return sum < 0n ? round(true, -sum, exp) : round(false, sum, exp);
}

/** True for a value INCRBYFLOAT may store (not NaN, not infinite). */
export function isFiniteLongDouble(v: LongDouble): boolean {
  return v.kind === 'finite';
}

/** ld2string(LD_STR_HUMAN): "%.17Lf", trailing zeros and dot removed, "-0" printed as "0". */
export function formatLongDoubleValue(v: LongDouble): string {
  if (v.kind === 'inf') return v.negative ? '-inf' : 'inf';
  if (v.kind === 'nan') return 'nan';
  let scaled: bigint;
  if (v.exp >= 0) {
    scaled = (v.mant << BigInt(v.exp)) * 10n ** 17n;
  } else {
    const shift = BigInt(-v.exp);
    const n = v.mant * 10n ** 17n;
    scaled = n >> shift;
    const rem = n - (scaled << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (scaled & 1n) === 1n)) scaled += 1n;
  }
  let digits = scaled.toString().padStart(18, '0');
  let intPart = digits.slice(0, digits.length - 17);
  let frac = digits.slice(digits.length - 17);
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  digits = frac.length > 0 ? `${intPart}.${frac}` : intPart;
  if (digits === '0') return '0';
  intPart = v.negative ? '-' : '';
  return intPart + digits;
}

/**
 * The text Redis 7.0 stores and replies for INCRBYFLOAT/HINCRBYFLOAT of `current` by
 * `increment` (both as the client or the stored value spells them): 'not-float' when either is
 * not a valid float ("ERR value is not a valid float"), 'nan-or-inf' when the sum is NaN or
 * infinite ("ERR increment would produce NaN or Infinity").
 */
export function incrByFloat(current: string, increment: string): string | 'not-float' | 'nan-or-inf' {
  const a = parseLongDouble(current);
  const b = parseLongDouble(increment);
  if (a === null || b === null) return 'not-float';
  const sum = addLongDouble(a, b);
  if (!isFiniteLongDouble(sum)) return 'nan-or-inf';
  return formatLongDoubleValue(sum);
}

/**
 * ld2string(LD_STR_HUMAN) for a value only known as a double: the long double Redis would hold
 * for the decimal the double stands for (its shortest round-trip text), so 10.6 prints "10.6"
 * and 1e300 prints the 301 digits Redis prints. A sum computed in doubles can still differ from
 * Redis's long double sum (0.1 + 0.2 is 0.30000000000000004 here, 0.3 in Redis): use
 * incrByFloat for INCRBYFLOAT.
 */
export function formatLongDouble(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isSafeInteger(d)) return Object.is(d, -0) ? '0' : String(d);
  const v = parseLongDouble(String(d));
  return v === null ? '0' : formatLongDoubleValue(v);
}
