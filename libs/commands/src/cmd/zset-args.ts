/**
 * Argument parsing of the sorted-set commands, reproducing the C functions Redis 7.0 uses:
 * strtod (through getDoubleFromObject and zslParseRange), zslParseLexRange, strtoul for cursors.
 */
import { intArg, parseInt64 } from '../args';
import { Err, fail } from '../errors';
import type { ZSetNode } from '../types/zset';

/** C isspace() in the "C" locale. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

interface Strtod {
  value: number;
  /** Index after the parsed number; 0 when nothing was converted (strtod's endptr = nptr). */
  end: number;
  /** errno ERANGE with a result of ±HUGE_VAL or zero: the cases getDoubleFromObject rejects. */
  outOfRange: boolean;
}

/** glibc strtod: leading spaces, sign, decimal or hex (with binary exponent), inf, infinity, nan. */
export function strtod(s: string): Strtod {
  const none: Strtod = { value: 0, end: 0, outOfRange: false };
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  const signStart = i;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  const rest = s.slice(i, i + 8).toLowerCase();
  if (rest.startsWith('inf')) {
    const len = rest === 'infinity' ? 8 : 3;
    return { value: negative ? -Infinity : Infinity, end: i + len, outOfRange: false };
  }
  if (rest.startsWith('nan')) {
    let end = i + 3;
    if (s[end] === '(') {
      const close = s.indexOf(')', end);
      if (close > 0 && /^[0-9A-Za-z_]*$/.test(s.slice(end + 1, close))) end = close + 1;
    }
    return { value: NaN, end, outOfRange: false };
  }
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X')) {
    const hex = parseHexFloat(s, i + 2);
    // "0x" without hex digits converts the "0" alone.
    if (hex === null) return { value: negative ? -0 : 0, end: i + 1, outOfRange: false };
    const value = negative ? -hex.value : hex.value;
    return { value, end: hex.end, outOfRange: !Number.isFinite(value) };
  }
  let j = i;
  let digits = 0;
  let nonZeroDigit = false;
  while (isDigit(s.charCodeAt(j))) {
    if (s[j] !== '0') nonZeroDigit = true;
    j++;
    digits++;
  }
  if (s[j] === '.') {
    j++;
    while (isDigit(s.charCodeAt(j))) {
      if (s[j] !== '0') nonZeroDigit = true;
      j++;
      digits++;
    }
  }
  if (digits === 0) return none;
  if (s[j] === 'e' || s[j] === 'E') {
    let k = j + 1;
    if (s[k] === '+' || s[k] === '-') k++;
    if (isDigit(s.charCodeAt(k))) {
      while (isDigit(s.charCodeAt(k))) k++;
      j = k;
    }
  }
  const value = Number(s.slice(signStart, j));
  const outOfRange = !Number.isFinite(value) || (value === 0 && nonZeroDigit);
  return { value, end: j, outOfRange };
}

function parseHexFloat(s: string, start: number): { value: number; end: number } | null {
  let j = start;
  let mantissa = 0;
  let exponent = 0;
  let digits = 0;
  while (isHexDigit(s.charCodeAt(j))) {
    mantissa = mantissa * 16 + parseInt(s[j++], 16);
    digits++;
  }
  if (s[j] === '.') {
    j++;
    while (isHexDigit(s.charCodeAt(j))) {
      mantissa = mantissa * 16 + parseInt(s[j++], 16);
      exponent -= 4;
      digits++;
    }
  }
  if (digits === 0) return null;
  if (s[j] === 'p' || s[j] === 'P') {
    let k = j + 1;
    let expNegative = false;
    if (s[k] === '+' || s[k] === '-') expNegative = s[k++] === '-';
    if (isDigit(s.charCodeAt(k))) {
      let e = 0;
      while (isDigit(s.charCodeAt(k))) e = Math.min(e * 10 + (s.charCodeAt(k++) - 48), 100000);
      exponent += expNegative ? -e : e;
      j = k;
    }
  }
  return { value: mantissa * Math.pow(2, exponent), end: j };
}

/** Redis's getDoubleFromObject: the whole string, no leading space, no NaN, no overflow. */
export function parseDouble(s: string): number | null {
  if (s.length === 0 || isSpace(s.charCodeAt(0))) return null;
  const r = strtod(s);
  if (r.end !== s.length || r.outOfRange || Number.isNaN(r.value)) return null;
  return r.value;
}

export function doubleArg(s: string, err: string = Err.notFloat): number {
  const v = parseDouble(s);
  if (v === null) fail(err);
  return v;
}

/** A score interval, as zrangespec. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** One end of zslParseRange: "(x" is exclusive; strtod must stop at the end or at a NUL byte. */
function parseScoreBound(arg: string): { value: number; ex: boolean } | null {
  const ex = arg[0] === '(';
  const text = ex ? arg.slice(1) : arg;
  const r = strtod(text);
  const stop = text.charCodeAt(r.end);
  if ((r.end !== text.length && stop !== 0) || Number.isNaN(r.value)) return null;
  return { value: r.value, ex };
}

export function parseScoreRange(minArg: string, maxArg: string): ScoreRange {
  const min = parseScoreBound(minArg);
  const max = parseScoreBound(maxArg);
  if (min === null || max === null) fail(Err.minMaxNotFloat);
  return { min: min.value, max: max.value, minex: min.ex, maxex: max.ex };
}

export function scoreGteMin(score: number, r: ScoreRange): boolean {
  return r.minex ? score > r.min : score >= r.min;
}

export function scoreLteMax(score: number, r: ScoreRange): boolean {
  return r.maxex ? score < r.max : score <= r.max;
}

/** zslIsInRange's test for ranges that are empty whatever the set holds. */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/** Redis's shared.minstring / shared.maxstring: below and above every member. */
export const LEX_MIN: unique symbol = Symbol('-');
export const LEX_MAX: unique symbol = Symbol('+');
export type LexValue = string | typeof LEX_MIN | typeof LEX_MAX;

export interface LexRange {
  min: LexValue;
  max: LexValue;
  minex: boolean;
  maxex: boolean;
}

/** sdscmplex */
export function compareLex(a: LexValue, b: LexValue): number {
  if (a === b) return 0;
  if (a === LEX_MIN || b === LEX_MAX) return -1;
  if (a === LEX_MAX || b === LEX_MIN) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseLexBound(arg: string): { value: LexValue; ex: boolean } | null {
  // C sees the argument as NUL-terminated: "+" followed by a NUL byte is still "+".
  const alone = arg.length === 1 || arg.charCodeAt(1) === 0;
  switch (arg[0]) {
    case '+':
      return alone ? { value: LEX_MAX, ex: true } : null;
    case '-':
      return alone ? { value: LEX_MIN, ex: true } : null;
    case '(':
      return { value: arg.slice(1), ex: true };
    case '[':
      return { value: arg.slice(1), ex: false };
    default:
      return null;
  }
}

export function parseLexRange(minArg: string, maxArg: string): LexRange {
  const min = parseLexBound(minArg);
  const max = parseLexBound(maxArg);
  if (min === null || max === null) fail(Err.minMaxNotValidString);
  return { min: min.value, max: max.value, minex: min.ex, maxex: max.ex };
}

export function lexGteMin(member: string, r: LexRange): boolean {
  const c = compareLex(member, r.min);
  return r.minex ? c > 0 : c >= 0;
}

export function lexLteMax(member: string, r: LexRange): boolean {
  const c = compareLex(member, r.max);
  return r.maxex ? c < 0 : c <= 0;
}

export function lexRangeEmpty(r: LexRange): boolean {
  const c = compareLex(r.min, r.max);
  return c > 0 || (c === 0 && (r.minex || r.maxex));
}

/** A score or lex interval with its membership tests, so range walks are written once. */
export interface RangeTest {
  empty: boolean;
  gteMin(n: ZSetNode): boolean;
  lteMax(n: ZSetNode): boolean;
}

export function scoreTest(r: ScoreRange): RangeTest {
  return { empty: scoreRangeEmpty(r), gteMin: (n) => scoreGteMin(n.score, r), lteMax: (n) => scoreLteMax(n.score, r) };
}

export function lexTest(r: LexRange): RangeTest {
  return { empty: lexRangeEmpty(r), gteMin: (n) => lexGteMin(n.member, r), lteMax: (n) => lexLteMax(n.member, r) };
}

/** getLongFromObjectOrReply, optionally with the command's own error text. */
export function longArg(s: string, err: string = Err.notInteger): number {
  return intArg(s, err);
}

/** getPositiveLongFromObjectOrReply: >= 0, "value is out of range, must be positive" by default. */
export function nonNegativeLongArg(s: string, err: string = Err.notPositive): number {
  const v = intArg(s, err);
  if (v < 0) fail(err);
  return v;
}

/** getRangeLongFromObjectOrReply(1, LONG_MAX) with a message that serves both failures. */
export function positiveLongArg(s: string, err: string): number {
  const v = intArg(s, err);
  if (v < 1) fail(err);
  return v;
}

/** parseScanCursorOrReply: strtoul over the whole argument, no leading space. */
export function parseScanCursor(s: string): number {
  if (s.length > 0 && isSpace(s.charCodeAt(0))) fail(Err.invalidCursor);
  if (s.length === 0) return 0;
  if (!/^[+-]?[0-9]+$/.test(s)) fail(Err.invalidCursor);
  const digits = s[0] === '+' || s[0] === '-' ? s.slice(1) : s;
  const v = BigInt(digits);
  if (v > 0xffffffffffffffffn) fail(Err.invalidCursor);
  // strtoul negates in unsigned arithmetic: "-1" is ULONG_MAX, far beyond any rank.
  const u = s[0] === '-' && v !== 0n ? (1n << 64n) - v : v;
  return u > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(u);
}

/** Used by ZRANDMEMBER, whose count must lie in [-LONG_MAX, LONG_MAX]. */
export function int64Arg(s: string): bigint {
  const v = parseInt64(s);
  if (v === null) fail(Err.notInteger);
  return v;
}
