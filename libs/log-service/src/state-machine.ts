// The replicated state of one log group: writers with their epochs, next sequence numbers and
// checkpoints, the records each writer still needs (everything above its checkpoint), the group's
// record counter, and the addresses of its replicas. Deterministic: every replica applies the
// same committed commands in the same order and reaches the same state.
import { ByteReader, ByteWriter } from './bytes';
import { Command, LogRecord } from './commands';

export type ErrorCodeName =
  | 'OK'
  | 'NOT_LEADER'
  | 'STALE_EPOCH'
  | 'UNKNOWN_EPOCH'
  | 'SEQUENCE_GAP'
  | 'NO_SUCH_GROUP'
  | 'UNKNOWN_OUTCOME'
  | 'STORAGE_FAILED'
  | 'INVALID_ARGUMENT'
  | 'UNAVAILABLE';

export interface StoredRecord extends LogRecord {
  sequence: number;
  /** Group-wide record number, from 1. */
  position: number;
  epoch: number;
}

interface WriterState {
  epoch: number;
  nextSequence: number;
  checkpointTs: number;
  retired: boolean;
  /** Records above the checkpoint, in sequence order; `head` skips the dropped prefix cheaply. */
  records: StoredRecord[];
  head: number;
}

export type ApplyResult =
  | { kind: 'append'; code: 'OK'; firstPosition: number; count: number }
  | { kind: 'append'; code: 'STALE_EPOCH' | 'UNKNOWN_EPOCH'; message: string }
  | { kind: 'append'; code: 'SEQUENCE_GAP'; expectedSequence: number; message: string }
  | { kind: 'acquire'; epoch: number; nextSequence: number; checkpointTs: number }
  | { kind: 'done' };

export interface WriterSummary {
  writer: string;
  epoch: number;
  nextSequence: number;
  checkpointTs: number;
  retired: boolean;
  retainedRecords: number;
}

const SNAPSHOT_VERSION = 1;

export class LogStateMachine {
  /** Records applied so far across all writers: the last position handed out. */
  recordCount = 0;
  readonly peers = new Map<number, string>();
  private readonly writers = new Map<string, WriterState>();

  private writerOf(name: string): WriterState {
    let w = this.writers.get(name);
    if (!w) {
      w = { epoch: 0, nextSequence: 1, checkpointTs: 0, retired: false, records: [], head: 0 };
      this.writers.set(name, w);
    }
    return w;
  }

  apply(c: Command): ApplyResult {
    switch (c.kind) {
      case 'append':
        return this.append(c.writer, c.epoch, c.firstSequence, c.records);
      case 'acquire': {
        const w = this.writerOf(c.writer);
        w.epoch++;
        w.retired = false;
        return { kind: 'acquire', epoch: w.epoch, nextSequence: w.nextSequence, checkpointTs: w.checkpointTs };
      }
      case 'retire': {
        // The writer's hold on truncation goes; its epoch stays so a later acquire moves past it.
        const w = this.writerOf(c.writer);
        w.retired = true;
        w.records = [];
        w.head = 0;
        return { kind: 'done' };
      }
      case 'checkpoint': {
        const w = this.writerOf(c.writer);
        if (c.checkpointTs > w.checkpointTs) w.checkpointTs = c.checkpointTs;
        this.dropThroughCheckpoint(w);
        return { kind: 'done' };
      }
      case 'peer':
        this.peers.set(c.nodeId, c.address);
        return { kind: 'done' };
    }
  }

  private append(writer: string, epoch: number, firstSequence: number, records: LogRecord[]): ApplyResult {
    const w = this.writers.get(writer);
    if (!w || w.epoch === 0 || w.retired || epoch > w.epoch) {
      return { kind: 'append', code: 'UNKNOWN_EPOCH', message: `writer '${writer}' has no epoch ${epoch}; call AcquireWriter` };
    }
    if (epoch < w.epoch) {
      return { kind: 'append', code: 'STALE_EPOCH', message: `epoch ${epoch} of writer '${writer}' was fenced by epoch ${w.epoch}` };
    }
    if (firstSequence > w.nextSequence) {
      return {
        kind: 'append',
        code: 'SEQUENCE_GAP',
        expectedSequence: w.nextSequence,
        message: `writer '${writer}' sent sequence ${firstSequence}, expected ${w.nextSequence}`,
      };
    }
    // A resent batch (or its already applied prefix) is not applied twice.
    const skip = w.nextSequence - firstSequence;
    for (let i = skip; i < records.length; i++) {
      const r = records[i];
      w.records.push({ turn: r.turn, parts: r.parts, commitTs: r.commitTs, body: r.body, sequence: firstSequence + i, position: ++this.recordCount, epoch });
    }
    if (records.length > skip) w.nextSequence = firstSequence + records.length;
    return { kind: 'append', code: 'OK', firstPosition: this.positionOf(w, firstSequence), count: records.length };
  }

  /** Position of a retained record, 0 when it was truncated. */
  private positionOf(w: WriterState, sequence: number): number {
    let lo = w.head;
    let hi = w.records.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = w.records[mid].sequence;
      if (s === sequence) return w.records[mid].position;
      if (s < sequence) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  private dropThroughCheckpoint(w: WriterState): void {
    // commitTs grows along a writer's sequence (one HLC per writer), so the prefix is what goes.
    while (w.head < w.records.length && w.records[w.head].commitTs <= w.checkpointTs) w.head++;
    if (w.head > 1024 && w.head * 2 > w.records.length) {
      w.records = w.records.slice(w.head);
      w.head = 0;
    }
  }

  /** The writer's retained records with commitTs > afterTs, in sequence order (a copy of the list). */
  recordsAfter(writer: string, afterTs: number): StoredRecord[] {
    const w = this.writers.get(writer);
    if (!w) return [];
    const out: StoredRecord[] = [];
    for (let i = w.head; i < w.records.length; i++) if (w.records[i].commitTs > afterTs) out.push(w.records[i]);
    return out;
  }

  writerEpoch(writer: string): number {
    return this.writers.get(writer)?.epoch ?? 0;
  }

  summaries(): WriterSummary[] {
    return [...this.writers].map(([writer, w]) => ({
      writer,
      epoch: w.epoch,
      nextSequence: w.nextSequence,
      checkpointTs: w.checkpointTs,
      retired: w.retired,
      retainedRecords: w.records.length - w.head,
    }));
  }

  encodeSnapshot(): Buffer {
    const w = new ByteWriter(1 << 16);
    w.u32(SNAPSHOT_VERSION).u64(this.recordCount).u32(this.peers.size);
    for (const [id, address] of this.peers) w.u32(id).str(address);
    w.u32(this.writers.size);
    for (const [name, s] of this.writers) {
      w.str(name).u64(s.epoch).u64(s.nextSequence).u64(s.checkpointTs).bool(s.retired).u32(s.records.length - s.head);
      for (let i = s.head; i < s.records.length; i++) {
        const r = s.records[i];
        w.u64(r.sequence).u64(r.position).u64(r.epoch).u64(r.turn).u32(r.parts).u64(r.commitTs).bytes(r.body);
      }
    }
    return Buffer.from(w.finish());
  }

  /** Replaces the whole state with a snapshot's (empty data: the empty state). */
  restore(data: Uint8Array): void {
    this.recordCount = 0;
    this.peers.clear();
    this.writers.clear();
    if (data.length === 0) return;
    const r = new ByteReader(data);
    const version = r.u32();
    if (version !== SNAPSHOT_VERSION) throw new Error(`unsupported log snapshot version ${version}`);
    this.recordCount = r.u64();
    for (let n = r.u32(); n > 0; n--) this.peers.set(r.u32(), r.str());
    for (let n = r.u32(); n > 0; n--) {
      const name = r.str();
      const s: WriterState = { epoch: r.u64(), nextSequence: r.u64(), checkpointTs: r.u64(), retired: r.bool(), records: [], head: 0 };
      for (let k = r.u32(); k > 0; k--) {
        const sequence = r.u64();
        const position = r.u64();
        const epoch = r.u64();
        s.records.push({ sequence, position, epoch, turn: r.u64(), parts: r.u32(), commitTs: r.u64(), body: r.bytes() });
      }
      this.writers.set(name, s);
    }
  }
}

/** Snapshot data of a new group: only the replicas' addresses. */
export function bootstrapSnapshotData(peers: Map<number, string>): Buffer {
  const sm = new LogStateMachine();
  for (const [id, address] of peers) sm.peers.set(id, address);
  return sm.encodeSnapshot();
}
