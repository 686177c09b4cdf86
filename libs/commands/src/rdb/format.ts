/**
 * The pieces of Redis's RDB format (rdb.h, rdb.c) that one object needs: type bytes, lengths,
 * strings (plain, integer-encoded, LZF-compressed) and doubles.
 */
import { ByteReader, ByteWriter, corrupt } from './bytes';
import { lzfCompress, lzfDecompress } from './lzf';
import { canonicalInt64, strtod } from './numbers';

/** RDB_VERSION of Redis 7.0: DUMP writes it, RESTORE accepts payloads up to it. */
export const RDB_VERSION = 10;

export const RdbType = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
} as const;

/** Quicklist node containers in LIST_QUICKLIST_2. */
export const QUICKLIST_NODE_PLAIN = 1;
export const QUICKLIST_NODE_PACKED = 2;

const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

/** Strings longer than this are offered to LZF (rdbSaveRawString with rdbcompression yes). */
const COMPRESS_ABOVE = 20;
/** Redis's largest bulk string; also bounds what a crafted LZF header may make us allocate. */
const MAX_STRING = 512 * 1024 * 1024;

export function readLength(r: ByteReader): number {
  const b = r.u8();
  const kind = b >> 6;
  if (kind === 0) return b & 0x3f;
  if (kind === 1) return ((b & 0x3f) << 8) | r.u8();
  if (b === 0x80) return r.u32be();
  if (b === 0x81) {
    const v = r.bytes(8).readBigUInt64BE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) corrupt('length too large');
    return Number(v);
  }
  return corrupt('unexpected encoded length');
}

/** A length that counts items each taking at least one byte of what is left: bounds loops. */
export function readCount(r: ByteReader): number {
  const n = readLength(r);
  if (n > r.remaining) corrupt('count beyond the payload');
  return n;
}

export function writeLength(w: ByteWriter, n: number): void {
  if (n < 1 << 6) w.u8(n);
  else if (n < 1 << 14) {
    w.u8(0x40 | (n >> 8));
    w.u8(n & 0xff);
  } else if (n <= 0xffffffff) {
    w.u8(0x80);
    w.u32be(n);
  } else {
    w.u8(0x81);
    w.u32be(Math.floor(n / 2 ** 32));
    w.u32be(n >>> 0);
  }
}

/** Reads a string as raw bytes (a view into the payload unless it had to be expanded). */
export function readStringBytes(r: ByteReader): Buffer {
  const b = r.u8();
  if (b >> 6 !== 3) {
    r.pos--;
    return r.bytes(readLength(r));
  }
  const enc = b & 0x3f;
  if (enc === ENC_INT8) return Buffer.from(String(r.bytes(1).readInt8(0)), 'latin1');
  if (enc === ENC_INT16) return Buffer.from(String(r.bytes(2).readInt16LE(0)), 'latin1');
  if (enc === ENC_INT32) return Buffer.from(String(r.bytes(4).readInt32LE(0)), 'latin1');
  if (enc === ENC_LZF) {
    const compressedLen = readLength(r);
    const len = readLength(r);
    const compressed = r.bytes(compressedLen);
    // LZF expands at most ~88 times (a 3-byte back reference yields 264 bytes).
    if (len > MAX_STRING || len > compressedLen * 90 + 64) corrupt('implausible LZF length');
    const out = lzfDecompress(compressed, len);
    if (out === null) corrupt('invalid LZF data');
    return out;
  }
  return corrupt('unknown string encoding');
}

export function readString(r: ByteReader): string {
  const b = readStringBytes(r);
  return b.toString('latin1', 0, b.length);
}

/** rdbSaveRawString: small canonical integers as integers, long strings LZF-compressed if that pays. */
export function writeStringBytes(w: ByteWriter, s: Buffer): void {
  const len = s.length;
  if (len <= 11 && len > 0) {
    const asInt = canonicalInt64(s.toString('latin1', 0, len));
    if (asInt !== null && asInt >= -2147483648n && asInt <= 2147483647n) {
      const v = Number(asInt);
      if (v >= -128 && v <= 127) {
        w.u8(0xc0 | ENC_INT8);
        w.u8(v & 0xff);
      } else if (v >= -32768 && v <= 32767) {
        w.u8(0xc0 | ENC_INT16);
        w.u16le(v & 0xffff);
      } else {
        w.u8(0xc0 | ENC_INT32);
        w.u32le(v);
      }
      return;
    }
  }
  if (len > COMPRESS_ABOVE) {
    const compressed = lzfCompress(s, len - 4);
    if (compressed !== null) {
      w.u8(0xc0 | ENC_LZF);
      writeLength(w, compressed.length);
      writeLength(w, len);
      w.bytes(compressed);
      return;
    }
  }
  writeLength(w, len);
  w.bytes(s);
}

export function writeString(w: ByteWriter, s: string): void {
  writeStringBytes(w, Buffer.from(s, 'latin1'));
}

/** The pre-RDB-8 score format of RDB_TYPE_ZSET: a length byte then ASCII (253 nan, 254 inf, 255 -inf). */
export function readAsciiDouble(r: ByteReader): number {
  const len = r.u8();
  if (len === 253) return NaN;
  if (len === 254) return Infinity;
  if (len === 255) return -Infinity;
  const text = r.bytes(len).toString('latin1');
  if (!/^\s*[+-]?(inf(inity)?|nan|\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)/i.test(text)) corrupt('bad double');
  return strtod(text);
}
