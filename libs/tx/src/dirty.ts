import type { HybridClock } from './clock';

/**
 * What the checkpointer still owes the store for one key: the commitTs of the newest write (the
 * version a checkpoint stores, and the check that clears the mark) and of the oldest write not
 * yet stored (what bounds the checkpoint timestamp while a key cannot be stored).
 */
export interface DirtyMark {
  first: number;
  last: number;
}

/** Per database: key → mark. Swapped along with the data by SWAPDB, replaced by FLUSHDB. */
export type DirtyMap = Map<string, DirtyMark>;

/** A database-level operation the store must apply, in order, before the keys dirtied after it. */
export type TableOp = { kind: 'clear'; db: number; commitTs: number } | { kind: 'swap'; a: number; b: number; commitTs: number };

/**
 * The set of keys written since they were last stored, fed by the keyspace observer.
 *
 * commitTs: one HybridClock.now() per modified() call. Every write of a command gets its own
 * strictly increasing timestamp; nothing needs a per-command value until the WAL groups a turn's
 * effects under one commitTs, and that stage will stamp turns in the dispatcher and pass the
 * turn's timestamp in here instead.
 *
 * A deleted key keeps its mark: the checkpoint finds it absent and writes a tombstone.
 * FLUSHDB/FLUSHALL and SWAPDB become table operations (clearTable, swapTables: O(1) in every
 * adapter), queued in order; the marks move with the data (swap) or are dropped (flush: the
 * cleared table needs no tombstones).
 */
export class DirtyTracker {
  private readonly maps: DirtyMap[];
  /** Table operations not yet applied to the store, oldest first. */
  readonly ops: TableOp[] = [];
  /**
   * Bumped by every table operation: a checkpoint that read (db, key) pairs before it must not
   * read more of them afterwards, since the data under a db index may have moved.
   */
  generation = 0;
  /** While loading from the store, writes are the store's own data: nothing to write back. */
  suspended = false;
  /** Marks created since the last takeNewCount(): the dirty-count trigger of the checkpointer. */
  private created = 0;
  /** Called (synchronously, from a write) when created reaches threshold. */
  onThreshold?: () => void;

  constructor(
    databases: number,
    private readonly clock: HybridClock,
    private readonly threshold = 100_000,
  ) {
    this.maps = Array.from({ length: databases }, () => new Map());
  }

  modified(db: number, key: string): void {
    if (this.suspended) return;
    const ts = this.clock.now();
    const map = this.maps[db];
    const mark = map.get(key);
    if (mark !== undefined) {
      mark.last = ts;
      return;
    }
    map.set(key, { first: ts, last: ts });
    if (++this.created === this.threshold) this.onThreshold?.();
  }

  flushed(db: number): void {
    if (this.suspended) return;
    this.maps[db] = new Map();
    this.ops.push({ kind: 'clear', db, commitTs: this.clock.now() });
    this.generation++;
  }

  swapped(a: number, b: number): void {
    if (this.suspended) return;
    const m = this.maps[a];
    this.maps[a] = this.maps[b];
    this.maps[b] = m;
    this.ops.push({ kind: 'swap', a, b, commitTs: this.clock.now() });
    this.generation++;
  }

  /** The current map of a database (a checkpoint keeps the reference: marks are cleared in it). */
  mapOf(db: number): DirtyMap {
    return this.maps[db];
  }

  get databases(): number {
    return this.maps.length;
  }

  /** Dirty keys across all databases. */
  get size(): number {
    let n = 0;
    for (const m of this.maps) n += m.size;
    return n;
  }

  /** The dirty-count trigger was reached since the last resetCreated() (the writes outran a checkpoint). */
  get overThreshold(): boolean {
    return this.created >= this.threshold;
  }

  /** Restarts the dirty-count trigger (a checkpoint is starting). */
  resetCreated(): void {
    this.created = 0;
  }

  /**
   * The version stored at commitTs `stored` is durable: drop the mark, unless a later write
   * happened meanwhile (then only the writes after `stored` remain owed).
   */
  stored(map: DirtyMap, key: string, stored: number): void {
    const mark = map.get(key);
    if (mark === undefined) return;
    if (mark.last === stored) map.delete(key);
    else if (mark.first <= stored) mark.first = stored + 1;
  }
}
