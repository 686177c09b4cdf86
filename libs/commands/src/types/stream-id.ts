/**
 * Stream entry IDs. Redis's ID is two unsigned 64-bit numbers (ms, seq); here it is one bigint
 * `ms * 2^64 + seq`, so ordering, equality, increment and decrement are single bigint operations
 * and an ID is a valid Map key.
 */
import { parseInt64 } from '../args';
import { fail } from '../errors';

export type StreamId = bigint;

const U64 = 18446744073709551615n;
export const ID_ZERO: StreamId = 0n;
/** 18446744073709551615-18446744073709551615, the largest ID ("+"). */
export const ID_MAX: StreamId = (U64 << 64n) | U64;

export const ERR_INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';

export function makeId(ms: bigint, seq: bigint): StreamId {
  return (ms << 64n) | seq;
}

export function idMs(id: StreamId): bigint {
  return id >> 64n;
}

export function idSeq(id: StreamId): bigint {
  return id & U64;
}

export function formatId(id: StreamId): string {
  return `${id >> 64n}-${id & U64}`;
}

/**
 * Redis's string2ull: string2ll when that accepts the text (negative is invalid), else strtoull,
 * which also takes leading white space, a sign (a '-' negates modulo 2^64) and leading zeros, but
 * nothing after the digits and nothing beyond 2^64-1.
 */
function string2ull(s: string): bigint | null {
  const ll = parseInt64(s);
  if (ll !== null) return ll < 0n ? null : ll;
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
  if (m === null) return null;
  const v = BigInt(m[2]);
  if (v > U64) return null;
  return m[1] === '-' ? (U64 + 1n - v) & U64 : v;
}

export interface ParsedId {
  id: StreamId;
  /** false for XADD's `<ms>-*` form (the sequence is to be generated). */
  seqGiven: boolean;
}

/**
 * streamGenericParseIDOrReply: `-`, `+` (unless strict), `<ms>` (seq = missingSeq), `<ms>-<seq>`
 * and, when allowed (XADD), `<ms>-*`. Returns null when invalid.
 */
export function tryParseId(s: string, missingSeq: bigint, strict: boolean, allowSeqStar = false): ParsedId | null {
  if (s.length > 127) return null;
  if (s === '-') return strict ? null : { id: ID_ZERO, seqGiven: true };
  if (s === '+') return strict ? null : { id: ID_MAX, seqGiven: true };
  // C strings end at NUL: what follows one is never looked at.
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  const dash = s.indexOf('-');
  const ms = string2ull(dash < 0 ? s : s.slice(0, dash));
  if (ms === null) return null;
  if (dash < 0) return { id: makeId(ms, missingSeq), seqGiven: true };
  const seqText = s.slice(dash + 1);
  if (allowSeqStar && seqText === '*') return { id: makeId(ms, 0n), seqGiven: false };
  const seq = string2ull(seqText);
  if (seq === null) return null;
  return { id: makeId(ms, seq), seqGiven: true };
}

/** A strict ID (no `-`/`+`) or the invalid-ID error. */
export function parseStrictId(s: string, missingSeq = 0n): StreamId {
  const p = tryParseId(s, missingSeq, true);
  if (p === null) fail(ERR_INVALID_ID);
  return p.id;
}

/** An ID where `-` and `+` are allowed, or the invalid-ID error. */
export function parseId(s: string, missingSeq = 0n): StreamId {
  const p = tryParseId(s, missingSeq, false);
  if (p === null) fail(ERR_INVALID_ID);
  return p.id;
}

/**
 * A range bound (XRANGE, XPENDING, XAUTOCLAIM): `(id` is exclusive and then strict; the result is
 * made inclusive by stepping one ID (Redis's streamIncrID/streamDecrID), with its errors.
 */
export function parseRangeStart(s: string): StreamId {
  if (s.length > 1 && s[0] === '(') {
    const id = parseStrictId(s.slice(1), 0n);
    if (id === ID_MAX) fail('ERR invalid start ID for the interval');
    return id + 1n;
  }
  return parseId(s, 0n);
}

export function parseRangeEnd(s: string): StreamId {
  if (s.length > 1 && s[0] === '(') {
    const id = parseStrictId(s.slice(1), U64);
    if (id === ID_ZERO) fail('ERR invalid end ID for the interval');
    return id - 1n;
  }
  return parseId(s, U64);
}
