/**
 * Ziplists (Redis's ziplist.c), read only: RDB files and DUMP payloads from Redis before 7.0 hold
 * lists, hashes and sorted sets in them. Layout: total bytes (u32 LE), offset of the last entry
 * (u32 LE), count (u16 LE, 65535 = unknown), entries, 0xFF. An entry is the previous entry's
 * length (1 byte, or 0xFE + u32 LE), an encoding, and the data.
 */
import { corrupt } from './bytes';

const HEADER_SIZE = 10;
const END = 0xff;

export function parseZiplist(zl: Buffer): string[] {
  if (zl.length < HEADER_SIZE + 1) corrupt('ziplist too short');
  if (zl.readUInt32LE(0) !== zl.length) corrupt('ziplist size mismatch');
  if (zl[zl.length - 1] !== END) corrupt('ziplist without terminator');
  const tail = zl.readUInt32LE(4);
  const declared = zl.readUInt16LE(8);
  const end = zl.length - 1;
  const out: string[] = [];
  let p = HEADER_SIZE;
  let prevLen = 0;
  let last = HEADER_SIZE;
  while (p < end) {
    const start = p;
    let storedPrev = zl[p++];
    if (storedPrev === 0xfe) {
      if (p + 4 > end) corrupt('ziplist prevlen beyond end');
      storedPrev = zl.readUInt32LE(p);
      p += 4;
    } else if (storedPrev === END) {
      corrupt('ziplist prevlen invalid');
    }
    if (storedPrev !== prevLen) corrupt('ziplist prevlen mismatch');
    if (p >= end) corrupt('ziplist entry beyond end');
    const enc = zl[p++];
    let value: string;
    const top = enc >> 6;
    if (top === 0 || top === 1 || top === 2) {
      let len: number;
      if (top === 0) len = enc & 0x3f;
      else if (top === 1) {
        if (p + 1 > end) corrupt('ziplist length beyond end');
        len = ((enc & 0x3f) << 8) | zl[p++];
      } else {
        if (enc !== 0x80 || p + 4 > end) corrupt('ziplist string encoding invalid');
        len = zl.readUInt32BE(p);
        p += 4;
      }
      if (p + len > end) corrupt('ziplist string beyond end');
      value = zl.toString('latin1', p, p + len);
      p += len;
    } else {
      const size = enc === 0xc0 ? 2 : enc === 0xd0 ? 4 : enc === 0xe0 ? 8 : enc === 0xf0 ? 3 : enc === 0xfe ? 1 : 0;
      if (size > 0) {
        if (p + size > end) corrupt('ziplist integer beyond end');
        value = size === 8 ? zl.readBigInt64LE(p).toString() : String(zl.readIntLE(p, size));
        p += size;
      } else if (enc >= 0xf1 && enc <= 0xfd) {
        value = String((enc & 0x0f) - 1);
      } else {
        corrupt('ziplist encoding invalid');
      }
    }
    out.push(value);
    prevLen = p - start;
    last = start;
  }
  if (out.length > 0 && tail !== last) corrupt('ziplist tail offset mismatch');
  if (out.length === 0 && tail !== HEADER_SIZE) corrupt('ziplist tail offset mismatch');
  if (declared !== 65535 && declared !== out.length) corrupt('ziplist count mismatch');
  return out;
}
