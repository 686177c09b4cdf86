// A replica's durable Raft state in one WAL (libs/wal): entry records, hard-state records and
// snapshot records, each Ready written as ONE group commit (one write, one fsync). Like etcd's
// WAL, a conflicting suffix is never rewritten in place: a later entry record with index i
// replaces every earlier one from i on when the log is read back.
import { ConfState, Entry, EntryType, HardState, EMPTY_HARD_STATE, Snapshot } from '@strata/raft';
import { FileLayer, Wal } from '@strata/wal';
import { ByteReader, ByteWriter } from './bytes';

const ENTRY = 1;
const HARD_STATE = 2;
const SNAPSHOT = 3;

function encodeEntry(e: Entry): Buffer {
  return new ByteWriter(32 + e.data.length).u8(ENTRY).u64(e.term).u64(e.index).u8(e.type).bytes(e.data).finish();
}

function encodeHardState(hs: HardState): Buffer {
  return new ByteWriter(32).u8(HARD_STATE).u64(hs.term).u32(hs.vote).u64(hs.commit).finish();
}

/** `replacesLog`: a snapshot from the leader (the log before it is void), not one taken locally. */
function encodeSnapshot(s: Snapshot, replacesLog: boolean): Buffer {
  const w = new ByteWriter(64 + s.data.length).u8(SNAPSHOT).bool(replacesLog).u64(s.metadata.index).u64(s.metadata.term);
  const cs = s.metadata.confState;
  w.u32(cs.voters.length);
  for (const v of cs.voters) w.u32(v);
  w.u32(cs.learners.length);
  for (const l of cs.learners) w.u32(l);
  return w.bytes(s.data).finish();
}

export interface RecoveredState {
  snapshot: Snapshot | undefined;
  /** WAL index of the snapshot's record. */
  snapshotWalIndex: number;
  hardState: HardState;
  entries: Entry[];
  /** WAL index of each entry. */
  entryWalIndexes: number[];
}

export interface ReplicaDiskOptions {
  dir: string;
  files?: FileLayer;
  segmentBytes?: number;
}

export class ReplicaDisk {
  private persistedHardState: HardState = { ...EMPTY_HARD_STATE };
  /** WAL index of the newest snapshot record. */
  snapshotWalIndex = 0;

  private constructor(readonly wal: Wal) {}

  static async open(options: ReplicaDiskOptions): Promise<{ disk: ReplicaDisk; recovered: RecoveredState }> {
    const wal = await Wal.open({
      dir: options.dir,
      files: options.files,
      segmentBytes: options.segmentBytes ?? 16 * 1024 * 1024,
      // A snapshot holds every record above the writers' checkpoints.
      maxRecordBytes: 1024 * 1024 * 1024,
      maxBatchBytes: 8 * 1024 * 1024,
    });
    const disk = new ReplicaDisk(wal);
    const recovered = await disk.recover();
    disk.persistedHardState = recovered.hardState;
    disk.snapshotWalIndex = recovered.snapshotWalIndex;
    return { disk, recovered };
  }

  private async recover(): Promise<RecoveredState> {
    let snapshot: Snapshot | undefined;
    let snapshotWalIndex = 0;
    let hardState: HardState = { ...EMPTY_HARD_STATE };
    let entries: Entry[] = [];
    let walIndexes: number[] = [];
    for await (const rec of this.wal.records(this.wal.firstIndex, 8 * 1024 * 1024)) {
      const r = new ByteReader(rec.payload);
      const kind = r.u8();
      if (kind === ENTRY) {
        const e: Entry = { term: r.u64(), index: r.u64(), type: r.u8() as EntryType, data: r.bytes() };
        if (snapshot && e.index <= snapshot.metadata.index) continue;
        if (entries.length > 0) {
          const first = entries[0].index;
          const last = entries[entries.length - 1].index;
          if (e.index <= last && e.index >= first) {
            entries.length = e.index - first;
            walIndexes.length = e.index - first;
          } else if (e.index !== last + 1) {
            // Older records of a log a snapshot replaced; what follows starts afresh.
            entries = [];
            walIndexes = [];
          }
        }
        entries.push(e);
        walIndexes.push(rec.index);
      } else if (kind === HARD_STATE) {
        hardState = { term: r.u64(), vote: r.u32(), commit: r.u64() };
      } else if (kind === SNAPSHOT) {
        const replacesLog = r.bool();
        const index = r.u64();
        const term = r.u64();
        const voters: number[] = [];
        for (let n = r.u32(); n > 0; n--) voters.push(r.u32());
        const learners: number[] = [];
        for (let n = r.u32(); n > 0; n--) learners.push(r.u32());
        const confState: ConfState = { voters, learners };
        snapshot = { data: Buffer.from(r.bytes()), metadata: { index, term, confState } };
        snapshotWalIndex = rec.index;
        if (replacesLog) {
          entries = [];
          walIndexes = [];
        } else {
          const keep = entries.findIndex((e) => e.index > index);
          entries = keep < 0 ? [] : entries.slice(keep);
          walIndexes = keep < 0 ? [] : walIndexes.slice(keep);
        }
      } else {
        throw new Error(`${this.wal.dir}: unknown WAL record kind ${kind} at index ${rec.index}`);
      }
    }
    if (snapshot && entries.length > 0 && entries[0].index !== snapshot.metadata.index + 1) {
      throw new Error(`${this.wal.dir}: log starts at ${entries[0].index} but the snapshot ends at ${snapshot.metadata.index}`);
    }
    if (snapshot && hardState.commit < snapshot.metadata.index) hardState = { ...hardState, commit: snapshot.metadata.index };
    return { snapshot, snapshotWalIndex, hardState, entries, entryWalIndexes: walIndexes };
  }

  get hardState(): HardState {
    return { ...this.persistedHardState };
  }

  /**
   * Persists one Ready's writes with one fsync. Returns the WAL index of the first entry (0 when
   * there are none). The hard state is written only when it must be durable or when an fsync
   * happens anyway: a commit index alone can be learned again from the leader.
   */
  async persist(snapshot: Snapshot | undefined, entries: Entry[], hardState: HardState | undefined, mustSync: boolean): Promise<number> {
    const payloads: Buffer[] = [];
    if (snapshot) payloads.push(encodeSnapshot(snapshot, true));
    for (const e of entries) payloads.push(encodeEntry(e));
    const writeHardState = hardState !== undefined && (mustSync || payloads.length > 0);
    if (writeHardState) payloads.push(encodeHardState(hardState));
    if (payloads.length === 0) return 0;
    const range = await this.wal.appendBatch(payloads);
    if (snapshot) this.snapshotWalIndex = range.first;
    if (writeHardState) this.persistedHardState = { ...hardState };
    return entries.length > 0 ? range.first + (snapshot ? 1 : 0) : 0;
  }

  /** Writes a locally taken snapshot together with the current hard state (so both survive truncation). */
  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    const hs = { ...this.persistedHardState, commit: Math.max(this.persistedHardState.commit, snapshot.metadata.index) };
    const range = await this.wal.appendBatch([encodeSnapshot(snapshot, false), encodeHardState(hs)]);
    this.snapshotWalIndex = range.first;
    this.persistedHardState = hs;
  }

  /** Deletes WAL segments holding only records below `walIndex`. */
  truncateBefore(walIndex: number): Promise<void> {
    return this.wal.truncateBefore(walIndex);
  }

  close(): Promise<void> {
    return this.wal.close();
  }
}
