/**
 * The storage contract every backend implements (RocksDB, Cassandra, DynamoDB), and the gRPC
 * store-server exposes. Keys and values are opaque bytes. Layout (see ARCHITECTURE.md, Storage
 * service): (table generation, slot, key, chunk); one slot scannable alone.
 *
 * commitTs is a hybrid logical clock value in microseconds (physical ms * 1000 + logical counter),
 * so it maps directly onto Cassandra's USING TIMESTAMP. Every write is newer-wins: an item never
 * replaces a stored item (value or tombstone) with a greater commitTs, so replays and retries are
 * harmless.
 */

/** A table is one logical keyspace, e.g. one Redis database ("db0" .. "db15"). */
export type TableName = string;

export interface KeyRef {
  table: TableName;
  /** 0..16383: CRC16 of the key (hash tags honoured), computed by the caller. */
  slot: number;
  key: Buffer;
}

export interface WriteItem extends KeyRef {
  /** null writes a tombstone: reads then return null, and an older write cannot resurrect it. */
  value: Buffer | null;
  commitTs: number;
  /** Absolute expiry in ms since the epoch; 0 = none. Stored, not enforced by the adapter. */
  expireAt: number;
}

export interface StoredItem extends KeyRef {
  value: Buffer;
  commitTs: number;
  expireAt: number;
}

export type Consistency = 'one' | 'quorum' | 'all';

export interface WriteOptions {
  /** Backends with replicas (Cassandra) use it; QUORUM is the floor for checkpoint writes. */
  consistency?: Consistency;
}

export interface ScanRequest {
  table: TableName;
  /** Inclusive slot range. */
  slotFrom: number;
  slotTo: number;
  /** Opaque cursor returned by the previous page; absent for the first page. */
  cursor?: Buffer;
  /** Maximum items in the page (the adapter may return fewer). */
  limit: number;
}

export interface ScanPage {
  items: StoredItem[];
  /** Absent when the range is exhausted. */
  cursor?: Buffer;
}

export interface StoreStats {
  /** Approximate live keys and bytes. */
  keys: number;
  bytes: number;
}

/** One chunk of a snapshot stream: a batch of items, or metadata rows. */
export interface SnapshotChunk {
  items: StoredItem[];
  meta: { name: string; value: Buffer }[];
}

export interface StorageAdapter {
  readonly kind: 'rocksdb' | 'cassandra' | 'dynamodb';
  /** Creates keyspace/tables on first use; idempotent. */
  open(): Promise<void>;
  get(ref: KeyRef): Promise<StoredItem | null>;
  /** Results in the order of refs; null where absent or a tombstone. */
  multiGet(refs: KeyRef[]): Promise<(StoredItem | null)[]>;
  /** Newer-wins and idempotent. Resolves once every item is durable at the given consistency. */
  batchWrite(items: WriteItem[], opts?: WriteOptions): Promise<void>;
  /** Live items of a slot range in (slot, key) order; tombstones are skipped. */
  scan(req: ScanRequest): Promise<ScanPage>;
  /** Removes every item of a slot range (moving slots away, dropping data). */
  deleteRange(table: TableName, slotFrom: number, slotTo: number): Promise<void>;
  /** O(1): starts a new generation of the table (FLUSHDB); old generations are deleted in the background. */
  clearTable(table: TableName): Promise<void>;
  /** O(1): exchanges the contents of two tables (SWAPDB). */
  swapTables(a: TableName, b: TableName): Promise<void>;
  /** Everything, for bootstrapping a standby. */
  snapshot(): AsyncIterable<SnapshotChunk>;
  restore(chunks: AsyncIterable<SnapshotChunk>): Promise<void>;
  stats(): Promise<StoreStats>;
  /** Metadata rows: per-writer checkpoint timestamps, table generations. */
  getMeta(name: string): Promise<Buffer | null>;
  putMeta(name: string, value: Buffer, opts?: WriteOptions): Promise<void>;
  close(): Promise<void>;
}
