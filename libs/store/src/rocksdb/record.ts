/**
 * RocksDB row layout. Three key spaces, ordered so one iterator over everything meets the
 * generation map before the data (snapshot() relies on it):
 *   0x01 'g' <table utf8>          → u32 generation of the table
 *   0x01 'x' <u32 generation>      → '' : generation awaiting background deletion
 *   0x02 <name utf8>               → user metadata value (checkpoints ...)
 *   0x03 <u32 gen> <u16 slot> <key> → record (the key is raw: RocksDB has no item limit, so values
 *                                      are stored whole and the key is the last component)
 * A record is a header and the value bytes:
 *   u8 format (1) | u8 flags (bit 0: tombstone) | u64 commitTs | u64 expireAt | value
 */
import { readU64, writeU64 } from '../layout';
import { StoreError } from '../errors';

export const SYSTEM_PREFIX = 0x01;
export const META_PREFIX = 0x02;
export const DATA_PREFIX = 0x03;
export const GENERATION_TAG = 0x67; // 'g'
export const DROPPED_TAG = 0x78; // 'x'

const FORMAT = 1;
const TOMBSTONE = 1;
export const RECORD_HEADER_BYTES = 18;
/** Data key bytes before the user key: prefix, generation, slot. */
export const DATA_KEY_HEADER_BYTES = 7;

export function generationKey(table: string): Buffer {
  const name = Buffer.from(table, 'utf8');
  const out = Buffer.allocUnsafe(2 + name.length);
  out[0] = SYSTEM_PREFIX;
  out[1] = GENERATION_TAG;
  name.copy(out as unknown as Uint8Array, 2);
  return out;
}

export function droppedKey(generation: number): Buffer {
  const out = Buffer.allocUnsafe(6);
  out[0] = SYSTEM_PREFIX;
  out[1] = DROPPED_TAG;
  out.writeUInt32BE(generation, 2);
  return out;
}

export function metaKey(name: string): Buffer {
  const n = Buffer.from(name, 'utf8');
  const out = Buffer.allocUnsafe(1 + n.length);
  out[0] = META_PREFIX;
  n.copy(out as unknown as Uint8Array, 1);
  return out;
}

/** Data key; slot may be 16384 to form the exclusive end of a range. */
export function dataKey(generation: number, slot: number, key?: Buffer): Buffer {
  const out = Buffer.allocUnsafe(DATA_KEY_HEADER_BYTES + (key ? key.length : 0));
  out[0] = DATA_PREFIX;
  out.writeUInt32BE(generation, 1);
  out.writeUInt16BE(slot, 5);
  if (key) key.copy(out as unknown as Uint8Array, DATA_KEY_HEADER_BYTES);
  return out;
}

/** Start of the next generation: exclusive end of every row of `generation`. */
export function generationEnd(generation: number): Buffer {
  const out = Buffer.allocUnsafe(5);
  out[0] = DATA_PREFIX;
  out.writeUInt32BE(generation + 1, 1);
  return out;
}

export function encodeRecord(value: Buffer | null, commitTs: number, expireAt: number): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + (value ? value.length : 0));
  out[0] = FORMAT;
  out[1] = value ? 0 : TOMBSTONE;
  writeU64(out, commitTs, 2);
  writeU64(out, expireAt, 10);
  if (value) value.copy(out as unknown as Uint8Array, RECORD_HEADER_BYTES);
  return out;
}

export interface DecodedRecord {
  tombstone: boolean;
  commitTs: number;
  expireAt: number;
  value: Buffer;
}

export function recordCommitTs(record: Buffer): number {
  return readU64(record, 2);
}

export function decodeRecord(record: Buffer): DecodedRecord {
  if (record.length < RECORD_HEADER_BYTES || record[0] !== FORMAT) {
    throw new StoreError('INTERNAL', `corrupt record: ${record.length} bytes, format ${record[0]}`);
  }
  return {
    tombstone: (record[1] & TOMBSTONE) !== 0,
    commitTs: readU64(record, 2),
    expireAt: readU64(record, 10),
    value: record.subarray(RECORD_HEADER_BYTES),
  };
}
