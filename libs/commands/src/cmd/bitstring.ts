import type { Ctx } from '../context';
import type { Entry } from '../keyspace';

/**
 * Strings are immutable latin1 JS strings, so a bit write costs a copy of the whole value. To
 * make it one copy instead of two, the byte form of the string a bit command last wrote is kept
 * (one slot, large strings only) and reused while the key still holds that very string.
 */
const CACHE_MIN_BYTES = 4096;
const CACHE_MAX_BYTES = 64 * 1024 * 1024;
let cached: { entry: Entry; str: string; buf: Buffer } | null = null;

/** A writable copy of the string at entry (or of ''), zero-padded to at least minLen bytes. */
export function writableBytes(entry: Entry | undefined, minLen: number): { buf: Buffer; len: number } {
  const cur = entry === undefined ? '' : (entry.value as string);
  const len = Math.max(cur.length, minLen);
  if (cached !== null && entry !== undefined && cached.entry === entry && cached.str === cur) {
    let buf = cached.buf;
    if (buf.length < len) {
      const grown = Buffer.alloc(Math.min(Math.max(len, buf.length * 2), Math.max(len, CACHE_MAX_BYTES)));
      buf.copy(grown, 0, 0, cur.length);
      buf = grown;
    }
    cached = null; // the copy is handed out; commit() puts it back
    return { buf, len };
  }
  const buf = Buffer.alloc(len);
  buf.write(cur, 0, cur.length, 'latin1');
  return { buf, len };
}

/** Stores bytes [0, len) of buf as the key's new value (keeping its TTL) and caches them. */
export function commitBytes(ctx: Ctx, key: string, entry: Entry | undefined, buf: Buffer, len: number): void {
  const str = buf.toString('latin1', 0, len);
  let e = entry;
  if (e === undefined) e = ctx.db.set(key, str);
  else {
    e.value = str;
    ctx.db.written(key, e);
  }
  cached = len >= CACHE_MIN_BYTES && buf.length <= CACHE_MAX_BYTES ? { entry: e, str, buf } : null;
}

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

/** Set bits in bytes [start, end] of s. */
export function popcount(s: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i <= end; i++) n += POPCOUNT[s.charCodeAt(i)];
  return n;
}

export function popcountByte(b: number): number {
  return POPCOUNT[b & 0xff];
}
