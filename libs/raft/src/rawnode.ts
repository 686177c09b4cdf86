// The application's handle on one replica: feed ticks, messages and proposals in; take Ready out.
import { ProposalDroppedError, Raft, Config } from './raft';
import { ProgressState } from './progress';
import {
  ConfChange,
  ConfState,
  Entry,
  EntryType,
  HardState,
  Message,
  MessageType,
  NodeId,
  ReadState,
  Snapshot,
  SnapshotStatus,
  SoftState,
  StateType,
  encodeConfChange,
  hardStateEqual,
  isLocalMessage,
  isResponseMessage,
  msg,
} from './types';

/**
 * Work for the application, to be done in this order before calling advance():
 * 1. persist `hardState`, `entries` and `snapshot` (fsync if `mustSync`);
 * 2. only then send `messages`: a vote or an append acknowledgement promises durable state;
 * 3. apply `snapshot` (if any), then `committedEntries`, calling applyConfChange for conf changes.
 */
export interface Ready {
  /** Present when leader or role changed; volatile, need not be persisted. */
  softState?: SoftState;
  /** Present when term, vote or commit changed. */
  hardState?: HardState;
  readStates: ReadState[];
  entries: Entry[];
  snapshot?: Snapshot;
  committedEntries: Entry[];
  messages: Message[];
  /** Whether the writes must be fsynced (term, vote or entries changed). */
  mustSync: boolean;
}

export interface PeerProgress {
  match: number;
  next: number;
  state: ProgressState;
  isLearner: boolean;
  recentActive: boolean;
}

export interface Status {
  id: NodeId;
  term: number;
  vote: NodeId;
  commit: number;
  applied: number;
  lead: NodeId;
  state: StateType;
  leadTransferee: NodeId;
  /** Per-peer replication progress; only filled in on the leader. */
  progress: Map<NodeId, PeerProgress>;
  confState: ConfState;
}

export class RawNode {
  /** The state machine itself; exposed for inspection by tests and the simulator. */
  readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;

  constructor(config: Config) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (useful to bootstrap tests quickly). */
  campaign(): void {
    this.raft.step(msg({ type: MessageType.Hup }));
  }

  /** Proposes data to be appended; throws ProposalDroppedError when there is no leader to take it. */
  propose(data: Uint8Array): void {
    this.proposeEntry(EntryType.Normal, data);
  }

  /**
   * Proposes a single-server membership change. It takes effect when the application applies the
   * committed entry and calls applyConfChange. A leader turns it into a no-op while another change
   * is pending or the change is invalid.
   */
  proposeConfChange(cc: ConfChange): void {
    this.proposeEntry(EntryType.ConfChange, encodeConfChange(cc));
  }

  private proposeEntry(type: EntryType, data: Uint8Array): void {
    const ok = this.raft.step(msg({ type: MessageType.Prop, from: this.raft.id, entries: [{ term: 0, index: 0, type, data }] }));
    if (!ok) throw new ProposalDroppedError(`node ${this.raft.id} (${this.raft.state}, leader ${this.raft.lead})`);
  }

  /** Applies a committed conf change; returns the new membership to store with snapshots. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /** Feeds a message received from a peer. */
  step(m: Message): void {
    if (isLocalMessage(m.type)) throw new Error(`cannot step raft local message ${m.type}`);
    // Responses from peers we no longer know are dropped.
    if (isResponseMessage(m.type) && !this.raft.trk.progress.has(m.from)) return;
    this.raft.step(m);
  }

  /** Asks the leader to hand leadership to `transferee` (it catches up, then gets TimeoutNow). */
  transferLeader(transferee: NodeId): void {
    this.raft.step(msg({ type: MessageType.TransferLeader, from: transferee }));
  }

  /**
   * Requests a linearizable read point. A ReadState with the same ctx appears in a later Ready; the
   * read may be served once the local applied index reaches its index.
   */
  readIndex(ctx: Uint8Array): void {
    this.raft.step(msg({ type: MessageType.ReadIndex, context: ctx }));
  }

  /** The transport could not reach `id`: stop streaming to it optimistically. */
  reportUnreachable(id: NodeId): void {
    this.raft.step(msg({ type: MessageType.Unreachable, from: id }));
  }

  /** Outcome of sending a snapshot to `id`; a failure makes the leader retry later. */
  reportSnapshot(id: NodeId, status: SnapshotStatus): void {
    this.raft.step(msg({ type: MessageType.SnapStatus, from: id, reject: status === SnapshotStatus.Failure }));
  }

  hasReady(): boolean {
    const r = this.raft;
    if (!softStateEqual(r.softState(), this.prevSoftState)) return true;
    if (!hardStateEqual(r.hardState(), this.prevHardState)) return true;
    if (r.raftLog.unstable.snapshot) return true;
    if (r.msgs.length > 0 || r.raftLog.unstableEntries().length > 0 || r.raftLog.hasNextCommittedEntries()) return true;
    return r.readStates.length > 0;
  }

  /** Collects pending work; call advance(ready) once it is done before calling ready() again. */
  ready(): Ready {
    const r = this.raft;
    const soft = r.softState();
    const hard = r.hardState();
    const entries = [...r.raftLog.unstableEntries()];
    const rd: Ready = {
      readStates: r.readStates,
      entries,
      committedEntries: r.raftLog.nextCommittedEntries(),
      messages: r.msgs,
      mustSync: false,
    };
    if (!softStateEqual(soft, this.prevSoftState)) rd.softState = soft;
    if (!hardStateEqual(hard, this.prevHardState)) rd.hardState = hard;
    if (r.raftLog.unstable.snapshot) rd.snapshot = r.raftLog.unstable.snapshot;
    rd.mustSync =
      entries.length > 0 || (rd.hardState !== undefined && (hard.term !== this.prevHardState.term || hard.vote !== this.prevHardState.vote));
    // Handed out now; the next Ready starts fresh.
    r.msgs = [];
    r.readStates = [];
    if (rd.softState) this.prevSoftState = soft;
    return rd;
  }

  /** The application finished the Ready: mark its entries stable and its committed entries applied. */
  advance(rd: Ready): void {
    const log = this.raft.raftLog;
    if (rd.hardState) this.prevHardState = rd.hardState;
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1];
      log.stableTo(last.index, last.term);
    }
    if (rd.snapshot) {
      log.stableSnapTo(rd.snapshot.metadata.index);
      log.appliedTo(rd.snapshot.metadata.index);
    }
    if (rd.committedEntries.length > 0) log.appliedTo(rd.committedEntries[rd.committedEntries.length - 1].index);
  }

  status(): Status {
    const r = this.raft;
    const progress = new Map<NodeId, PeerProgress>();
    if (r.state === StateType.Leader) {
      r.trk.visit((id, pr) => {
        progress.set(id, { match: pr.match, next: pr.next, state: pr.state, isLearner: pr.isLearner, recentActive: pr.recentActive });
      });
    }
    return {
      id: r.id,
      term: r.term,
      vote: r.vote,
      commit: r.raftLog.committed,
      applied: r.raftLog.applied,
      lead: r.lead,
      state: r.state,
      leadTransferee: r.leadTransferee,
      progress,
      confState: r.trk.confState(),
    };
  }
}

function softStateEqual(a: SoftState, b: SoftState): boolean {
  return a.lead === b.lead && a.state === b.state;
}
