import * as path from 'node:path';
import { fileError, type FileLayer, type OpenMode, type WalFile } from './file-layer';

export interface CrashOptions {
  /** Keep a random prefix of each file's unsynced tail, as a crash mid-write can. */
  tornTail?: boolean;
  /** Random numbers in [0, 1); seed it for reproducible tests. Defaults to Math.random. */
  random?: () => number;
}

export interface FileLayerCounters {
  writes: number;
  bytesWritten: number;
  syncs: number;
  dirSyncs: number;
}

/**
 * Wraps a FileLayer with injectable faults: short writes, fsync failures, a full disk, and crashes
 * that drop what was never fsynced. Durability is tracked per file as its synced length; creations,
 * renames, deletions and truncations are treated as durable at once (the WAL also syncs them).
 */
export class FaultyFileLayer implements FileLayer {
  readonly counters: FileLayerCounters = { writes: 0, bytesWritten: 0, syncs: 0, dirSyncs: 0 };
  /** Each write writes at most half of what was asked (at least one byte). */
  shortWrites = false;
  /** Total bytes all files may hold; writes beyond it are cut short, then fail with ENOSPC. */
  capacityBytes: number | undefined;
  /** The next this-many file syncs fail with EIO (and leave the data unsynced). */
  failNextSyncs = 0;
  /** Awaited before each file sync; lets a test hold an fsync "in flight". */
  beforeSync: ((filePath: string) => Promise<void>) | undefined;

  private readonly sizes = new Map<string, number>();
  private readonly synced = new Map<string, number>();
  private generation = 0;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly inner: FileLayer) {}

  get usedBytes(): number {
    let used = 0;
    for (const size of this.sizes.values()) used += size;
    return used;
  }

  syncedLength(filePath: string): number | undefined {
    return this.synced.get(path.resolve(filePath));
  }

  async open(filePath: string, mode: OpenMode): Promise<WalFile> {
    const key = path.resolve(filePath);
    const file = await this.inner.open(filePath, mode);
    if (mode === 'create') {
      this.sizes.set(key, 0);
      this.synced.set(key, 0);
    } else if (!this.sizes.has(key)) {
      // A file this layer has not seen before predates it: consider it durable.
      const size = await file.size();
      this.sizes.set(key, size);
      this.synced.set(key, size);
    }
    return new FaultyWalFile(this, file, key, this.generation);
  }

  list(dir: string): Promise<string[]> {
    return this.inner.list(dir);
  }

  async unlink(filePath: string): Promise<void> {
    await this.inner.unlink(filePath);
    this.sizes.delete(path.resolve(filePath));
    this.synced.delete(path.resolve(filePath));
  }

  async rename(from: string, to: string): Promise<void> {
    await this.inner.rename(from, to);
    const [src, dst] = [path.resolve(from), path.resolve(to)];
    this.sizes.set(dst, this.sizes.get(src) ?? 0);
    this.synced.set(dst, this.synced.get(src) ?? 0);
    this.sizes.delete(src);
    this.synced.delete(src);
  }

  mkdirp(dir: string): Promise<void> {
    return this.inner.mkdirp(dir);
  }

  async syncDir(dir: string): Promise<void> {
    this.counters.dirSyncs++;
    await this.inner.syncDir(dir);
  }

  /**
   * Simulates power loss: every file falls back to its synced length (plus, with tornTail, a
   * random prefix of the unsynced bytes), and every handle opened before it stops working.
   */
  async crash(options: CrashOptions = {}): Promise<void> {
    const random = options.random ?? Math.random;
    this.generation++;
    // Let operations already handed to the inner layer land first (their bookkeeping included),
    // so none of them can extend a file after the crash has cut it.
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    for (const [key, size] of this.sizes) {
      const synced = this.synced.get(key) ?? 0;
      if (size <= synced) continue;
      const kept = synced + (options.tornTail ? Math.floor(random() * (size - synced + 1)) : 0);
      const file = await this.inner.open(key, 'write');
      try {
        await file.truncate(kept);
      } finally {
        await file.close();
      }
      this.sizes.set(key, kept);
      this.synced.set(key, kept);
    }
  }

  // Used by FaultyWalFile.
  track<T>(operation: Promise<T>): Promise<T> {
    this.inFlight.add(operation);
    const forget = (): void => {
      this.inFlight.delete(operation);
    };
    operation.then(forget, forget);
    return operation;
  }

  isAlive(generation: number): boolean {
    return generation === this.generation;
  }

  checkAlive(generation: number, syscall: string, key: string): void {
    if (generation !== this.generation) throw fileError('EIO', syscall, key, 'simulated crash: handle is dead');
  }

  allowedWriteLength(key: string, length: number, position: number): number {
    let allowed = length;
    if (this.shortWrites && allowed > 1) allowed = Math.floor(allowed / 2);
    if (this.capacityBytes !== undefined) {
      const size = this.sizes.get(key) ?? 0;
      const growth = Math.max(0, position + allowed - size);
      const free = Math.max(0, this.capacityBytes - this.usedBytes);
      if (growth > free) {
        allowed = Math.max(0, size - position) + free;
        if (allowed <= 0) throw fileError('ENOSPC', 'write', key, 'no space left on device');
      }
    }
    return allowed;
  }

  noteWrite(key: string, written: number, position: number): void {
    this.counters.writes++;
    this.counters.bytesWritten += written;
    this.sizes.set(key, Math.max(this.sizes.get(key) ?? 0, position + written));
  }

  /** Returns the size being made durable: bytes written after the sync starts are not covered. */
  async noteSync(key: string): Promise<number> {
    this.counters.syncs++;
    const sizeAtSync = this.sizes.get(key) ?? 0;
    if (this.beforeSync) await this.beforeSync(key);
    if (this.failNextSyncs > 0) {
      this.failNextSyncs--;
      throw fileError('EIO', 'fdatasync', key, 'simulated fsync failure');
    }
    return sizeAtSync;
  }

  noteSynced(key: string, length: number): void {
    this.synced.set(key, Math.max(this.synced.get(key) ?? 0, Math.min(length, this.sizes.get(key) ?? 0)));
  }

  noteTruncate(key: string, length: number): void {
    this.sizes.set(key, length);
    this.synced.set(key, Math.min(this.synced.get(key) ?? 0, length));
  }
}

class FaultyWalFile implements WalFile {
  constructor(
    private readonly layer: FaultyFileLayer,
    private readonly inner: WalFile,
    private readonly key: string,
    private readonly generation: number,
  ) {}

  async write(source: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    this.layer.checkAlive(this.generation, 'write', this.key);
    const allowed = this.layer.allowedWriteLength(this.key, length, position);
    return this.layer.track(
      this.inner.write(source, offset, allowed, position).then((written) => {
        this.layer.noteWrite(this.key, written, position);
        return written;
      }),
    );
  }

  read(target: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    this.layer.checkAlive(this.generation, 'read', this.key);
    return this.inner.read(target, offset, length, position);
  }

  async sync(): Promise<void> {
    this.layer.checkAlive(this.generation, 'fdatasync', this.key);
    const length = await this.layer.noteSync(this.key);
    this.layer.checkAlive(this.generation, 'fdatasync', this.key);
    await this.layer.track(
      this.inner.sync().then(() => {
        // a sync that a crash overtook guarantees nothing
        if (this.layer.isAlive(this.generation)) this.layer.noteSynced(this.key, length);
      }),
    );
    this.layer.checkAlive(this.generation, 'fdatasync', this.key);
  }

  async truncate(length: number): Promise<void> {
    this.layer.checkAlive(this.generation, 'ftruncate', this.key);
    await this.layer.track(this.inner.truncate(length).then(() => this.layer.noteTruncate(this.key, length)));
  }

  size(): Promise<number> {
    this.layer.checkAlive(this.generation, 'fstat', this.key);
    return this.inner.size();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
