import type { Keyspace, KeyspaceObserver } from '@strata/commands';
import type { StorageAdapter } from '@strata/store';
import type { Logger } from '@strata/telemetry';
import { Checkpointer, checkpointMetaName, type CheckpointOutcome } from './checkpointer';
import { HybridClock } from './clock';
import { DirtyTracker } from './dirty';
import { loadAll, type LoadProgress } from './loader';

export interface TxServiceOptions {
  keyspace: Keyspace;
  adapter: StorageAdapter;
  log: Logger;
  /** Seconds between checkpoints (checkpoint_interval). */
  checkpointIntervalSec: number;
  /** A checkpoint also starts once this many keys became dirty since the last one started. */
  dirtyThreshold?: number;
  batchSize?: number;
  clock?: HybridClock;
}

/**
 * The kv-server's transaction service, data store stage: dirty tracking, checkpoints to the
 * store, loading at start. Later stages hang off the same object: the WAL (turn numbers and
 * prefix durability around the dispatcher, checkpoints of durable versions only, then
 * UpdateCheckpoint on each log group), cold data (accounted memory, eviction of clean entries,
 * fetch on miss instead of loadAll) and recovery (AcquireWriter, replay after the checkpoint
 * read in open()).
 */
export class TxService {
  readonly clock: HybridClock;
  readonly tracker: DirtyTracker;
  readonly checkpointer: Checkpointer;
  /** True from construction until the dataset is loaded: clients get -LOADING. */
  loading = true;
  loadProgress: LoadProgress = { loaded: 0, expired: 0, undecodable: 0, maxTs: 0 };
  /** The checkpoint timestamp found in the store at start (0 = none). */
  recoveredCheckpointTs = 0;
  /** The node group that writes; set once the address is known (node-<ip>:<port>). */
  writer = 'node-unknown';
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly o: TxServiceOptions) {
    this.clock = o.clock ?? new HybridClock();
    this.tracker = new DirtyTracker(o.keyspace.dbs.length, this.clock, o.dirtyThreshold);
    this.checkpointer = new Checkpointer({
      keyspace: o.keyspace,
      tracker: this.tracker,
      clock: this.clock,
      adapter: o.adapter,
      writer: () => this.writer,
      log: o.log,
      batchSize: o.batchSize,
    });
    this.tracker.onThreshold = () => setImmediate(() => void this.checkpoint('dirty keys'));
  }

  get adapter(): StorageAdapter {
    return this.o.adapter;
  }

  /** Wraps the server's observer: every write also marks the key dirty. */
  observe(inner: KeyspaceObserver): KeyspaceObserver {
    const tracker = this.tracker;
    return {
      modified(db, key) {
        inner.modified(db, key);
        tracker.modified(db, key);
      },
      expired: (db, key) => inner.expired(db, key),
      onFlush(db) {
        inner.onFlush?.(db);
        tracker.flushed(db);
      },
      onSwap(a, b) {
        inner.onSwap?.(a, b);
        tracker.swapped(a, b);
      },
    };
  }

  /** Opens the store (fails fast on a bad configuration, before the port is taken). */
  async openStore(): Promise<void> {
    await this.o.adapter.open();
  }

  /** Loads the dataset, then starts the checkpoint timer. */
  async load(): Promise<LoadProgress> {
    const { log } = this.o;
    const meta = await this.o.adapter.getMeta(checkpointMetaName(this.writer));
    this.recoveredCheckpointTs = meta === null ? 0 : Number(meta.toString());
    if (Number.isFinite(this.recoveredCheckpointTs)) this.clock.observe(this.recoveredCheckpointTs);
    const started = Date.now();
    log.info('loading the dataset from the store', { store: this.o.adapter.kind, writer: this.writer, checkpointTs: this.recoveredCheckpointTs });
    this.loadProgress = await loadAll({
      keyspace: this.o.keyspace,
      adapter: this.o.adapter,
      clock: this.clock,
      tracker: this.tracker,
      log,
      onProgress: (p) => (this.loadProgress = p),
    });
    this.loading = false;
    const p = this.loadProgress;
    log.info('dataset loaded', { keys: p.loaded, expired: p.expired, undecodable: p.undecodable, maxCommitTs: p.maxTs, ms: Date.now() - started });
    if (!this.closed) {
      this.timer = setInterval(() => void this.checkpoint('interval'), this.o.checkpointIntervalSec * 1000);
      this.timer.unref();
    }
    return p;
  }

  checkpoint(reason: string): Promise<CheckpointOutcome> {
    return this.checkpointer.run(reason).then((outcome) => {
      // Go again at once when FLUSHDB/SWAPDB cut this one short, or when writes dirtied another
      // threshold's worth of keys meanwhile (the trigger fired while this one was running).
      const again = outcome === 'restarted' ? 'restart' : outcome === 'done' && this.tracker.overThreshold ? 'dirty keys' : null;
      if (again !== null && !this.closed) setImmediate(() => void this.checkpoint(again));
      return outcome;
    });
  }

  /**
   * Clean shutdown: clients are gone, so one last checkpoint stores everything. Returns false
   * when it could not (the store is down): what was not stored is lost, as in any crash.
   */
  async close(): Promise<boolean> {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    let ok = true;
    if (!this.loading) {
      // A restart (FLUSHDB during the flight) leaves work for one more round.
      for (let round = 0; round < 3; round++) {
        const outcome = await this.checkpointer.runFresh('shutdown');
        ok = outcome === 'done';
        if (outcome !== 'restarted') break;
      }
    }
    await this.o.adapter.close();
    return ok;
  }
}
