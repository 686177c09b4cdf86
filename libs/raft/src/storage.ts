// The log the application holds durably, as raft reads it (etcd's Storage), and an in-memory
// implementation used by the simulator and usable as a cache in front of a WAL.
import { ConfState, EMPTY_HARD_STATE, Entry, HardState, Snapshot, limitSize } from './types';

/** The requested index is below the first retained index (it was compacted into a snapshot). */
export class CompactedError extends Error {
  constructor() {
    super('requested index is unavailable due to compaction');
  }
}

/** The requested index is beyond the last index in storage. */
export class UnavailableError extends Error {
  constructor() {
    super('requested entry at index is unavailable');
  }
}

/** The snapshot is being produced; raft retries later. */
export class SnapshotTemporarilyUnavailableError extends Error {
  constructor() {
    super('snapshot is temporarily unavailable');
  }
}

export class SnapshotOutOfDateError extends Error {
  constructor() {
    super('requested index is older than the existing snapshot');
  }
}

export interface InitialState {
  hardState: HardState;
  confState: ConfState;
}

/**
 * Read access to the durable log. Everything returned here must already be persisted: raft treats
 * storage as stable and keeps newer entries in its own unstable buffer until Ready hands them out.
 */
export interface Storage {
  initialState(): InitialState;
  /** Entries in [lo, hi), limited to maxSize bytes but at least one. Throws CompactedError/UnavailableError. */
  entries(lo: number, hi: number, maxSize: number): Entry[];
  /** Term of entry i, for i in [firstIndex()-1, lastIndex()]. Throws CompactedError/UnavailableError. */
  term(i: number): number;
  lastIndex(): number;
  /** Index of the first entry that may still be read (the one after the snapshot). */
  firstIndex(): number;
  /** The most recent snapshot; may throw SnapshotTemporarilyUnavailableError. */
  snapshot(): Snapshot;
}

export class MemoryStorage implements Storage {
  private hardState: HardState = { ...EMPTY_HARD_STATE };
  private snap: Snapshot = { data: new Uint8Array(0), metadata: { index: 0, term: 0, confState: { voters: [], learners: [] } } };
  // ents[0] is a dummy entry standing for the snapshot's (index, term).
  private ents: Entry[] = [{ term: 0, index: 0, type: 0, data: new Uint8Array(0) }];

  /**
   * Storage for a new group: a snapshot at index 1, term 1 holding the initial membership, so that
   * every later joiner must receive a snapshot (and with it the full membership) first.
   */
  static bootstrap(confState: ConfState): MemoryStorage {
    const s = new MemoryStorage();
    s.applySnapshot({ data: new Uint8Array(0), metadata: { index: 1, term: 1, confState: copyConfState(confState) } });
    s.setHardState({ term: 1, vote: 0, commit: 1 });
    return s;
  }

  initialState(): InitialState {
    return { hardState: { ...this.hardState }, confState: copyConfState(this.snap.metadata.confState) };
  }

  hardStateNow(): HardState {
    return { ...this.hardState };
  }

  setHardState(hs: HardState): void {
    this.hardState = { ...hs };
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] {
    const offset = this.ents[0].index;
    if (lo <= offset) throw new CompactedError();
    if (hi > this.lastIndex() + 1) throw new Error(`entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
    // Only the dummy entry left: nothing readable.
    if (this.ents.length === 1) throw new UnavailableError();
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxSize);
  }

  term(i: number): number {
    const offset = this.ents[0].index;
    if (i < offset) throw new CompactedError();
    if (i - offset >= this.ents.length) throw new UnavailableError();
    return this.ents[i - offset].term;
  }

  lastIndex(): number {
    return this.ents[0].index + this.ents.length - 1;
  }

  firstIndex(): number {
    return this.ents[0].index + 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole contents with a snapshot (a follower receiving one from the leader). */
  applySnapshot(snap: Snapshot): void {
    if (this.snap.metadata.index >= snap.metadata.index) throw new SnapshotOutOfDateError();
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 0, data: new Uint8Array(0) }];
  }

  /** Records a snapshot of the application's state at applied index i; does not compact. */
  createSnapshot(i: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (i <= this.snap.metadata.index) throw new SnapshotOutOfDateError();
    const offset = this.ents[0].index;
    if (i > this.lastIndex()) throw new Error(`snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    this.snap = { data, metadata: { index: i, term: this.ents[i - offset].term, confState: copyConfState(confState) } };
    return this.snap;
  }

  /** Discards entries up to and including compactIndex (which must not exceed the applied index). */
  compact(compactIndex: number): void {
    const offset = this.ents[0].index;
    if (compactIndex <= offset) throw new CompactedError();
    if (compactIndex > this.lastIndex()) throw new Error(`compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    const i = compactIndex - offset;
    const dummy: Entry = { term: this.ents[i].term, index: this.ents[i].index, type: 0, data: new Uint8Array(0) };
    this.ents = [dummy, ...this.ents.slice(i + 1)];
  }

  /** Appends entries, replacing any existing suffix they conflict with. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0].index + entries.length - 1;
    if (last < first) return; // all already compacted
    const toAdd = first > entries[0].index ? entries.slice(first - entries[0].index) : entries;
    const offset = toAdd[0].index - this.ents[0].index;
    if (offset > this.ents.length) throw new Error(`missing log entry [last: ${this.lastIndex()}, append at: ${toAdd[0].index}]`);
    this.ents = this.ents.slice(0, offset).concat(toAdd);
  }
}

export function copyConfState(cs: ConfState): ConfState {
  return { voters: [...cs.voters], learners: [...cs.learners] };
}
