// One replica of one log group: a RawNode, its WAL-backed storage and the log state machine,
// driven by a loop that handles one Ready at a time: persist (one fsync), send, apply, advance.
// Callers propose commands and get the apply result once the entry is committed (quorum fsynced).
import {
  ConfChange,
  ConfChangeType,
  ConfState,
  EntryType,
  Message,
  ProgressState,
  RawNode,
  Ready,
  SeededRand,
  Snapshot,
  StateType,
  Status,
  decodeConfChange,
} from '@strata/raft';
import { Command, decodeCommand, encodeCommand } from './commands';
import { LogStorage } from './raft-storage';
import { ReplicaDisk } from './replica-disk';
import { ApplyResult, ErrorCodeName, LogStateMachine } from './state-machine';

/** An error with one of the proto's error codes, and the leader's id when NOT_LEADER. */
export class LogServiceError extends Error {
  constructor(
    readonly code: ErrorCodeName,
    message: string,
    readonly leaderId = 0,
  ) {
    super(message);
  }
}

export interface ReplicaOptions {
  groupId: number;
  nodeId: number;
  /** Ticks without a leader before campaigning (randomized in [e, 2e)). */
  electionTick?: number;
  heartbeatTick?: number;
  /** Take a snapshot (and compact) after this many applied entries... */
  snapshotEntries?: number;
  /** ...or this many bytes of entries since the last one. */
  snapshotBytes?: number;
  /** Entries kept behind a snapshot so a slightly lagging follower needs no snapshot. */
  compactionSlack?: number;
  /** Called with outgoing messages (already persisted-safe). */
  send(messages: Message[]): void;
  /** Called once when the disk fails: the replica stops taking part. */
  onFailure?(error: Error): void;
  log?(msg: string, fields: Record<string, unknown>): void;
}

interface Pending {
  resolve(result: ApplyResult): void;
  reject(error: Error): void;
}

/** Proposal ids: a random per-replica-instance prefix and a counter, below 2^53. */
function proposalIdSource(): () => number {
  const base = Math.floor(Math.random() * 0x100000) * 0x1_0000_0000;
  let counter = 0;
  return () => base + (++counter % 0x1_0000_0000);
}

export class Replica {
  readonly groupId: number;
  readonly nodeId: number;
  readonly sm = new LogStateMachine();
  readonly raw: RawNode;
  appliedIndex: number;
  confState: ConfState;
  failure: Error | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly readWaiters = new Map<string, (index: number) => void>();
  private readonly appliedWaiters: { index: number; resolve: () => void }[] = [];
  private readonly nextProposalId = proposalIdSource();
  private readCounter = 0;
  private running = false;
  /** The driver loop in progress, if any (stop() waits for it). */
  private loop: Promise<void> | undefined;
  private scheduled = false;
  private stopped = false;
  private appliedAtSnapshot: number;
  private bytesAtSnapshot = 0;
  private readonly opts: Required<Pick<ReplicaOptions, 'snapshotEntries' | 'snapshotBytes' | 'compactionSlack'>> & ReplicaOptions;

  constructor(
    options: ReplicaOptions,
    private readonly disk: ReplicaDisk,
    readonly storage: LogStorage,
  ) {
    this.opts = { snapshotEntries: 50_000, snapshotBytes: 64 << 20, compactionSlack: 5_000, ...options };
    this.groupId = options.groupId;
    this.nodeId = options.nodeId;
    const snap = storage.snapshot();
    this.sm.restore(snap.data);
    this.appliedIndex = snap.metadata.index;
    this.appliedAtSnapshot = snap.metadata.index;
    this.confState = snap.metadata.confState;
    this.raw = new RawNode({
      id: options.nodeId,
      storage,
      electionTick: options.electionTick ?? 10,
      heartbeatTick: options.heartbeatTick ?? 1,
      random: new SeededRand((Date.now() ^ (options.nodeId * 7919) ^ (options.groupId * 104729)) >>> 0),
      applied: snap.metadata.index,
      maxSizePerMsg: 4 << 20,
      maxInflightMsgs: 256,
      checkQuorum: true,
      preVote: true,
    });
  }

  /** Opens (or creates empty) a replica from its WAL directory. */
  static async open(options: ReplicaOptions, dir: string, files?: import('@strata/wal').FileLayer): Promise<Replica> {
    const { disk, recovered } = await ReplicaDisk.open({ dir, files });
    const storage = new LogStorage();
    if (recovered.snapshot) storage.applySnapshot(recovered.snapshot);
    if (recovered.entries.length > 0) {
      // Entries come from the WAL with their own record indexes.
      for (let i = 0; i < recovered.entries.length; i++) storage.append([recovered.entries[i]], recovered.entryWalIndexes[i]);
    }
    storage.setHardState(recovered.hardState);
    return new Replica(options, disk, storage);
  }

  /** Writes the initial snapshot of a new group (index 1, term 1) into an empty WAL directory. */
  static async bootstrap(dir: string, voters: number[], snapshotData: Uint8Array, files?: import('@strata/wal').FileLayer): Promise<void> {
    const { disk } = await ReplicaDisk.open({ dir, files });
    if (disk.wal.lastIndex >= disk.wal.firstIndex) {
      await disk.close();
      throw new Error(`${dir} is not empty; refusing to bootstrap over it`);
    }
    const snapshot: Snapshot = { data: snapshotData, metadata: { index: 1, term: 1, confState: { voters, learners: [] } } };
    await disk.persist(snapshot, [], { term: 1, vote: 0, commit: 1 }, true);
    await disk.close();
  }

  get isLeader(): boolean {
    return this.raw.raft.state === StateType.Leader;
  }

  get leaderId(): number {
    return this.raw.raft.lead;
  }

  tick(): void {
    if (this.stopped || this.failure) return;
    this.raw.tick();
    this.schedule();
  }

  step(m: Message): void {
    if (this.stopped || this.failure) return;
    try {
      this.raw.step(m);
    } catch (e) {
      this.log('raft step failed', { error: (e as Error).message, type: m.type, from: m.from });
      return;
    }
    this.schedule();
  }

  /** Proposes a command on the leader; resolves with its apply result once committed and applied. */
  propose(build: (proposalId: number) => Command): Promise<ApplyResult> {
    try {
      this.checkLeader();
    } catch (e) {
      return Promise.reject(e);
    }
    const proposalId = this.nextProposalId();
    const data = encodeCommand(build(proposalId));
    try {
      this.raw.propose(data);
    } catch (e) {
      return Promise.reject(new LogServiceError('NOT_LEADER', (e as Error).message, this.leaderId));
    }
    this.schedule();
    return new Promise<ApplyResult>((resolve, reject) => this.pending.set(proposalId, { resolve, reject }));
  }

  proposeConfChange(cc: ConfChange): void {
    this.checkLeader();
    this.raw.proposeConfChange(cc);
    this.schedule();
  }

  transferLeader(to: number): void {
    this.checkLeader();
    this.raw.transferLeader(to);
    this.schedule();
  }

  private checkLeader(): void {
    if (this.failure) throw new LogServiceError('STORAGE_FAILED', `replica ${this.nodeId} of group ${this.groupId}: ${this.failure.message}`);
    if (this.stopped) throw new LogServiceError('UNAVAILABLE', 'replica is stopping');
    if (!this.isLeader) throw new LogServiceError('NOT_LEADER', `node ${this.nodeId} is not the leader of group ${this.groupId}`, this.leaderId);
  }

  /**
   * Linearizable read barrier (Raft ReadIndex): resolves once this replica, still the leader when
   * the quorum answered, has applied everything committed before the call.
   */
  async readBarrier(): Promise<void> {
    this.checkLeader(); // async function: a throw here rejects the promise
    const ctx = `${this.nodeId}:${++this.readCounter}`;
    const index = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.readWaiters.delete(ctx);
        reject(new LogServiceError('UNAVAILABLE', 'read index timed out (no quorum?)', this.leaderId));
      }, 5000);
      this.readWaiters.set(ctx, (i) => {
        clearTimeout(timer);
        resolve(i);
      });
      this.raw.readIndex(Buffer.from(ctx));
      this.schedule();
    });
    if (this.appliedIndex >= index) return;
    await new Promise<void>((resolve) => this.appliedWaiters.push({ index, resolve }));
  }

  status(): Status {
    return this.raw.status();
  }

  private log(msg: string, fields: Record<string, unknown>): void {
    this.opts.log?.(msg, { group: this.groupId, node: this.nodeId, ...fields });
  }

  private schedule(): void {
    if (this.running || this.scheduled || this.stopped || this.failure) return;
    this.scheduled = true;
    // setImmediate: messages and proposals arriving in this event-loop turn join one Ready.
    setImmediate(() => {
      this.scheduled = false;
      this.loop = this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.stopped && !this.failure && this.raw.hasReady()) await this.handleReady(this.raw.ready());
    } catch (e) {
      this.fail(e as Error);
    } finally {
      this.running = false;
    }
  }

  private async handleReady(rd: Ready): Promise<void> {
    if (rd.softState) {
      // Leader and role changes are rare and are what an operator needs to follow a failover.
      this.log('raft role changed', { state: rd.softState.state, leader: rd.softState.lead, term: this.raw.raft.term });
      if (rd.softState.state !== StateType.Leader) this.failPending('leadership changed');
    }
    // 1. persist: snapshot, entries and hard state in one group commit.
    if (rd.snapshot || rd.entries.length > 0 || rd.hardState) {
      const firstWal = await this.disk.persist(rd.snapshot, rd.entries, rd.hardState, rd.mustSync);
      if (rd.snapshot) this.storage.applySnapshot(rd.snapshot);
      if (rd.entries.length > 0) this.storage.append(rd.entries, firstWal);
      if (rd.hardState) this.storage.setHardState(rd.hardState);
    }
    // 2. send: only now may a vote or an append acknowledgement promise durable state.
    if (rd.messages.length > 0) this.opts.send(rd.messages);
    // 3. apply.
    let confChanged = false;
    if (rd.snapshot) {
      this.sm.restore(rd.snapshot.data);
      this.appliedIndex = rd.snapshot.metadata.index;
      this.appliedAtSnapshot = this.appliedIndex;
      this.bytesAtSnapshot = this.storage.entryBytes;
      this.confState = rd.snapshot.metadata.confState;
    }
    for (const e of rd.committedEntries) {
      if (e.index <= this.appliedIndex) continue;
      if (e.type === EntryType.ConfChange) {
        this.confState = this.raw.applyConfChange(decodeConfChange(e.data));
        confChanged = true;
        this.log('membership changed', { index: e.index, voters: this.confState.voters, learners: this.confState.learners });
      } else if (e.data.length > 0) {
        const command = decodeCommand(e.data);
        const result = this.sm.apply(command);
        const waiter = this.pending.get(command.proposalId);
        if (waiter) {
          this.pending.delete(command.proposalId);
          waiter.resolve(result);
        }
      }
      this.appliedIndex = e.index;
    }
    for (const rs of rd.readStates) {
      const ctx = Buffer.from(rs.requestCtx).toString();
      const waiter = this.readWaiters.get(ctx);
      if (waiter) {
        this.readWaiters.delete(ctx);
        waiter(rs.index);
      }
    }
    this.raw.advance(rd);
    this.wakeAppliedWaiters();
    await this.maybeSnapshot(confChanged);
  }

  private wakeAppliedWaiters(): void {
    for (let i = this.appliedWaiters.length - 1; i >= 0; i--) {
      if (this.appliedWaiters[i].index <= this.appliedIndex) {
        this.appliedWaiters[i].resolve();
        this.appliedWaiters.splice(i, 1);
      }
    }
  }

  /**
   * Snapshots the state machine (which holds every record still needed) and compacts the log:
   * after a membership change (a joiner must start from a snapshot that includes it), or when the
   * log grew by snapshotEntries entries or snapshotBytes bytes.
   */
  private async maybeSnapshot(confChanged: boolean): Promise<void> {
    const sinceEntries = this.appliedIndex - this.appliedAtSnapshot;
    const sinceBytes = this.storage.entryBytes - this.bytesAtSnapshot;
    if (this.appliedIndex <= this.storage.snapshot().metadata.index) return;
    if (!confChanged && sinceEntries < this.opts.snapshotEntries && sinceBytes < this.opts.snapshotBytes) return;
    const snap = this.storage.createSnapshot(this.appliedIndex, this.confState, this.sm.encodeSnapshot());
    await this.disk.saveSnapshot(snap);
    this.appliedAtSnapshot = this.appliedIndex;
    const compactTo = this.appliedIndex - this.opts.compactionSlack;
    if (compactTo >= this.storage.firstIndex()) {
      this.storage.compact(compactTo);
      const keepFrom = Math.min(this.disk.snapshotWalIndex, this.storage.lastIndex() >= this.storage.firstIndex() ? this.storage.walIndexOf(this.storage.firstIndex()) : this.disk.snapshotWalIndex);
      await this.disk.truncateBefore(keepFrom);
    }
    this.bytesAtSnapshot = this.storage.entryBytes;
    this.log('snapshot', { index: snap.metadata.index, firstIndex: this.storage.firstIndex(), walSegments: this.disk.wal.segmentCount });
  }

  private failPending(reason: string): void {
    if (this.pending.size === 0) return;
    const error = new LogServiceError('UNKNOWN_OUTCOME', `${reason} before the request committed; resending it is safe`, this.leaderId);
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.log('replica failed; it no longer takes part in its group', { error: error.message });
    const err = new LogServiceError('STORAGE_FAILED', error.message);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.opts.onFailure?.(error);
  }

  /** Replication progress seen by the leader (empty map elsewhere). */
  progress(): Map<number, { match: number; state: ProgressState; isLearner: boolean }> {
    return this.raw.status().progress;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.failPending('replica stopping');
    await this.loop;
    await this.disk.close().catch(() => undefined);
  }

  static addLearner(nodeId: number): ConfChange {
    return { type: ConfChangeType.AddLearner, nodeId };
  }
}
