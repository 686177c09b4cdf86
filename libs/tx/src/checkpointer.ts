import { keySlot } from '@strata/cluster';
import { encodeValue, typeOf, UnsupportedValueError, type Keyspace } from '@strata/commands';
import type { StorageAdapter, WriteItem } from '@strata/store';
import type { Logger } from '@strata/telemetry';
import type { HybridClock } from './clock';
import type { DirtyMap, DirtyTracker, TableOp } from './dirty';

export function tableName(db: number): string {
  return `db${db}`;
}

/** Metadata row holding a writer's checkpoint timestamp (decimal text of the commitTs). */
export function checkpointMetaName(writer: string): string {
  return `checkpoint/${writer}`;
}

export interface CheckpointerOptions {
  keyspace: Keyspace;
  tracker: DirtyTracker;
  clock: HybridClock;
  adapter: StorageAdapter;
  /** The writer (node group) whose checkpoint timestamp is recorded; may be set after start. */
  writer: () => string;
  log: Logger;
  /** Items per batchWrite. */
  batchSize?: number;
}

export interface CheckpointStats {
  /** Checkpoints completed (everything dirty at their start stored and the timestamp written). */
  completed: number;
  failures: number;
  /** Cut short by FLUSHDB/SWAPDB while in flight; the rest went to the next one. */
  restarts: number;
  inProgress: boolean;
  /** Timestamp T of the last completed checkpoint: every write with commitTs <= T is stored. */
  lastTs: number;
  /** Wall clock (ms) when the last one completed. */
  lastAt: number;
  lastKeys: number;
  lastDurationMs: number;
  lastError: string;
  /** Items (values and tombstones) written since start. */
  keysWritten: number;
  /** Keys whose value has no storage encoding yet (streams): they stay dirty. */
  unencodable: number;
}

export type CheckpointOutcome = 'done' | 'failed' | 'restarted';

interface Pending {
  db: number;
  map: DirtyMap;
  key: string;
}

/**
 * Writes dirty keys to the store, then the checkpoint timestamp (ARCHITECTURE.md, write path
 * step 7). One checkpoint at a time:
 *
 * 1. Apply queued table operations (FLUSHDB → clearTable, SWAPDB → swapTables), in order.
 * 2. Take T = clock.now() and the list of dirty keys, synchronously: every write with commitTs
 *    <= T is either in the list or undone by an operation applied in step 1.
 * 3. In batches: read each key's current value (encoded on the spot, so nothing is copied up
 *    front), or a tombstone when it is gone or expired; batchWrite at QUORUM; then clear each mark
 *    whose commitTs is still the one written (writes during the flight stay dirty).
 * 4. putMeta('checkpoint/<writer>', T'), T' = T lowered below the oldest write of any key that
 *    could not be stored (streams): "everything up to T' is stored" must stay true, because the
 *    WAL stage will let the log truncate below it.
 *
 * A failing store leaves everything dirty (queued operations stay queued) and the next interval
 * retries; batchWrite is newer-wins and idempotent, so a retry after a partial write is harmless.
 */
export class Checkpointer {
  readonly stats: CheckpointStats = {
    completed: 0,
    failures: 0,
    restarts: 0,
    inProgress: false,
    lastTs: 0,
    lastAt: 0,
    lastKeys: 0,
    lastDurationMs: 0,
    lastError: '',
    keysWritten: 0,
    unencodable: 0,
  };
  private running: Promise<CheckpointOutcome> | null = null;
  private warnedUnencodable = false;
  private readonly batchSize: number;

  constructor(private readonly o: CheckpointerOptions) {
    this.batchSize = o.batchSize ?? 500;
  }

  /** Runs a checkpoint, or joins the one in flight. */
  run(reason: string): Promise<CheckpointOutcome> {
    if (this.running === null) {
      this.running = this.checkpoint(reason).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** Waits for the one in flight, then runs a fresh one (shutdown: everything written so far). */
  async runFresh(reason: string): Promise<CheckpointOutcome> {
    if (this.running !== null) await this.running;
    return this.run(reason);
  }

  get busy(): boolean {
    return this.running !== null;
  }

  private async checkpoint(reason: string): Promise<CheckpointOutcome> {
    const { tracker, clock, adapter, log } = this.o;
    const started = Date.now();
    this.stats.inProgress = true;
    let written = 0;
    try {
      await this.applyTableOps();
      const T = clock.now();
      const generation = tracker.generation;
      tracker.resetCreated();
      const pending: Pending[] = [];
      for (let db = 0; db < tracker.databases; db++) {
        const map = tracker.mapOf(db);
        for (const key of map.keys()) pending.push({ db, map, key });
      }
      let floor = T;
      let skipped = 0;
      for (let i = 0; i < pending.length; i += this.batchSize) {
        if (tracker.generation !== generation) {
          this.stats.restarts++;
          log.info('checkpoint restarted: FLUSHDB/SWAPDB while in flight', { reason, written, remaining: pending.length - i });
          return 'restarted';
        }
        const batch = this.encode(pending.slice(i, i + this.batchSize));
        skipped += batch.skipped.length;
        for (const m of batch.skipped) floor = Math.min(floor, m - 1);
        if (batch.items.length === 0) continue;
        await adapter.batchWrite(batch.items, { consistency: 'quorum' });
        batch.items.forEach((item, j) => tracker.stored(batch.refs[j].map, batch.refs[j].key, item.commitTs));
        written += batch.items.length;
        this.stats.keysWritten += batch.items.length;
      }
      this.stats.unencodable = skipped;
      await adapter.putMeta(checkpointMetaName(this.o.writer()), Buffer.from(String(floor)), { consistency: 'quorum' });
      Object.assign(this.stats, { completed: this.stats.completed + 1, lastTs: floor, lastAt: Date.now(), lastKeys: written, lastDurationMs: Date.now() - started, lastError: '' });
      if (written > 0 || skipped > 0) log.info('checkpoint done', { reason, checkpointTs: floor, keys: written, unencodable: skipped, ms: Date.now() - started });
      return 'done';
    } catch (e) {
      this.stats.failures++;
      this.stats.lastError = (e as Error).message;
      log.warn('checkpoint failed; dirty data stays in memory and is retried', { reason, written, error: (e as Error).message });
      return 'failed';
    } finally {
      this.stats.inProgress = false;
    }
  }

  private async applyTableOps(): Promise<void> {
    const ops = this.o.tracker.ops;
    while (ops.length > 0) {
      const op: TableOp = ops[0];
      if (op.kind === 'clear') await this.o.adapter.clearTable(tableName(op.db));
      else await this.o.adapter.swapTables(tableName(op.a), tableName(op.b));
      // Only now: a failed operation stays first in the queue, ahead of the writes after it.
      ops.shift();
    }
  }

  /** Reads and encodes one batch synchronously, so each item is one consistent version. */
  private encode(batch: Pending[]): { items: WriteItem[]; refs: Pending[]; skipped: number[] } {
    const ks = this.o.keyspace;
    const items: WriteItem[] = [];
    const refs: Pending[] = [];
    const skipped: number[] = [];
    for (const p of batch) {
      const mark = p.map.get(p.key);
      if (mark === undefined) continue;
      const e = ks.dbs[p.db].peekRaw(p.key);
      const live = e !== undefined && (e.expireAt === 0 || e.expireAt > Date.now());
      let value: Buffer | null = null;
      if (live) {
        try {
          value = encodeValue(e.value);
        } catch (err) {
          if (!(err instanceof UnsupportedValueError)) throw err;
          skipped.push(mark.first);
          if (!this.warnedUnencodable) {
            this.warnedUnencodable = true;
            this.o.log.warn('values of this type cannot be stored yet; such keys stay dirty and in memory only', { type: typeOf(e.value), key: p.key, error: err.message });
          }
          continue;
        }
      }
      items.push({ table: tableName(p.db), slot: keySlot(p.key), key: Buffer.from(p.key, 'latin1'), value, commitTs: mark.last, expireAt: live ? e.expireAt : 0 });
      refs.push(p);
    }
    return { items, refs, skipped };
  }
}
