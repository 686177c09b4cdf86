// The Raft log as raft reads it (its Storage interface), held in memory in front of the WAL: the
// WAL makes it durable, this serves raft's synchronous reads. Like MemoryStorage, but appends are
// amortized O(1) (MemoryStorage copies the whole array per append) and every entry remembers the
// WAL record it is in, so compaction knows which WAL segments it frees.
import {
  CompactedError,
  ConfState,
  EMPTY_HARD_STATE,
  Entry,
  HardState,
  InitialState,
  Snapshot,
  SnapshotOutOfDateError,
  Storage,
  UnavailableError,
  copyConfState,
  limitSize,
} from '@strata/raft';

export class LogStorage implements Storage {
  private hard: HardState = { ...EMPTY_HARD_STATE };
  private snap: Snapshot = { data: new Uint8Array(0), metadata: { index: 0, term: 0, confState: { voters: [], learners: [] } } };
  /** ents[0] is a dummy standing for the snapshot's (index, term). */
  private ents: Entry[] = [{ term: 0, index: 0, type: 0, data: new Uint8Array(0) }];
  /** WAL index of each entry of `ents` (0 for the dummy). */
  private walIndexes: number[] = [0];
  /** Bytes of entry data held, for the snapshot policy. */
  entryBytes = 0;

  initialState(): InitialState {
    return { hardState: { ...this.hard }, confState: copyConfState(this.snap.metadata.confState) };
  }

  get hardState(): HardState {
    return { ...this.hard };
  }

  setHardState(hs: HardState): void {
    this.hard = { ...hs };
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] {
    const offset = this.ents[0].index;
    if (lo <= offset) throw new CompactedError();
    if (hi > this.lastIndex() + 1) throw new Error(`entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
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

  /** Entry i, if held (for Replay-free uses such as tests). */
  entry(i: number): Entry | undefined {
    const k = i - this.ents[0].index;
    return k >= 1 && k < this.ents.length ? this.ents[k] : undefined;
  }

  /** WAL index of entry i (i in [firstIndex, lastIndex]). */
  walIndexOf(i: number): number {
    return this.walIndexes[i - this.ents[0].index];
  }

  /** Replaces everything with a snapshot from the leader. */
  applySnapshot(snap: Snapshot): void {
    if (this.snap.metadata.index >= snap.metadata.index) throw new SnapshotOutOfDateError();
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 0, data: new Uint8Array(0) }];
    this.walIndexes = [0];
    this.entryBytes = 0;
  }

  /** Records a snapshot of the state machine at applied index i, keeping the log. */
  createSnapshot(i: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (i <= this.snap.metadata.index) throw new SnapshotOutOfDateError();
    if (i > this.lastIndex()) throw new Error(`snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    this.snap = { data, metadata: { index: i, term: this.term(i), confState: copyConfState(confState) } };
    return this.snap;
  }

  /** Discards entries up to and including compactIndex. */
  compact(compactIndex: number): void {
    const offset = this.ents[0].index;
    if (compactIndex <= offset) return;
    if (compactIndex > this.lastIndex()) throw new Error(`compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    const k = compactIndex - offset;
    for (let j = 1; j <= k; j++) this.entryBytes -= this.ents[j].data.length;
    const dummy: Entry = { term: this.ents[k].term, index: this.ents[k].index, type: 0, data: new Uint8Array(0) };
    this.ents = [dummy, ...this.ents.slice(k + 1)];
    this.walIndexes = [0, ...this.walIndexes.slice(k + 1)];
  }

  /** Appends entries (which the WAL holds from record firstWalIndex on), replacing a conflicting suffix. */
  append(entries: readonly Entry[], firstWalIndex: number): void {
    if (entries.length === 0) return;
    const offset = this.ents[0].index;
    let skip = 0;
    if (entries[0].index <= offset) skip = offset + 1 - entries[0].index; // already compacted
    if (skip >= entries.length) return;
    const start = entries[skip].index - offset;
    if (start > this.ents.length) throw new Error(`missing log entry [last: ${this.lastIndex()}, append at: ${entries[skip].index}]`);
    for (let j = start; j < this.ents.length; j++) this.entryBytes -= this.ents[j].data.length;
    this.ents.length = start;
    this.walIndexes.length = start;
    for (let i = skip; i < entries.length; i++) {
      this.ents.push(entries[i]);
      this.walIndexes.push(firstWalIndex + i);
      this.entryBytes += entries[i].data.length;
    }
  }
}
