import { parseInt64 } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import { bitfieldGeneric } from './bitfield';
import { bitOffsetArg } from './bitmaps-args';
import { commitBytes, popcount, popcountByte, writableBytes } from './bitstring';
import { getString, lookupTyped } from './util';

/** getLongLongFromObjectOrReply for range arguments; values beyond 2^53 saturate (only compared). */
function rangeArg(arg: string): number {
  const v = parseInt64(arg);
  if (v === null) fail(Err.notInteger);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : v < BigInt(Number.MIN_SAFE_INTEGER) ? Number.MIN_SAFE_INTEGER : Number(v);
}

function setbit(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const offset = bitOffsetArg(ctx, argv[2]);
  const on = parseInt64(argv[3]);
  if (on === null || (on !== 0n && on !== 1n)) fail(Err.bitArg);
  const entry = lookupTyped(ctx, key, 'string');
  const byte = Math.floor(offset / 8);
  const mask = 1 << (7 - (offset % 8));
  const cur = entry === undefined ? '' : (entry.value as string);
  const old = byte < cur.length ? (cur.charCodeAt(byte) & mask ? 1 : 0) : 0;
  // Redis writes (and notifies) only when the key is created or grown, or the bit changes.
  if (entry === undefined || byte >= cur.length || old !== Number(on)) {
    const { buf, len } = writableBytes(entry, byte + 1);
    buf[byte] = on ? buf[byte] | mask : buf[byte] & ~mask;
    commitBytes(ctx, key, entry, buf, len);
    ctx.notify('$', 'setbit', key);
  }
  ctx.out.integer(old);
}

function getbit(ctx: Ctx, argv: string[]): void {
  const offset = bitOffsetArg(ctx, argv[2]);
  const s = getString(ctx, argv[1]) ?? '';
  const byte = Math.floor(offset / 8);
  ctx.out.integer(byte < s.length && s.charCodeAt(byte) & (1 << (7 - (offset % 8))) ? 1 : 0);
}

/** The BYTE|BIT range of BITCOUNT and BITPOS, clamped; masks select the edge bits in BIT mode. */
interface Range {
  start: number;
  end: number;
  /** Bits of the first/last byte that are outside the range (BIT mode), else 0. */
  firstOutside: number;
  lastOutside: number;
}

function clampRange(start: number, end: number, len: number, isBit: boolean): Range {
  const total = isBit ? len * 8 : len;
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (isBit && start <= end) {
    const firstOutside = ~((1 << (8 - (start & 7))) - 1) & 0xff;
    const lastOutside = (1 << (7 - (end & 7))) - 1;
    return { start: Math.floor(start / 8), end: Math.floor(end / 8), firstOutside, lastOutside };
  }
  return { start, end, firstOutside: 0, lastOutside: 0 };
}

function unitArg(arg: string): boolean {
  const u = arg.toLowerCase();
  if (u === 'bit') return true;
  if (u !== 'byte') fail(Err.syntax);
  return false;
}

function bitcount(ctx: Ctx, argv: string[]): void {
  const s = getString(ctx, argv[1]);
  if (s === undefined) return ctx.out.integer(0); // checked before the arguments, as Redis
  let r: Range;
  if (argv.length === 4 || argv.length === 5) {
    const start = rangeArg(argv[2]);
    const end = rangeArg(argv[3]);
    if (start < 0 && end < 0 && start > end) return ctx.out.integer(0);
    const isBit = argv.length === 5 && unitArg(argv[4]);
    r = clampRange(start, end, s.length, isBit);
  } else if (argv.length === 2) {
    r = { start: 0, end: s.length - 1, firstOutside: 0, lastOutside: 0 };
  } else fail(Err.syntax);
  if (r.start > r.end) return ctx.out.integer(0);
  let count = popcount(s, r.start, r.end);
  count -= popcountByte(s.charCodeAt(r.start) & r.firstOutside);
  count -= popcountByte(s.charCodeAt(r.end) & r.lastOutside);
  ctx.out.integer(count);
}

function bitpos(ctx: Ctx, argv: string[]): void {
  const bitArg = parseInt64(argv[2]);
  if (bitArg === null) fail(Err.notInteger);
  if (bitArg !== 0n && bitArg !== 1n) fail(Err.bitArgMustBe01);
  const bit = Number(bitArg);
  const s = getString(ctx, argv[1]);
  if (s === undefined) return ctx.out.integer(bit ? -1 : 0);
  let r: Range;
  let endGiven = false;
  if (argv.length >= 4 && argv.length <= 6) {
    const start = rangeArg(argv[3]);
    const isBit = argv.length === 6 && unitArg(argv[5]);
    let end: number;
    if (argv.length >= 5) {
      end = rangeArg(argv[4]);
      endGiven = true;
    } else end = isBit ? s.length * 8 + 7 : s.length - 1;
    r = clampRange(start, end, s.length, isBit);
  } else if (argv.length === 3) {
    r = { start: 0, end: s.length - 1, firstOutside: 0, lastOutside: 0 };
  } else fail(Err.syntax);
  if (r.start > r.end) return ctx.out.integer(-1);
  // Bits outside the range are made to look like the opposite of what is searched for.
  const want = bit ? 0 : 0xff;
  for (let i = r.start; i <= r.end; i++) {
    let b = s.charCodeAt(i);
    let outside = 0;
    if (i === r.start) outside |= r.firstOutside;
    if (i === r.end) outside |= r.lastOutside;
    b = bit ? b & ~outside : b | outside;
    if (b === want) continue;
    for (let k = 7; k >= 0; k--) if (((b >> k) & 1) === bit) return ctx.out.integer(i * 8 + (7 - k));
  }
  // No clear bit: past the end counts as zeros, unless the caller gave an explicit end.
  if (bit === 1 || endGiven) return ctx.out.integer(-1);
  ctx.out.integer((r.end + 1) * 8);
}

function bitop(ctx: Ctx, argv: string[]): void {
  const op = argv[1].toLowerCase();
  if (op !== 'and' && op !== 'or' && op !== 'xor' && op !== 'not') fail(Err.syntax);
  if (op === 'not' && argv.length !== 4) fail(Err.bitopNot);
  const sources: Buffer[] = [];
  let maxLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const s = getString(ctx, argv[j]) ?? '';
    sources.push(Buffer.from(s, 'latin1'));
    maxLen = Math.max(maxLen, s.length);
  }
  const dest = argv[2];
  if (maxLen === 0) {
    if (ctx.db.delete(dest)) ctx.notify('g', 'del', dest);
    return ctx.out.integer(0);
  }
  const out = Buffer.alloc(maxLen);
  const first = sources[0];
  out.set(first);
  if (op === 'not') for (let i = 0; i < maxLen; i++) out[i] = ~out[i] & 0xff;
  for (let k = 1; k < sources.length; k++) {
    const src = sources[k];
    if (op === 'and') {
      for (let i = 0; i < maxLen; i++) out[i] &= i < src.length ? src[i] : 0;
    } else if (op === 'or') {
      for (let i = 0; i < src.length; i++) out[i] |= src[i];
    } else {
      for (let i = 0; i < src.length; i++) out[i] ^= src[i];
    }
  }
  ctx.db.set(dest, out.toString('latin1'));
  ctx.notify('$', 'set', dest);
  ctx.out.integer(maxLen);
}

const K1 = { first: 1, last: 1, step: 1 };

function def(
  name: string,
  arity: number,
  flags: CommandDef['flags'],
  handler: CommandDef['handler'],
  summary: string,
  since: string,
  keys: CommandDef['keys'] = K1,
  complexity = 'O(1)',
): CommandDef {
  return { name, arity, flags, keys, acl: ['bitmap'], group: 'bitmap', since, summary, complexity, handler };
}

export const bitmapCommands: CommandDef[] = [
  def('setbit', 4, ['write', 'denyoom'], setbit, 'Sets or clears the bit at offset of the string value. Creates the key if it doesn\'t exist.', '2.2.0'),
  def('getbit', 3, ['readonly', 'fast'], getbit, 'Returns a bit value by offset.', '2.2.0'),
  def('bitcount', -2, ['readonly'], bitcount, 'Counts the number of set bits (population counting) in a string.', '2.6.0', K1, 'O(N)'),
  def('bitpos', -3, ['readonly'], bitpos, 'Finds the first set (1) or clear (0) bit in a string.', '2.8.7', K1, 'O(N)'),
  def('bitop', -4, ['write', 'denyoom'], bitop, 'Performs bitwise operations on multiple strings, and stores the result.', '2.6.0', { first: 2, last: -1, step: 1 }, 'O(N)'),
  def('bitfield', -2, ['write', 'denyoom'], (c, a) => bitfieldGeneric(c, a, false), 'Performs arbitrary bitfield integer operations on strings.', '3.2.0', K1, 'O(1) for each subcommand specified'),
  def('bitfield_ro', -2, ['readonly', 'fast'], (c, a) => bitfieldGeneric(c, a, true), 'Performs arbitrary read-only bitfield integer operations on strings.', '6.0.0', K1, 'O(1) for each subcommand specified'),
];
