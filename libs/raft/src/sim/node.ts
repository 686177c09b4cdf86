// A simulated replica: durable MemoryStorage, a volatile RawNode, and a tiny state machine (a rolling
// hash of applied entries). It persists exactly what Ready says; a crash drops everything else.
import { InjectedFaults } from '../raft';
import { Rand } from '../rand';
import { RawNode } from '../rawnode';
import { MemoryStorage } from '../storage';
import { ConfState, Entry, EntryType, Message, NodeId, ReadState, decodeConfChange } from '../types';

export interface NodeOptions {
  electionTick: number;
  heartbeatTick: number;
  maxSizePerMsg: number;
  maxInflightMsgs: number;
  /** Snapshot and compact once this many entries were applied since the last snapshot (0: never). */
  snapshotEvery: number;
  /** Entries kept in the log behind a snapshot, so slightly lagging followers need no snapshot. */
  compactionSlack: number;
  /** Defaults true; scenario tests turn them off to show what they prevent. */
  preVote?: boolean;
  checkQuorum?: boolean;
  faults?: InjectedFaults;
}

/** Hooks the invariant checker uses to observe applies. */
export interface ApplyObserver {
  onApply(node: NodeId, e: Entry, hashAfter: number): void;
  onSnapshotRestore(node: NodeId, index: number, hash: number): void;
}

/** A stable identity for an entry's payload: proposals carry a unique uint32 counter. */
export function entryKey(e: Entry): number {
  if (e.type === EntryType.ConfChange) return 2_000_000_000 + e.data[0] * 100_000 + (e.data[4] | (e.data[3] << 8));
  if (e.data.length === 4) return new DataView(e.data.buffer, e.data.byteOffset, 4).getUint32(0);
  return 0;
}

export function encodeKey(key: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, key);
  return out;
}

function mix(hash: number, e: Entry): number {
  let h = Math.imul(hash ^ e.index, 0x01000193);
  h = Math.imul(h ^ e.term, 0x01000193);
  h = Math.imul(h ^ entryKey(e), 0x01000193);
  return h >>> 0;
}

function encodeSnapshotData(index: number, hash: number): Uint8Array {
  const out = new Uint8Array(8);
  const v = new DataView(out.buffer);
  v.setUint32(0, index);
  v.setUint32(4, hash);
  return out;
}

function decodeSnapshotData(data: Uint8Array): { index: number; hash: number } {
  if (data.length === 0) return { index: 0, hash: 0 };
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { index: v.getUint32(0), hash: v.getUint32(4) };
}

export class SimNode {
  readonly storage: MemoryStorage;
  raw: RawNode | undefined;
  appliedIndex = 0;
  appliedHash = 0;
  confState: ConfState = { voters: [], learners: [] };
  /** Normal entries applied since start, when recording (scenario tests read them). */
  readonly appliedData: Uint8Array[] = [];
  readonly readStates: ReadState[] = [];

  constructor(
    readonly id: NodeId,
    storage: MemoryStorage,
    private readonly options: NodeOptions,
    private readonly observer: ApplyObserver,
    private readonly recordApplied = false,
  ) {
    this.storage = storage;
  }

  get up(): boolean {
    return this.raw !== undefined;
  }

  /** (Re)starts from durable state: the state machine restarts from the snapshot, like a real one. */
  start(random: Rand): void {
    const snap = this.storage.snapshot();
    const restored = decodeSnapshotData(snap.data);
    this.appliedIndex = snap.metadata.index;
    this.appliedHash = restored.hash;
    this.appliedData.length = 0;
    this.confState = { voters: [...snap.metadata.confState.voters], learners: [...snap.metadata.confState.learners] };
    this.raw = new RawNode({
      id: this.id,
      storage: this.storage,
      electionTick: this.options.electionTick,
      heartbeatTick: this.options.heartbeatTick,
      random,
      // The state machine restarts from the snapshot, which may be newer than the first log entry.
      applied: snap.metadata.index,
      maxSizePerMsg: this.options.maxSizePerMsg,
      maxInflightMsgs: this.options.maxInflightMsgs,
      checkQuorum: this.options.checkQuorum ?? true,
      preVote: this.options.preVote ?? true,
      faults: this.options.faults,
    });
  }

  crash(): void {
    this.raw = undefined;
  }

  /** Handles one Ready: persist, then (returned) messages may go out, then apply. */
  handleReady(): Message[] {
    const raw = this.raw;
    if (!raw || !raw.hasReady()) return [];
    const rd = raw.ready();
    let snapshotNow = false;
    if (rd.snapshot) this.storage.applySnapshot(rd.snapshot);
    if (rd.entries.length > 0) this.storage.append(rd.entries);
    if (rd.hardState) this.storage.setHardState(rd.hardState);
    if (rd.snapshot) {
      const restored = decodeSnapshotData(rd.snapshot.data);
      this.appliedIndex = rd.snapshot.metadata.index;
      this.appliedHash = restored.hash;
      this.confState = rd.snapshot.metadata.confState;
      this.observer.onSnapshotRestore(this.id, this.appliedIndex, this.appliedHash);
    }
    for (const e of rd.committedEntries) {
      if (e.index !== this.appliedIndex + 1) throw new Error(`node ${this.id} applies ${e.index} after ${this.appliedIndex}`);
      this.appliedIndex = e.index;
      this.appliedHash = mix(this.appliedHash, e);
      if (e.type === EntryType.ConfChange) {
        this.confState = raw.applyConfChange(decodeConfChange(e.data));
        snapshotNow = true;
      }
      else if (this.recordApplied && e.data.length > 0) this.appliedData.push(e.data);
      this.observer.onApply(this.id, e, this.appliedHash);
    }
    this.readStates.push(...rd.readStates);
    raw.advance(rd);
    this.maybeSnapshot(snapshotNow);
    return rd.messages;
  }

  /**
   * Snapshots every `snapshotEvery` entries, and after every membership change: a joining node can
   * only start from a snapshot whose membership includes it.
   */
  private maybeSnapshot(afterConfChange: boolean): void {
    const every = this.options.snapshotEvery;
    const snapIndex = this.storage.snapshot().metadata.index;
    if (this.appliedIndex <= snapIndex) return;
    if (!afterConfChange && (every <= 0 || this.appliedIndex - snapIndex < every)) return;
    this.storage.createSnapshot(this.appliedIndex, this.confState, encodeSnapshotData(this.appliedIndex, this.appliedHash));
    const compactTo = this.appliedIndex - this.options.compactionSlack;
    if (compactTo > this.storage.firstIndex()) this.storage.compact(compactTo);
  }
}
