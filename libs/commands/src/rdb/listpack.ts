/**
 * Listpacks (Redis's listpack.c): the blob behind small hashes, sorted sets and list nodes.
 * Layout: total bytes (u32 LE), element count (u16 LE, 65535 = unknown), entries, 0xFF. An entry
 * is an encoding byte (7/13/16/24/32/64-bit integers or 6/12/32-bit string lengths), its data,
 * and a backward length so the list can be walked from the tail.
 */
import { ByteWriter, corrupt } from './bytes';
import { canonicalInt64 } from './numbers';

const HEADER_SIZE = 6;
const EOF_BYTE = 0xff;
const UNKNOWN_COUNT = 65535;

function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** The elements of a listpack, integers rendered in decimal as Redis returns them. */
export function parseListpack(lp: Buffer): string[] {
  if (lp.length < HEADER_SIZE + 1) corrupt('listpack too short');
  if (lp.readUInt32LE(0) !== lp.length) corrupt('listpack size mismatch');
  if (lp[lp.length - 1] !== EOF_BYTE) corrupt('listpack without terminator');
  const declared = lp.readUInt16LE(4);
  const out: string[] = [];
  const end = lp.length - 1;
  let p = HEADER_SIZE;
  while (p < end) {
    const start = p;
    const b = lp[p];
    let value: string;
    let entryLen: number;
    if (b < 0x80) {
      value = String(b);
      entryLen = 1;
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      entryLen = 1 + len;
      if (p + entryLen > end) corrupt('listpack string beyond end');
      value = lp.toString('latin1', p + 1, p + 1 + len);
    } else if ((b & 0xe0) === 0xc0) {
      if (p + 2 > end) corrupt('listpack int beyond end');
      const u = ((b & 0x1f) << 8) | lp[p + 1];
      value = String(u >= 1 << 12 ? u - (1 << 13) : u);
      entryLen = 2;
    } else if ((b & 0xf0) === 0xe0) {
      if (p + 2 > end) corrupt('listpack string beyond end');
      const len = ((b & 0x0f) << 8) | lp[p + 1];
      entryLen = 2 + len;
      if (p + entryLen > end) corrupt('listpack string beyond end');
      value = lp.toString('latin1', p + 2, p + 2 + len);
    } else {
      const intBytes = b === 0xf1 ? 2 : b === 0xf2 ? 3 : b === 0xf3 ? 4 : b === 0xf4 ? 8 : 0;
      if (b === 0xf0) {
        if (p + 5 > end) corrupt('listpack string beyond end');
        const len = lp.readUInt32LE(p + 1);
        entryLen = 5 + len;
        if (p + entryLen > end) corrupt('listpack string beyond end');
        value = lp.toString('latin1', p + 5, p + 5 + len);
      } else if (intBytes > 0) {
        entryLen = 1 + intBytes;
        if (p + entryLen > end) corrupt('listpack int beyond end');
        value =
          intBytes === 8 ? lp.readBigInt64LE(p + 1).toString() : String(lp.readIntLE(p + 1, intBytes));
      } else {
        corrupt('invalid listpack encoding');
      }
    }
    p += entryLen;
    const blen = backlenSize(entryLen);
    if (p + blen > end) corrupt('listpack backlen beyond end');
    // The backlen is read right to left, 7 bits per byte, high bit = more bytes to the left.
    let decoded = 0;
    for (let k = 0; k < blen; k++) {
      const byte = lp[p + blen - 1 - k];
      decoded += (byte & 127) * 2 ** (7 * k);
      const more = (byte & 128) !== 0;
      if (more !== k < blen - 1) corrupt('listpack backlen malformed');
    }
    if (decoded !== entryLen) corrupt('listpack backlen mismatch');
    p += blen;
    out.push(value);
    if (p <= start) corrupt('listpack loop');
  }
  if (declared !== UNKNOWN_COUNT && declared !== out.length) corrupt('listpack count mismatch');
  return out;
}

/** Builds a listpack as lpAppend does: strings that are canonical integers become integers. */
export class ListpackWriter {
  private readonly w = new ByteWriter(256);
  private count = 0;

  constructor() {
    this.w.u32le(0);
    this.w.u16le(0);
  }

  /** Bytes of the finished listpack so far (header and terminator included). */
  get size(): number {
    return this.w.length + 1;
  }

  get length(): number {
    return this.count;
  }

  append(s: string): void {
    const start = this.w.length;
    const asInt = s.length <= 20 ? canonicalInt64(s) : null;
    if (asInt !== null) this.writeInt(asInt);
    else this.writeString(s);
    const entryLen = this.w.length - start;
    writeBacklen(this.w, entryLen);
    this.count++;
  }

  private writeInt(v: bigint): void {
    const w = this.w;
    if (v >= 0n && v <= 127n) {
      w.u8(Number(v));
    } else if (v >= -4096n && v <= 4095n) {
      const n = Number(v < 0n ? (1n << 13n) + v : v);
      w.u8((n >> 8) | 0xc0);
      w.u8(n & 0xff);
    } else if (v >= -32768n && v <= 32767n) {
      w.u8(0xf1);
      w.u16le(Number(v) & 0xffff);
    } else if (v >= -8388608n && v <= 8388607n) {
      const n = Number(v) & 0xffffff;
      w.u8(0xf2);
      w.u8(n & 0xff);
      w.u8((n >> 8) & 0xff);
      w.u8((n >> 16) & 0xff);
    } else if (v >= -2147483648n && v <= 2147483647n) {
      w.u8(0xf3);
      w.u32le(Number(v));
    } else {
      w.u8(0xf4);
      w.i64le(v);
    }
  }

  private writeString(s: string): void {
    const w = this.w;
    const len = s.length;
    if (len < 64) {
      w.u8(0x80 | len);
    } else if (len < 4096) {
      w.u8(0xe0 | (len >> 8));
      w.u8(len & 0xff);
    } else {
      w.u8(0xf0);
      w.u32le(len);
    }
    w.latin1(s);
  }

  finish(): Buffer {
    this.w.u8(EOF_BYTE);
    this.w.patchU32le(0, this.w.length);
    this.w.patchU16le(4, this.count < UNKNOWN_COUNT ? this.count : UNKNOWN_COUNT);
    return Buffer.from(this.w.result());
  }
}

function writeBacklen(w: ByteWriter, l: number): void {
  const n = backlenSize(l);
  // Most significant group first; every byte but the first carries the "more" bit.
  for (let k = n - 1; k >= 0; k--) {
    const group = Math.floor(l / 2 ** (7 * k)) & 127;
    w.u8(k === n - 1 ? group : group | 128);
  }
}
