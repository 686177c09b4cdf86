import { WalCorruptionError, WalError } from './errors';
import { errorCode, readFully, writeFully, type FileLayer } from './file-layer';
import { NodeFileLayer } from './node-file-layer';
import { openSegments, type RecoveryReport } from './open-segments';
import { ReadWriteGate } from './read-write-gate';
import { checkRecord, encodeRecords, RECORD_HEADER_BYTES } from './record-format';
import { Segment } from './segment';

export interface WalOptions {
  dir: string;
  /** Defaults to node:fs. Swap in a FaultyFileLayer for tests, a worker-thread layer later. */
  files?: FileLayer;
  /** A segment is closed once the next record would take it past this size. Default 64 MiB. */
  segmentBytes?: number;
  /** Largest payload accepted. Default 16 MiB. */
  maxRecordBytes?: number;
  /** Bytes of records one group commit writes at most. Default 4 MiB. */
  maxBatchBytes?: number;
  /** Index of the first record of a log created empty. Default 1. */
  firstIndex?: number;
}

export interface WalRecord {
  index: number;
  payload: Buffer;
}

export interface IndexRange {
  first: number;
  /** first - 1 for an empty batch */
  last: number;
}

export interface WalStats {
  /** group commits: each is one write and one fsync per segment it touches */
  batches: number;
  records: number;
  bytes: number;
}

interface QueuedAppend {
  kind: 'append';
  payloads: readonly Uint8Array[];
  bytes: number;
  range: IndexRange;
  resolve(range: IndexRange): void;
  reject(error: Error): void;
}

interface QueuedControl {
  kind: 'control';
  run(): Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

/** Records of one batch that go to one segment: one write, one fsync. */
interface Chunk {
  /** set when the chunk starts a new segment, whose first index this is */
  newSegmentAt: number | undefined;
  payloads: Uint8Array[];
  lastIndex: number;
}

const MiB = 1024 * 1024;

/**
 * A segmented append-only log with group commit. Appends, appendBatch and the truncations run in
 * call order through one queue; appends waiting while an fsync is in flight become the next
 * batch. Every promise resolves only once its records are fsynced, in index order.
 */
export class Wal {
  readonly stats: WalStats = { batches: 0, records: 0, bytes: 0 };
  private readonly queue: Array<QueuedAppend | QueuedControl> = [];
  private draining = false;
  private drainScheduled = false;
  private idleWaiters: Array<() => void> = [];
  private readonly gate = new ReadWriteGate();
  private readonly durableListeners = new Set<(lastIndex: number) => void>();
  private failure: WalError | undefined;
  private closed = false;
  private durableIndex: number;

  private constructor(
    readonly dir: string,
    private readonly files: FileLayer,
    private readonly segmentBytes: number,
    private readonly maxRecordBytes: number,
    private readonly maxBatchBytes: number,
    private segments: Segment[],
    readonly recovery: RecoveryReport,
  ) {
    this.durableIndex = this.tail.lastIndex;
  }

  static async open(options: WalOptions): Promise<Wal> {
    const files = options.files ?? new NodeFileLayer();
    const maxRecordBytes = options.maxRecordBytes ?? 16 * MiB;
    const { segments, report } = await openSegments(files, options.dir, options.firstIndex ?? 1, maxRecordBytes);
    return new Wal(
      options.dir,
      files,
      options.segmentBytes ?? 64 * MiB,
      maxRecordBytes,
      options.maxBatchBytes ?? 4 * MiB,
      segments,
      report,
    );
  }

  /** Index of the oldest record kept (lastIndex + 1 when the log is empty). */
  get firstIndex(): number {
    return this.segments[0].firstIndex;
  }

  /** Index of the newest durable record (firstIndex - 1 when the log is empty). */
  get lastIndex(): number {
    return this.durableIndex;
  }

  /** Why the WAL refuses writes, once an I/O error has failed it. */
  get failedBecause(): WalError | undefined {
    return this.failure;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  append(payload: Uint8Array): Promise<number> {
    return this.enqueueAppend([payload]).then((range) => range.first);
  }

  /**
   * Appends records with consecutive indexes. If it fails, a prefix of them may still be in the
   * log (as with any unacknowledged write); lastIndex tells how far.
   */
  appendBatch(payloads: readonly Uint8Array[]): Promise<IndexRange> {
    return this.enqueueAppend(payloads);
  }

  /** Called after each group commit with the new lastIndex. Returns an unsubscribe function. */
  onDurable(listener: (lastIndex: number) => void): () => void {
    this.durableListeners.add(listener);
    return () => this.durableListeners.delete(listener);
  }

  /**
   * Durable records from `fromIndex`, up to `maxBytes` of records (at least one record), from one
   * segment; [] past the end. Checksums are verified again.
   */
  read(fromIndex: number, maxBytes: number): Promise<WalRecord[]> {
    if (this.closed) return Promise.reject(new WalError('WAL_CLOSED', `WAL ${this.dir} is closed`));
    return this.gate.shared(() => this.readShared(fromIndex, maxBytes));
  }

  /** Every durable record from `fromIndex`, following appends made while iterating. */
  async *records(fromIndex: number, batchBytes = MiB): AsyncGenerator<WalRecord> {
    let next = fromIndex;
    while (next <= this.durableIndex) {
      const records = await this.read(next, batchBytes);
      if (records.length === 0) return;
      yield* records;
      next = records[records.length - 1].index + 1;
    }
  }

  /** Deletes whole segments whose records are all below `index`. */
  truncateBefore(index: number): Promise<void> {
    return this.enqueueControl(async () => {
      let deleted = 0;
      while (this.segments.length > 1 && this.segments[1].firstIndex <= index) {
        const oldest = this.segments[0];
        // Oldest first, so a crash part way leaves a contiguous log.
        await oldest.file.close();
        await this.files.unlink(oldest.filePath);
        this.segments = this.segments.slice(1);
        deleted++;
      }
      if (deleted > 0) await this.files.syncDir(this.dir);
    });
  }

  /** Drops every record after `index` (Raft overwriting a conflicting suffix). */
  truncateAfter(index: number): Promise<void> {
    return this.enqueueControl(async () => {
      if (index >= this.durableIndex) return;
      if (index < this.firstIndex - 1) {
        throw new WalError('WAL_INDEX_OUT_OF_RANGE', `cannot truncate after ${index}: the log starts at ${this.firstIndex}`);
      }
      let deleted = 0;
      while (this.segments.length > 1 && this.tail.firstIndex > index) {
        // Newest first, so a crash part way leaves a prefix of the old log.
        const newest = this.tail;
        await newest.file.close();
        await this.files.unlink(newest.filePath);
        this.segments = this.segments.slice(0, -1);
        deleted++;
      }
      if (deleted > 0) await this.files.syncDir(this.dir);
      const tail = this.tail;
      const size = tail.keepRecords(index - tail.firstIndex + 1);
      await tail.file.truncate(size);
      await tail.file.sync();
      this.durableIndex = index;
    });
  }

  /** Empties the log so that the next record gets `nextIndex` (after installing a snapshot). */
  reset(nextIndex: number): Promise<void> {
    return this.enqueueControl(async () => {
      for (const segment of this.segments) {
        await segment.file.close();
        await this.files.unlink(segment.filePath);
      }
      const filePath = Segment.pathFor(this.dir, nextIndex);
      this.segments = [new Segment(nextIndex, filePath, await this.files.open(filePath, 'create'), 0)];
      await this.files.syncDir(this.dir);
      this.durableIndex = nextIndex - 1;
    });
  }

  /** Waits for queued work, then closes the files. Later calls are refused with WAL_CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.idle();
    await Promise.allSettled(this.segments.map((segment) => segment.file.close()));
  }

  private get tail(): Segment {
    return this.segments[this.segments.length - 1];
  }

  private refusal(): WalError | undefined {
    if (this.closed) return new WalError('WAL_CLOSED', `WAL ${this.dir} is closed`);
    if (this.failure) return this.failure;
    return undefined;
  }

  private enqueueAppend(payloads: readonly Uint8Array[]): Promise<IndexRange> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    let bytes = 0;
    for (const payload of payloads) {
      if (payload.length > this.maxRecordBytes) {
        return Promise.reject(
          new WalError('WAL_RECORD_TOO_LARGE', `record of ${payload.length} bytes exceeds maxRecordBytes ${this.maxRecordBytes}`),
        );
      }
      bytes += RECORD_HEADER_BYTES + payload.length;
    }
    return new Promise<IndexRange>((resolve, reject) => {
      this.queue.push({ kind: 'append', payloads, bytes, range: { first: 0, last: -1 }, resolve, reject });
      this.scheduleDrain();
    });
  }

  private enqueueControl(run: () => Promise<void>): Promise<void> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'control', run, resolve, reject });
      this.scheduleDrain();
    });
  }

  // setImmediate rather than a microtask: appends arriving in the same event-loop turn (from
  // several sockets' reads) join the first batch instead of waiting for the second.
  private scheduleDrain(): void {
    if (this.draining || this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      void this.drain();
    });
  }

  private idle(): Promise<void> {
    if (!this.draining && !this.drainScheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        if (this.failure) {
          for (const queued of this.queue.splice(0)) queued.reject(this.failure);
          break;
        }
        const head = this.queue[0];
        if (head.kind === 'control') {
          this.queue.shift();
          await this.runControl(head);
        } else {
          await this.writeBatch(this.takeBatch());
        }
      }
    } finally {
      this.draining = false;
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async runControl(control: QueuedControl): Promise<void> {
    try {
      await this.gate.exclusive(control.run);
      control.resolve();
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      // A refused argument changes nothing; an I/O error part way leaves files we cannot trust.
      if (!(cause instanceof WalError && cause.code === 'WAL_INDEX_OUT_OF_RANGE')) this.fail(cause);
      control.reject(cause);
    }
  }

  private takeBatch(): QueuedAppend[] {
    const batch: QueuedAppend[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head.kind !== 'append' || (batch.length > 0 && bytes + head.bytes > this.maxBatchBytes)) break;
      this.queue.shift();
      batch.push(head);
      bytes += head.bytes;
    }
    return batch;
  }

  /** Assigns indexes and cuts the batch where the segment size bound says to roll. */
  private planChunks(batch: QueuedAppend[]): Chunk[] {
    const chunks: Chunk[] = [];
    let next = this.durableIndex + 1;
    let segmentSize = this.tail.size;
    let segmentCount = this.tail.count;
    let chunk: Chunk = { newSegmentAt: undefined, payloads: [], lastIndex: next - 1 };
    for (const append of batch) {
      append.range = { first: next, last: next + append.payloads.length - 1 };
      for (const payload of append.payloads) {
        const recordBytes = RECORD_HEADER_BYTES + payload.length;
        if (segmentCount > 0 && segmentSize + recordBytes > this.segmentBytes) {
          if (chunk.payloads.length > 0) chunks.push(chunk);
          chunk = { newSegmentAt: next, payloads: [], lastIndex: next - 1 };
          segmentSize = 0;
          segmentCount = 0;
        }
        chunk.payloads.push(payload);
        chunk.lastIndex = next++;
        segmentSize += recordBytes;
        segmentCount++;
      }
    }
    if (chunk.payloads.length > 0) chunks.push(chunk);
    return chunks;
  }

  private async writeBatch(batch: QueuedAppend[]): Promise<void> {
    const chunks = this.planChunks(batch);
    let acknowledged = 0;
    const acknowledgeDurable = (): void => {
      while (acknowledged < batch.length && batch[acknowledged].range.last <= this.durableIndex) {
        batch[acknowledged].resolve(batch[acknowledged].range);
        acknowledged++;
      }
    };
    acknowledgeDurable(); // empty appendBatch calls at the front
    for (const chunk of chunks) {
      try {
        await this.writeChunk(chunk);
      } catch (error) {
        const cause = error instanceof WalError ? error : this.describeIoError(error, 'WAL_WRITE_FAILED', 'write');
        this.fail(cause);
        for (const append of batch.slice(acknowledged)) append.reject(cause);
        return;
      }
      this.durableIndex = chunk.lastIndex;
      this.stats.batches++;
      acknowledgeDurable();
      this.notifyDurable();
    }
  }

  private notifyDurable(): void {
    for (const listener of this.durableListeners) {
      try {
        listener(this.durableIndex);
      } catch (error) {
        // A listener's bug must not stop the commit loop; surface it as an uncaught error.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private async writeChunk(chunk: Chunk): Promise<void> {
    if (chunk.newSegmentAt !== undefined) await this.rollSegment(chunk.newSegmentAt);
    const tail = this.tail;
    const start = tail.size;
    const bytes = encodeRecords(chunk.payloads);
    try {
      await writeFully(tail.file, bytes, 0, bytes.length, start);
    } catch (error) {
      await this.undoPartialWrite(tail, start);
      const code = errorCode(error) === 'ENOSPC' ? 'WAL_NO_SPACE' : 'WAL_WRITE_FAILED';
      throw this.describeIoError(error, code, `write ${chunk.payloads.length} records to ${tail.filePath}`);
    }
    let offset = start;
    for (const payload of chunk.payloads) {
      tail.pushRecord(offset, RECORD_HEADER_BYTES + payload.length);
      offset += RECORD_HEADER_BYTES + payload.length;
    }
    try {
      await tail.file.sync();
    } catch (error) {
      // fsyncgate: after a failed fsync the kernel may have dropped the dirty pages and a retry
      // can "succeed" without the data; the only safe answer is to acknowledge nothing more.
      throw this.describeIoError(error, 'WAL_SYNC_FAILED', `fsync ${tail.filePath}`);
    }
    this.stats.records += chunk.payloads.length;
    this.stats.bytes += bytes.length;
  }

  private async rollSegment(firstIndex: number): Promise<void> {
    const filePath = Segment.pathFor(this.dir, firstIndex);
    try {
      const file = await this.files.open(filePath, 'create');
      this.segments = [...this.segments, new Segment(firstIndex, filePath, file, 0)];
      await this.files.syncDir(this.dir);
    } catch (error) {
      const code = errorCode(error) === 'ENOSPC' ? 'WAL_NO_SPACE' : 'WAL_WRITE_FAILED';
      throw this.describeIoError(error, code, `create segment ${filePath}`);
    }
  }

  // Best effort: keeps the records of a refused write from reappearing on reopen. Truncation
  // needs no free space. If it fails, they may reappear, like any unacknowledged write.
  private async undoPartialWrite(segment: Segment, size: number): Promise<void> {
    try {
      await segment.file.truncate(size);
      await segment.file.sync();
    } catch {
      // the WAL is failing anyway; the original error is the one to report
    }
  }

  private describeIoError(error: unknown, code: 'WAL_NO_SPACE' | 'WAL_SYNC_FAILED' | 'WAL_WRITE_FAILED', action: string): WalError {
    const detail = error instanceof Error ? error.message : String(error);
    const advice = code === 'WAL_NO_SPACE' ? '; free disk space and reopen the WAL' : '; reopen the WAL to recover';
    return new WalError(code, `WAL ${this.dir}: ${action} failed: ${detail}; records not acknowledged${advice}`, { cause: error });
  }

  private fail(cause: Error): void {
    if (this.failure) return;
    const failure = new WalError('WAL_FAILED', `WAL ${this.dir} refuses writes after an I/O error (${cause.message})`, { cause });
    this.failure = failure;
  }

  private async readShared(fromIndex: number, maxBytes: number): Promise<WalRecord[]> {
    const lastDurable = this.durableIndex;
    if (fromIndex > lastDurable) return [];
    if (fromIndex < this.firstIndex) {
      throw new WalError('WAL_INDEX_OUT_OF_RANGE', `index ${fromIndex} is below the first index ${this.firstIndex}`);
    }
    const segment = this.segmentFor(fromIndex);
    const lastHere = Math.min(segment.lastIndex, lastDurable);
    const start = segment.startOf(fromIndex);
    let lastIndex = fromIndex;
    while (lastIndex < lastHere && segment.endOf(lastIndex + 1) - start <= maxBytes) lastIndex++;
    const bytes = Buffer.allocUnsafe(segment.endOf(lastIndex) - start);
    const read = await readFully(segment.file, bytes, 0, bytes.length, start);
    if (read !== bytes.length) throw new WalCorruptionError(segment.filePath, start + read, 'file is shorter than its index');
    const records: WalRecord[] = [];
    let offset = 0;
    for (let index = fromIndex; index <= lastIndex; index++) {
      const check = checkRecord(bytes, offset, this.maxRecordBytes);
      if (!check.ok) throw new WalCorruptionError(segment.filePath, start + offset, check.reason);
      const payloadStart = offset + RECORD_HEADER_BYTES;
      records.push({ index, payload: bytes.subarray(payloadStart, payloadStart + check.payloadLength) });
      offset = payloadStart + check.payloadLength;
    }
    return records;
  }

  private segmentFor(index: number): Segment {
    let low = 0;
    let high = this.segments.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.segments[middle].firstIndex <= index) low = middle;
      else high = middle - 1;
    }
    return this.segments[low];
  }
}
