/**
 * Storage layout shared by every adapter: (table generation, slot, key, chunk) rows, and the
 * metadata rows that hold table generations and per-writer checkpoints.
 *
 * Generations: every table maps to a generation number in the metadata. A write goes to the
 * table's current generation; clearTable (FLUSHDB) points the table at a new, empty generation and
 * queues the old one for background deletion; swapTables (SWAPDB) exchanges two tables' numbers.
 * Both are O(1) metadata writes. Generation numbers are unique across tables, so a swap never
 * mixes data; a number may be reused only after its rows are all deleted.
 */
import { StoreError } from './errors';

/** Metadata names reserved for the adapters' own rows; snapshots and users never see them. */
export const SYSTEM_META_PREFIX = 'sys/';
/** sys/gen/<table> → u32 generation of the table (absent: the table is empty). */
export const generationMetaName = (table: string): string => `${SYSTEM_META_PREFIX}gen/${table}`;
/** sys/drop/<generation> → present while that generation's rows await background deletion. */
export const droppedGenerationMetaName = (generation: number): string => `${SYSTEM_META_PREFIX}drop/${generation}`;
/** checkpoint/<writer> → u64 commitTs: every version up to it is stored (see encodeTimestamp). */
export const checkpointMetaName = (writer: string): string => `checkpoint/${writer}`;

export const MAX_META_NAME_BYTES = 1024;

export function validateMetaName(name: string, allowSystem = false): void {
  if (typeof name !== 'string' || name.length === 0 || Buffer.byteLength(name) > MAX_META_NAME_BYTES) {
    throw new StoreError('INVALID_ARGUMENT', `invalid metadata name ${JSON.stringify(name)}: 1..${MAX_META_NAME_BYTES} bytes`);
  }
  if (!allowSystem && name.startsWith(SYSTEM_META_PREFIX)) {
    throw new StoreError('INVALID_ARGUMENT', `metadata name ${JSON.stringify(name)} is reserved (prefix ${SYSTEM_META_PREFIX})`);
  }
}

const TWO_32 = 2 ** 32;

/** Writes a safe integer (commitTs, expireAt) as 8 bytes big-endian: byte order = numeric order. */
export function writeU64(target: Buffer, value: number, offset: number): void {
  target.writeUInt32BE(Math.floor(value / TWO_32), offset);
  target.writeUInt32BE(value % TWO_32, offset + 4);
}

export function readU64(source: Buffer, offset: number): number {
  return source.readUInt32BE(offset) * TWO_32 + source.readUInt32BE(offset + 4);
}

/** Checkpoint values: a commitTs as 8 bytes big-endian. */
export function encodeTimestamp(ts: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  writeU64(b, ts, 0);
  return b;
}

export function decodeTimestamp(b: Buffer): number {
  if (b.length !== 8) throw new StoreError('INTERNAL', `timestamp row has ${b.length} bytes, expected 8`);
  return readU64(b, 0);
}

/** Generation rows: a u32 big-endian. */
export function encodeGeneration(generation: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(generation, 0);
  return b;
}

export function decodeGeneration(b: Buffer): number {
  if (b.length !== 4) throw new StoreError('INTERNAL', `generation row has ${b.length} bytes, expected 4`);
  return b.readUInt32BE(0);
}

/**
 * Order-preserving byte encoding of (generation, slot, key, chunk) for sorted key-value stores:
 * u32 generation, u16 slot, the key with 0x00 escaped as 0x00 0xFF and terminated by 0x00 0x01
 * (so a key that is a prefix of another sorts first, whatever follows), then u32 chunk.
 * Backends without an item limit (RocksDB) store values whole and use encodeRowPrefix + raw key.
 */
export function encodeRowKey(generation: number, slot: number, key: Buffer, chunk: number): Buffer {
  let zeros = 0;
  for (let i = 0; i < key.length; i++) if (key[i] === 0) zeros++;
  const out = Buffer.allocUnsafe(6 + key.length + zeros + 2 + 4);
  out.writeUInt32BE(generation, 0);
  out.writeUInt16BE(slot, 4);
  let p = 6;
  for (let i = 0; i < key.length; i++) {
    out[p++] = key[i];
    if (key[i] === 0) out[p++] = 0xff;
  }
  out[p++] = 0;
  out[p++] = 1;
  out.writeUInt32BE(chunk, p);
  return out;
}

export function decodeRowKey(row: Buffer): { generation: number; slot: number; key: Buffer; chunk: number } {
  const generation = row.readUInt32BE(0);
  const slot = row.readUInt16BE(4);
  const bytes: number[] = [];
  let p = 6;
  for (;;) {
    if (p >= row.length) throw new StoreError('INTERNAL', 'row key has no key terminator');
    const b = row[p++];
    if (b !== 0) bytes.push(b);
    else if (row[p] === 0xff) {
      bytes.push(0);
      p++;
    } else if (row[p] === 1) {
      p++;
      break;
    } else throw new StoreError('INTERNAL', 'row key has a bad escape');
  }
  return { generation, slot, key: Buffer.from(bytes), chunk: row.readUInt32BE(p) };
}

/** (generation, slot) prefix: 6 bytes that sort by generation, then slot. */
export function encodeRowPrefix(generation: number, slot: number): Buffer {
  const out = Buffer.allocUnsafe(6);
  out.writeUInt32BE(generation, 0);
  out.writeUInt16BE(slot, 4);
  return out;
}
