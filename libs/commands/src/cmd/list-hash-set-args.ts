// Argument parsing shared by the list, hash and set commands, with Redis 7.0's exact error texts.
import { parseInt64, parseSafeInteger } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import { replyBulks } from './util';

export const LONG_MAX = 9223372036854775807n;
export const LONG_MIN = -9223372036854775808n;

/**
 * Redis's getRangeLongFromObjectOrReply: a signed 64-bit integer within [min, max]. When `msg` is
 * given it replaces both the "not an integer" and the "out of range" error, as in Redis. Values
 * beyond 2^53 saturate to ±MAX_SAFE_INTEGER (they only ever mean "huge" for counts and ranks).
 */
export function rangeLongArg(s: string, min: bigint, max: bigint, msg?: string): number {
  const small = parseSafeInteger(s);
  if (small !== null && small >= Number(min) && small <= Number(max)) return small;
  const v = small !== null ? BigInt(small) : parseInt64(s);
  if (v === null) fail(msg !== undefined ? `ERR ${msg}` : Err.notInteger);
  if (v < min || v > max) fail(msg !== undefined ? `ERR ${msg}` : `ERR value is out of range, value must between ${min} and ${max}`);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : v < BigInt(Number.MIN_SAFE_INTEGER) ? Number.MIN_SAFE_INTEGER : Number(v);
}

/** Redis's getPositiveLongFromObjectOrReply: 0 ..= LONG_MAX. */
export function positiveLongArg(s: string, msg = 'value is out of range, must be positive'): number {
  return rangeLongArg(s, 0n, LONG_MAX, msg);
}

/** Redis's string2ll test: is this member stored as an integer (intset membership)? */
export function isInt64String(s: string): boolean {
  return parseSafeInteger(s) !== null || parseInt64(s) !== null;
}

/**
 * Redis's parseScanCursorOrReply (strtoul): optional sign, decimal digits, no leading space, at most
 * 2^64-1; "-n" wraps around as in C. The empty string is cursor 0. Returned as a number: cursors
 * beyond 2^53 only mean "past every cursor we hand out".
 */
export function scanCursorArg(s: string): number {
  if (!/^[+-]?[0-9]*$/.test(s)) fail(Err.invalidCursor);
  const neg = s.startsWith('-');
  const digits = s.replace(/^[+-]/, '');
  if (digits === '') return 0;
  const v = BigInt(digits);
  if (v > 18446744073709551615n) fail(Err.invalidCursor);
  if (neg && v !== 0n) return Number.MAX_SAFE_INTEGER;
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** HSCAN/SSCAN options after the cursor (scanGenericCommand): MATCH pattern, COUNT n; last wins. */
export function scanOptions(argv: string[], from: number): { match: string | null; count: number } {
  let match: string | null = null;
  let count = 10;
  for (let i = from; i < argv.length; i += 2) {
    const opt = argv[i].toUpperCase();
    if (opt === 'COUNT' && i + 1 < argv.length) {
      count = rangeLongArg(argv[i + 1], LONG_MIN, LONG_MAX);
      if (count < 1) fail(Err.syntax);
    } else if (opt === 'MATCH' && i + 1 < argv.length) {
      match = argv[i + 1] === '*' ? null : argv[i + 1];
    } else fail(Err.syntax);
  }
  return { match, count };
}

/** The reply of HSCAN/SSCAN: [cursor, [items]]. */
export function replyScan(ctx: Ctx, next: number, items: string[]): void {
  ctx.out.array(2);
  ctx.out.bulk(String(next));
  replyBulks(ctx, items);
}

/** Key positions of LMPOP and SINTERCARD: numkeys at argv[1], then the keys; none if malformed. */
export function numkeysAt1(argv: string[]): number[] {
  const n = parseSafeInteger(argv[1] ?? '');
  if (n === null || n < 1 || 2 + n > argv.length) return [];
  return Array.from({ length: n }, (_, i) => 2 + i);
}
