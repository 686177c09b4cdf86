/**
 * How a store maps onto one DynamoDB table (partition key pk: string, sort key sk: binary).
 *
 *   head     pk d#<gen>#<slot>#<bucket>   sk skOf(key)          ts, exp, v | tomb | n+len, k (long keys)
 *   chunk    pk c#<gen>#<slot>#<bucket>   sk sha256(key) ‖ u64 version ‖ u32 chunk      data
 *   marker   pk p#<gen>                   sk u16 slot ‖ u8 bucket   (partitions ever written)
 *   meta     pk meta                      sk utf8(name)                                 v
 *
 * Sort keys are capped at 1024 bytes but keys go up to 32 KiB, so skOf keeps order for all keys
 * except among long keys that share their first SK_KEY_BYTES bytes: those sort by hash, and scans
 * re-sort such a group by the full key, stored in attribute k.
 */
import { createHash } from 'crypto';
import { concatBytes } from '../bytes';

/** Keys up to this many bytes are their own sort key (after one 0x00 byte: sort keys cannot be empty). */
export const SK_KEY_BYTES = 990;
const HASH_BYTES = 32;

export const headPk = (gen: number, slot: number, bucket: number): string => `d#${gen}#${slot}#${bucket}`;
export const chunkPk = (gen: number, slot: number, bucket: number): string => `c#${gen}#${slot}#${bucket}`;
export const markerPk = (gen: number): string => `p#${gen}`;
export const META_PK = 'meta';

const ZERO = Buffer.from([0]);

export const isLongKey = (key: Buffer): boolean => key.length > SK_KEY_BYTES;

export function skOf(key: Buffer): Buffer {
  if (!isLongKey(key)) return concatBytes([ZERO, key]);
  return concatBytes([ZERO, key.subarray(0, SK_KEY_BYTES), keyHash(key)]);
}

/** The smallest sort key any key >= `key` can have (scans resume from it and filter). */
export function skLowerBound(key: Buffer): Buffer {
  return concatBytes([ZERO, key.subarray(0, SK_KEY_BYTES)]);
}

/** Whether a sort key belongs to a long key, and its group (the shared prefix). */
export function skGroup(sk: Buffer): Buffer | null {
  return sk.length === 1 + SK_KEY_BYTES + HASH_BYTES ? sk.subarray(0, 1 + SK_KEY_BYTES) : null;
}

export function keyFromSk(sk: Buffer): Buffer {
  return sk.subarray(1);
}

function keyHash(key: Buffer): Buffer {
  return createHash('sha256').update(key as unknown as Uint8Array).digest();
}

export function chunkSk(key: Buffer, version: number, chunk: number): Buffer {
  const tail = Buffer.allocUnsafe(12);
  tail.writeUInt32BE(Math.floor(version / 2 ** 32), 0);
  tail.writeUInt32BE(version % 2 ** 32, 4);
  tail.writeUInt32BE(chunk, 8);
  return concatBytes([keyHash(key), tail]);
}

export function markerSk(slot: number, bucket: number): Buffer {
  const b = Buffer.allocUnsafe(3);
  b.writeUInt16BE(slot, 0);
  b.writeUInt8(bucket, 2);
  return b;
}

export function decodeMarkerSk(sk: Buffer): { slot: number; bucket: number } {
  return { slot: sk.readUInt16BE(0), bucket: sk.readUInt8(2) };
}
