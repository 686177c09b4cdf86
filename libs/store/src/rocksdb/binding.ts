/**
 * The part of @nxtedition/rocksdb (classic-level API; the package ships no type declarations)
 * that the adapter uses, typed. Keys and values are always Buffers here.
 */
export interface RocksBatchOp {
  type: 'put' | 'del';
  key: Buffer;
  value?: Buffer;
}

export interface RocksRange {
  gt?: Buffer;
  gte?: Buffer;
  lt?: Buffer;
}

export interface RocksIterator {
  /** Up to size entries; an empty array once the range is exhausted. */
  nextv(size: number): Promise<[Buffer, Buffer][]>;
  close(): Promise<void>;
}

export interface RocksDb {
  readonly status: string;
  open(): Promise<void>;
  close(): Promise<void>;
  getMany(keys: Buffer[], options?: { fillCache?: boolean }): Promise<(Buffer | undefined)[]>;
  /** sync: fsync the write-ahead log before resolving. */
  batch(ops: RocksBatchOp[], options: { sync: boolean }): Promise<void>;
  iterator(options: RocksRange & { highWaterMarkBytes?: number }): RocksIterator;
  /** Without a limit this is one DeleteRange: O(1) now, space reclaimed by compaction. */
  clear(range: RocksRange): Promise<void>;
  getProperty(name: string): string;
}

type RocksLevelClass = new (location: string, options: { keyEncoding: 'buffer'; valueEncoding: 'buffer'; createIfMissing?: boolean }) => RocksDb;

export function createRocksDb(location: string): RocksDb {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RocksLevel } = require('@nxtedition/rocksdb') as { RocksLevel: RocksLevelClass };
  return new RocksLevel(location, { keyEncoding: 'buffer', valueEncoding: 'buffer', createIfMissing: true });
}
