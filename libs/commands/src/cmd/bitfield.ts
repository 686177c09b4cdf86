import { parseInt64 } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import { bitOffsetArg } from './bitmaps-args';
import { commitBytes, writableBytes } from './bitstring';
import { lookupTyped } from './util';

type Overflow = 'wrap' | 'sat' | 'fail';

interface BitfieldOp {
  kind: 'get' | 'set' | 'incrby';
  offset: number;
  bits: number;
  signed: boolean;
  value: bigint;
  overflow: Overflow;
}

/** getBitfieldTypeFromArgument: i1..i64, u1..u63 (lower case only, as Redis). */
function typeArg(arg: string): { signed: boolean; bits: number } {
  const signed = arg[0] === 'i';
  if (!signed && arg[0] !== 'u') fail(Err.bitfieldType);
  const bits = parseInt64(arg.slice(1).split('\0')[0]);
  if (bits === null || bits < 1n || (signed && bits > 64n) || (!signed && bits > 63n)) fail(Err.bitfieldType);
  return { signed, bits: Number(bits) };
}

type ByteAt = (i: number) => number;

function readBits(byteAt: ByteAt, offset: number, bits: number, signed: boolean): bigint {
  let v = 0n;
  for (let j = 0; j < bits; j++) {
    const o = offset + j;
    const bit = (byteAt(Math.floor(o / 8)) >> (7 - (o % 8))) & 1;
    v = (v << 1n) | BigInt(bit);
  }
  return signed ? BigInt.asIntN(bits, v) : v;
}

function writeBits(buf: Buffer, offset: number, bits: number, value: bigint): void {
  const u = BigInt.asUintN(bits, value);
  for (let j = 0; j < bits; j++) {
    const o = offset + j;
    const bit = Number((u >> BigInt(bits - 1 - j)) & 1n);
    const byte = Math.floor(o / 8);
    const mask = 1 << (7 - (o % 8));
    buf[byte] = bit ? buf[byte] | mask : buf[byte] & ~mask;
  }
}

/**
 * checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow: the value to store for
 * old + incr, or null when the result overflows under FAIL.
 */
function applyOverflow(sum: bigint, bits: number, signed: boolean, overflow: Overflow): bigint | null {
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  if (sum >= min && sum <= max) return sum;
  if (overflow === 'fail') return null;
  if (overflow === 'sat') return sum > max ? max : min;
  return signed ? BigInt.asIntN(bits, sum) : BigInt.asUintN(bits, sum);
}

/** BITFIELD and BITFIELD_RO (bitfieldGeneric): every operation is parsed before any runs. */
export function bitfieldGeneric(ctx: Ctx, argv: string[], readonlyCommand: boolean): void {
  const ops: BitfieldOp[] = [];
  let overflow: Overflow = 'wrap';
  let readonly = true;
  let highestWrite = -1;
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const sub = argv[j].toLowerCase();
    let kind: BitfieldOp['kind'];
    if (sub === 'get' && remaining >= 2) kind = 'get';
    else if (sub === 'set' && remaining >= 3) kind = 'set';
    else if (sub === 'incrby' && remaining >= 3) kind = 'incrby';
    else if (sub === 'overflow' && remaining >= 1) {
      const name = argv[++j].toLowerCase();
      if (name === 'wrap' || name === 'sat' || name === 'fail') overflow = name;
      else fail(Err.bitfieldOverflow);
      continue;
    } else fail(Err.syntax);
    const { signed, bits } = typeArg(argv[j + 1]);
    const offset = bitOffsetArg(ctx, argv[j + 2], bits);
    let value = 0n;
    if (kind !== 'get') {
      readonly = false;
      highestWrite = Math.max(highestWrite, offset + bits - 1);
      const v = parseInt64(argv[j + 3]);
      if (v === null) fail(Err.notInteger);
      value = v;
    }
    ops.push({ kind, offset, bits, signed, value, overflow });
    j += kind === 'get' ? 2 : 3;
  }
  const key = argv[1];
  if (readonly) {
    const e = lookupTyped(ctx, key, 'string');
    const s = e === undefined ? '' : (e.value as string);
    const byteAt: ByteAt = (i) => (i < s.length ? s.charCodeAt(i) : 0);
    ctx.out.array(ops.length);
    for (const op of ops) ctx.out.integer(toReply(readBits(byteAt, op.offset, op.bits, op.signed)));
    return;
  }
  if (readonlyCommand) fail(Err.bitfieldRo);
  const entry = lookupTyped(ctx, key, 'string');
  const { buf, len } = writableBytes(entry, (highestWrite >> 3) + 1);
  const byteAt: ByteAt = (i) => (i < len ? buf[i] : 0);
  ctx.out.array(ops.length);
  let changes = 0;
  for (const op of ops) {
    const old = readBits(byteAt, op.offset, op.bits, op.signed);
    if (op.kind === 'get') {
      ctx.out.integer(toReply(old));
      continue;
    }
    changes++;
    // SET stores the value given (converted to the field's signedness first, as the C casts do).
    const target = op.kind === 'incrby' ? old + op.value : op.signed ? op.value : BigInt.asUintN(64, op.value);
    const stored = applyOverflow(target, op.bits, op.signed, op.overflow);
    if (stored === null) {
      ctx.out.nullBulk();
      continue;
    }
    writeBits(buf, op.offset, op.bits, stored);
    ctx.out.integer(toReply(op.kind === 'incrby' ? stored : old));
  }
  if (changes > 0 || entry === undefined || len > (entry.value as string).length) {
    commitBytes(ctx, key, entry, buf, len);
  }
  if (changes > 0) ctx.notify('$', 'setbit', key);
}

function toReply(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
