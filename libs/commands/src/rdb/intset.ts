/**
 * Intsets (Redis's intset.c): a sorted array of unique integers, all of one width. Layout:
 * width in bytes (u32 LE: 2, 4 or 8), count (u32 LE), the values little-endian, ascending.
 */
import { ByteWriter, corrupt } from './bytes';

export function parseIntset(blob: Buffer): string[] {
  if (blob.length < 8) corrupt('intset too short');
  const width = blob.readUInt32LE(0);
  if (width !== 2 && width !== 4 && width !== 8) corrupt('intset width invalid');
  const count = blob.readUInt32LE(4);
  if (count === 0 || 8 + count * width !== blob.length) corrupt('intset size mismatch');
  const out: string[] = new Array(count);
  let prev: bigint | null = null;
  for (let i = 0; i < count; i++) {
    const at = 8 + i * width;
    const v = width === 8 ? blob.readBigInt64LE(at) : BigInt(blob.readIntLE(at, width));
    if (prev !== null && v <= prev) corrupt('intset not sorted');
    prev = v;
    out[i] = v.toString();
  }
  return out;
}

/** An intset of members known to be canonical 64-bit integers. */
export function writeIntset(members: Iterable<string>): Buffer {
  const values = [...members].map((m) => BigInt(m)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of values) {
    if (v < -2147483648n || v > 2147483647n) width = 8;
    else if ((v < -32768n || v > 32767n) && width < 4) width = 4;
  }
  const w = new ByteWriter(8 + values.length * width);
  w.u32le(width);
  w.u32le(values.length);
  for (const v of values) {
    if (width === 8) w.i64le(v);
    else if (width === 4) w.u32le(Number(v));
    else w.u16le(Number(v) & 0xffff);
  }
  return Buffer.from(w.result());
}
