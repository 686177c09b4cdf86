// The consensus state machine. One entry point, step(), dispatches on the node's role; everything
// it wants done (send, persist, apply) is queued for the RawNode to hand out in a Ready.
import { applyConfChange, confChangeProblem } from './confchange';
import { RaftLog } from './log';
import { ProgressState } from './progress';
import { Rand } from './rand';
import { ReadOnly } from './readonly';
import { CompactedError, SnapshotTemporarilyUnavailableError, Storage, UnavailableError } from './storage';
import { ProgressTracker } from './tracker';
import { VoteResult } from './quorum';
import {
  ConfChange,
  ConfChangeType,
  ConfState,
  Entry,
  EntryType,
  HardState,
  Message,
  MessageType,
  NONE,
  NodeId,
  ReadState,
  Snapshot,
  SoftState,
  StateType,
  bytesEqual,
  decodeConfChange,
  entriesSize,
  isEmptyHardState,
  msg,
  voteResponseType,
} from './types';

/** Deliberate bugs for proving that the simulator's checkers catch them. Never set in production. */
export interface InjectedFaults {
  /** Commit by counting replicas even for entries of older terms (the Raft paper's Figure 8 bug). */
  commitOlderTermsByCounting?: boolean;
  /** Grant votes without checking that the candidate's log is at least as up to date. */
  grantVotesIgnoringLog?: boolean;
  /** Followers accept appends without checking that the preceding entry's term matches. */
  skipLogMatchCheck?: boolean;
}

export interface Config {
  id: NodeId;
  storage: Storage;
  /** Ticks without hearing from a leader before campaigning (randomized in [e, 2e)). */
  electionTick: number;
  /** Ticks between leader heartbeats; must be less than electionTick. */
  heartbeatTick: number;
  /** Source of election-timeout randomness; seed it for reproducible runs. */
  random: Rand;
  /** Last applied index when restarting; committed entries up to it are not handed out again. */
  applied?: number;
  /** Max bytes of entries per append message. */
  maxSizePerMsg?: number;
  /** Max bytes of committed entries per Ready. */
  maxCommittedSizePerReady?: number;
  /** Max appends in flight per follower in the Replicate state. */
  maxInflightMsgs?: number;
  /** Max bytes of appends in flight per follower; 0 means no byte limit. */
  maxInflightBytes?: number;
  /** Leader steps down when it has not heard from a quorum within an election timeout. */
  checkQuorum?: boolean;
  /** Campaign only after a pre-vote round shows a quorum would vote for us. */
  preVote?: boolean;
  faults?: InjectedFaults;
}

export class ProposalDroppedError extends Error {
  constructor(reason: string) {
    super(`raft proposal dropped: ${reason}`);
  }
}

enum CampaignType {
  PreElection = 'PreElection',
  Election = 'Election',
  Transfer = 'Transfer',
}

/** Marks votes of a leader transfer, which bypass the lease check of check-quorum. */
const CAMPAIGN_TRANSFER = new Uint8Array([0x74, 0x72]);

export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  state = StateType.Follower;
  isLearner = false;
  readonly raftLog: RaftLog;
  readonly trk: ProgressTracker;
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  /** Target of a leader transfer in progress. */
  leadTransferee: NodeId = NONE;
  /** Index of the last conf change proposed by this leader; only one may be pending. */
  pendingConfIndex = 0;
  private readOnly = new ReadOnly();
  /** ReadIndex requests that wait for the leader to commit an entry of its term. */
  private pendingReadIndexMessages: Message[] = [];
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private readonly electionTimeout: number;
  private readonly heartbeatTimeout: number;
  private readonly checkQuorum: boolean;
  private readonly preVote: boolean;
  private readonly maxMsgSize: number;
  private readonly rand: Rand;
  private readonly faults: InjectedFaults;

  constructor(c: Config) {
    if (c.id === NONE) throw new Error('cannot use none as id');
    if (c.heartbeatTick <= 0 || c.electionTick <= c.heartbeatTick) throw new Error('need 0 < heartbeatTick < electionTick');
    this.id = c.id;
    this.electionTimeout = c.electionTick;
    this.heartbeatTimeout = c.heartbeatTick;
    this.checkQuorum = c.checkQuorum ?? true;
    this.preVote = c.preVote ?? true;
    this.maxMsgSize = c.maxSizePerMsg ?? 1 << 20;
    this.rand = c.random;
    this.faults = c.faults ?? {};
    this.raftLog = new RaftLog(c.storage, c.maxCommittedSizePerReady ?? 1 << 26);
    this.trk = new ProgressTracker(c.maxInflightMsgs ?? 256, c.maxInflightBytes ?? 0);
    const { hardState, confState } = c.storage.initialState();
    this.switchToConfig(confState);
    if (!isEmptyHardState(hardState)) this.loadState(hardState);
    if (c.applied !== undefined && c.applied > 0) this.raftLog.appliedTo(c.applied);
    this.becomeFollower(this.term, NONE);
  }

  softState(): SoftState {
    return { lead: this.lead, state: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  private loadState(hs: HardState): void {
    if (hs.commit < this.raftLog.committed || hs.commit > this.raftLog.lastIndex()) {
      throw new Error(`${this.id} state.commit ${hs.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`);
    }
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  // ---- sending ----

  private send(m: Message): void {
    if (m.from === NONE) m.from = this.id;
    const isVote = m.type === MessageType.Vote || m.type === MessageType.PreVote;
    const isVoteResp = m.type === MessageType.VoteResp || m.type === MessageType.PreVoteResp;
    if (isVote || isVoteResp) {
      // Votes carry the term they are for (a pre-vote's is in the future), so it is set explicitly.
      if (m.term === 0) throw new Error(`term should be set when sending ${m.type}`);
    } else if (m.type !== MessageType.Prop && m.type !== MessageType.ReadIndex && m.type !== MessageType.TransferLeader) {
      m.term = this.term;
    }
    this.msgs.push(m);
  }

  /** Sends an append (or a snapshot) to `to` if its flow control allows; returns whether it sent. */
  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.trk.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    let prevTerm: number;
    let ents: Entry[];
    try {
      prevTerm = this.raftLog.term(prevIndex);
      ents = this.raftLog.entries(pr.next, this.maxMsgSize);
    } catch (e) {
      if (e instanceof CompactedError || e instanceof UnavailableError) return this.sendSnapshot(to);
      throw e;
    }
    if (ents.length === 0 && !sendIfEmpty) return false;
    this.send(msg({ type: MessageType.App, to, index: prevIndex, logTerm: prevTerm, entries: ents, commit: this.raftLog.committed }));
    pr.sentEntries(ents.length, prevIndex + ents.length, entriesSize(ents));
    return true;
  }

  private sendSnapshot(to: NodeId): boolean {
    const pr = this.trk.progress.get(to);
    if (!pr || !pr.recentActive) return false; // don't ship a snapshot to a peer that may be down
    let snapshot: Snapshot;
    try {
      snapshot = this.raftLog.snapshot();
    } catch (e) {
      if (e instanceof SnapshotTemporarilyUnavailableError) return false;
      throw e;
    }
    if (snapshot.metadata.index === 0) throw new Error('need non-empty snapshot');
    pr.becomeSnapshot(snapshot.metadata.index);
    this.send(msg({ type: MessageType.Snap, to, snapshot }));
    return true;
  }

  private sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  private sendHeartbeat(to: NodeId, context: Uint8Array | undefined): void {
    const pr = this.trk.progress.get(to);
    // A follower must not commit beyond what it is known to match.
    const commit = Math.min(pr?.match ?? 0, this.raftLog.committed);
    this.send(msg({ type: MessageType.Heartbeat, to, commit, context }));
  }

  private bcastAppend(): void {
    this.trk.visit((id) => {
      if (id !== this.id) this.sendAppend(id);
    });
  }

  private bcastHeartbeat(): void {
    const ctx = this.readOnly.lastPendingRequestCtx();
    this.trk.visit((id) => {
      if (id !== this.id) this.sendHeartbeat(id, ctx);
    });
  }

  // ---- role changes ----

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.electionTimeout + this.rand.intn(this.electionTimeout);
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const last = this.raftLog.lastIndex();
    this.trk.visit((id, pr) => {
      const fresh = this.trk.newProgress(last + 1, pr.isLearner);
      if (id === this.id) fresh.match = last;
      this.trk.progress.set(id, fresh);
    });
    this.pendingConfIndex = 0;
    this.readOnly = new ReadOnly();
    this.pendingReadIndexMessages = [];
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = StateType.Follower;
  }

  private becomeCandidate(): void {
    if (this.state === StateType.Leader) throw new Error('invalid transition [leader -> candidate]');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = StateType.Candidate;
  }

  private becomePreCandidate(): void {
    if (this.state === StateType.Leader) throw new Error('invalid transition [leader -> pre-candidate]');
    // Neither term nor vote change: a failed pre-election leaves no trace.
    this.trk.resetVotes();
    this.lead = NONE;
    this.state = StateType.PreCandidate;
  }

  private becomeLeader(): void {
    if (this.state === StateType.Follower) throw new Error('invalid transition [follower -> leader]');
    this.reset(this.term);
    this.lead = this.id;
    this.state = StateType.Leader;
    this.trk.progress.get(this.id)?.becomeReplicate();
    // Entries before this point may hold a conf change we cannot see is applied yet.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // An entry of our own term, so that earlier entries can commit (they never commit by counting).
    this.appendEntry([{ term: 0, index: 0, type: EntryType.Normal, data: new Uint8Array(0) }]);
  }

  private promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.unstable.snapshot;
  }

  private hup(t: CampaignType): void {
    if (this.state === StateType.Leader || !this.promotable()) return;
    // A committed conf change not yet applied could change whether we may campaign.
    if (this.hasUnappliedConfChanges()) return;
    this.campaign(t);
  }

  private hasUnappliedConfChanges(): boolean {
    if (this.raftLog.applied >= this.raftLog.committed) return false;
    let lo = Math.max(this.raftLog.applied + 1, this.raftLog.firstIndex());
    const hi = this.raftLog.committed + 1;
    while (lo < hi) {
      const ents = this.raftLog.slice(lo, hi, this.maxMsgSize);
      for (const e of ents) if (e.type === EntryType.ConfChange) return true;
      lo += ents.length;
    }
    return false;
  }

  private campaign(t: CampaignType): void {
    let term: number;
    let voteType: MessageType;
    if (t === CampaignType.PreElection) {
      this.becomePreCandidate();
      voteType = MessageType.PreVote;
      term = this.term + 1; // the term we would campaign in
    } else {
      this.becomeCandidate();
      voteType = MessageType.Vote;
      term = this.term;
    }
    if (this.poll(this.id, true) === VoteResult.Won) {
      // Single-voter group: we won outright.
      if (t === CampaignType.PreElection) this.campaign(CampaignType.Election);
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.raftLog.lastIndex();
    const lastTerm = this.raftLog.lastTerm();
    for (const id of [...this.trk.voters].sort((a, b) => a - b)) {
      if (id === this.id) continue;
      const context = t === CampaignType.Transfer ? CAMPAIGN_TRANSFER : undefined;
      this.send(msg({ type: voteType, to: id, term, index: lastIndex, logTerm: lastTerm, context }));
    }
  }

  private poll(id: NodeId, granted: boolean): VoteResult {
    this.trk.recordVote(id, granted);
    return this.trk.tallyVotes().result;
  }

  // ---- ticks ----

  tick(): void {
    if (this.state === StateType.Leader) this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.step(msg({ type: MessageType.Hup, from: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(msg({ type: MessageType.CheckQuorum, from: this.id }));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.state === StateType.Leader && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.state !== StateType.Leader) return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(msg({ type: MessageType.Beat, from: this.id }));
    }
  }

  // ---- step ----

  /** Feeds one message in. Returns false when a proposal was dropped (no leader, transfer, ...). */
  step(m: Message): boolean {
    if (m.term === 0) {
      // local message
    } else if (m.term > this.term) {
      if (m.type === MessageType.Vote || m.type === MessageType.PreVote) {
        const force = bytesEqual(m.context, CAMPAIGN_TRANSFER);
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        // We heard from a live leader recently: a disruptive candidate is ignored (check-quorum lease).
        if (!force && inLease) return true;
      }
      if (m.type === MessageType.PreVote) {
        // A pre-vote never changes our term.
      } else if (m.type === MessageType.PreVoteResp && !m.reject) {
        // The term bumps when the pre-candidate wins a quorum and campaigns for real.
      } else if (m.type === MessageType.App || m.type === MessageType.Heartbeat || m.type === MessageType.Snap) {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === MessageType.Heartbeat || m.type === MessageType.App)) {
        // A stale leader (e.g. healed from a partition) learns our term and steps down; otherwise it
        // could hold followers' leases forever while never getting its appends accepted.
        this.send(msg({ type: MessageType.AppResp, to: m.from }));
      } else if (m.type === MessageType.PreVote) {
        this.send(msg({ type: MessageType.PreVoteResp, to: m.from, term: this.term, reject: true }));
      }
      return true;
    }

    switch (m.type) {
      case MessageType.Hup:
        this.hup(this.preVote ? CampaignType.PreElection : CampaignType.Election);
        return true;
      case MessageType.Vote:
      case MessageType.PreVote: {
        const canVote =
          this.vote === m.from ||
          (this.vote === NONE && this.lead === NONE) ||
          (m.type === MessageType.PreVote && m.term > this.term);
        const upToDate = this.faults.grantVotesIgnoringLog || this.raftLog.isUpToDate(m.index, m.logTerm);
        if (canVote && upToDate) {
          // Answer with the message's term: a pre-vote is granted for a term we have not entered.
          this.send(msg({ type: voteResponseType(m.type), to: m.from, term: m.term }));
          if (m.type === MessageType.Vote) {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.send(msg({ type: voteResponseType(m.type), to: m.from, term: this.term, reject: true }));
        }
        return true;
      }
      default:
        switch (this.state) {
          case StateType.Leader:
            return this.stepLeader(m);
          case StateType.Candidate:
          case StateType.PreCandidate:
            return this.stepCandidate(m);
          case StateType.Follower:
            return this.stepFollower(m);
        }
    }
  }

  private stepLeader(m: Message): boolean {
    switch (m.type) {
      case MessageType.Beat:
        this.bcastHeartbeat();
        return true;
      case MessageType.CheckQuorum:
        if (!this.trk.quorumActive(this.id)) this.becomeFollower(this.term, NONE);
        this.trk.visit((id, pr) => {
          if (id !== this.id) pr.recentActive = false;
        });
        return true;
      case MessageType.Prop:
        return this.propose(m);
      case MessageType.ReadIndex:
        if (this.trk.isSingleton()) {
          this.respondToReadIndex(m, this.raftLog.committed);
        } else if (!this.committedEntryInCurrentTerm()) {
          // Our commit index may lag the previous leader's until an entry of our term commits.
          this.pendingReadIndexMessages.push(m);
        } else {
          this.startReadIndex(m);
        }
        return true;
    }

    const pr = this.trk.progress.get(m.from);
    if (!pr) return true;
    switch (m.type) {
      case MessageType.AppResp: {
        pr.recentActive = true;
        if (m.reject) {
          let nextProbeIdx = m.rejectHint;
          if (m.logTerm > 0) nextProbeIdx = this.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index;
          if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
            if (pr.state === ProgressState.Replicate) pr.becomeProbe();
            this.sendAppend(m.from);
          }
          return true;
        }
        const oldPaused = pr.isPaused();
        if (!pr.maybeUpdate(m.index)) return true;
        if (pr.state === ProgressState.Probe) {
          pr.becomeReplicate();
        } else if (pr.state === ProgressState.Snapshot && pr.match + 1 >= this.raftLog.firstIndex()) {
          // The follower can continue from our log: leave the snapshot state.
          pr.becomeProbe();
          pr.becomeReplicate();
        } else if (pr.state === ProgressState.Replicate) {
          pr.inflights.freeLE(m.index);
        }
        if (this.maybeCommit()) {
          this.releasePendingReadIndexMessages();
          this.bcastAppend();
        } else if (oldPaused) {
          this.sendAppend(m.from);
        }
        // Fill the window: pipelining keeps several appends in flight.
        while (this.maybeSendAppend(m.from, false)) {
          /* keep sending */
        }
        if (m.from === this.leadTransferee && pr.match === this.raftLog.lastIndex()) this.sendTimeoutNow(m.from);
        return true;
      }
      case MessageType.HeartbeatResp: {
        pr.recentActive = true;
        pr.msgAppFlowPaused = false;
        // Acks of appends may have been lost; the heartbeat shows the follower is alive.
        if (pr.state === ProgressState.Replicate && pr.inflights.full()) pr.inflights.freeFirstOne();
        if (pr.match < this.raftLog.lastIndex() || pr.state === ProgressState.Probe) this.sendAppend(m.from);
        if (m.context === undefined || m.context.length === 0) return true;
        const acks = this.readOnly.recvAck(m.from, m.context);
        if (!acks || this.trk.ackResult(acks) !== VoteResult.Won) return true;
        for (const rs of this.readOnly.advance(m.context)) this.respondToReadIndex(rs.request, rs.index);
        return true;
      }
      case MessageType.SnapStatus:
        if (pr.state !== ProgressState.Snapshot) return true;
        if (m.reject) pr.pendingSnapshot = 0;
        pr.becomeProbe();
        // Wait for a heartbeat response before probing again.
        pr.msgAppFlowPaused = true;
        return true;
      case MessageType.Unreachable:
        if (pr.state === ProgressState.Replicate) pr.becomeProbe();
        return true;
      case MessageType.TransferLeader: {
        if (pr.isLearner) return true;
        const transferee = m.from;
        if (this.leadTransferee !== NONE) {
          if (this.leadTransferee === transferee) return true;
          this.abortLeaderTransfer();
        }
        if (transferee === this.id) return true;
        // The transfer must finish within one election timeout.
        this.electionElapsed = 0;
        this.leadTransferee = transferee;
        if (pr.match === this.raftLog.lastIndex()) this.sendTimeoutNow(transferee);
        else this.sendAppend(transferee);
        return true;
      }
    }
    return true;
  }

  private propose(m: Message): boolean {
    if (m.entries.length === 0) throw new Error('stepped empty proposal');
    if (!this.trk.progress.has(this.id)) return false; // we were removed
    if (this.leadTransferee !== NONE) return false; // transfer in progress
    // Copies: the caller's message (or a duplicate of it) must not alias our log entries.
    const ents = m.entries.map((e) => ({ ...e }));
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i];
      if (e.type !== EntryType.ConfChange) continue;
      let problem: string | undefined;
      if (this.pendingConfIndex > this.raftLog.applied) problem = 'a conf change is still pending';
      else if (!this.committedEntryInCurrentTerm()) problem = 'no entry of this term committed yet';
      else problem = confChangeProblem(this.trk.confState(), decodeConfChange(e.data)) ?? this.promotionProblem(decodeConfChange(e.data));
      if (problem !== undefined) {
        // Keep the index the proposer expects, but make it a no-op.
        ents[i] = { ...e, type: EntryType.Normal, data: new Uint8Array(0) };
      } else {
        this.pendingConfIndex = this.raftLog.lastIndex() + i + 1;
      }
    }
    this.appendEntry(ents);
    this.bcastAppend();
    return true;
  }

  /** A learner is promoted only once caught up, or the new quorum could stall waiting for it. */
  private promotionProblem(cc: ConfChange): string | undefined {
    if (cc.type !== ConfChangeType.AddNode) return undefined;
    const pr = this.trk.progress.get(cc.nodeId);
    if (pr && pr.isLearner && pr.match < this.raftLog.committed) return `learner ${cc.nodeId} has not caught up`;
    return undefined;
  }

  private stepCandidate(m: Message): boolean {
    const myVoteResp = this.state === StateType.PreCandidate ? MessageType.PreVoteResp : MessageType.VoteResp;
    switch (m.type) {
      case MessageType.Prop:
        return false;
      case MessageType.App:
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return true;
      case MessageType.Heartbeat:
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return true;
      case MessageType.Snap:
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return true;
      case myVoteResp: {
        const result = this.poll(m.from, !m.reject);
        if (result === VoteResult.Won) {
          if (this.state === StateType.PreCandidate) {
            this.campaign(CampaignType.Election);
          } else {
            this.becomeLeader();
            this.bcastAppend();
          }
        } else if (result === VoteResult.Lost) {
          this.becomeFollower(this.term, NONE);
        }
        return true;
      }
    }
    return true;
  }

  private stepFollower(m: Message): boolean {
    switch (m.type) {
      case MessageType.Prop:
      case MessageType.TransferLeader:
      case MessageType.ReadIndex:
        if (this.lead === NONE) return false;
        this.send({ ...m, to: this.lead });
        return true;
      case MessageType.App:
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppendEntries(m);
        return true;
      case MessageType.Heartbeat:
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return true;
      case MessageType.Snap:
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return true;
      case MessageType.TimeoutNow:
        // The leader asked us to take over: campaign at once, skipping pre-vote and the lease.
        this.hup(CampaignType.Transfer);
        return true;
      case MessageType.ReadIndexResp:
        this.readStates.push({ index: m.index, requestCtx: m.context ?? new Uint8Array(0) });
        return true;
    }
    return true;
  }

  // ---- follower handlers ----

  private handleAppendEntries(m: Message): void {
    if (m.index < this.raftLog.committed) {
      this.send(msg({ type: MessageType.AppResp, to: m.from, index: this.raftLog.committed }));
      return;
    }
    const lastNew = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries, this.faults.skipLogMatchCheck);
    if (lastNew !== undefined) {
      this.send(msg({ type: MessageType.AppResp, to: m.from, index: lastNew }));
      return;
    }
    // Reject, with a hint of where our log could match so the leader can skip back quickly.
    const hint = this.raftLog.findConflictByTerm(Math.min(m.index, this.raftLog.lastIndex()), m.logTerm);
    this.send(msg({ type: MessageType.AppResp, to: m.from, index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term }));
  }

  private handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(m.commit);
    this.send(msg({ type: MessageType.HeartbeatResp, to: m.from, context: m.context }));
  }

  private handleSnapshot(m: Message): void {
    const s = m.snapshot;
    if (!s) return;
    if (this.restore(s)) {
      this.send(msg({ type: MessageType.AppResp, to: m.from, index: this.raftLog.lastIndex() }));
    } else {
      this.send(msg({ type: MessageType.AppResp, to: m.from, index: this.raftLog.committed }));
    }
  }

  /** Installs a snapshot from the leader; false when it brings nothing new. */
  private restore(s: Snapshot): boolean {
    const meta = s.metadata;
    if (meta.index <= this.raftLog.committed) return false;
    if (this.state !== StateType.Follower) {
      // Defensive: only followers install snapshots.
      this.becomeFollower(this.term + 1, NONE);
      return false;
    }
    const cs = meta.confState;
    if (!cs.voters.includes(this.id) && !cs.learners.includes(this.id)) return false;
    if (this.raftLog.matchTerm(meta.index, meta.term)) {
      // We already hold the snapshot's last entry: just fast-forward the commit index.
      this.raftLog.commitTo(meta.index);
      return false;
    }
    this.raftLog.restore(s);
    this.trk.voters = new Set();
    this.trk.learners = new Set();
    this.trk.progress.clear();
    this.switchToConfig(cs);
    return true;
  }

  // ---- leader helpers ----

  private appendEntry(es: Entry[]): void {
    let li = this.raftLog.lastIndex();
    for (const e of es) {
      li++;
      e.term = this.term;
      e.index = li;
    }
    li = this.raftLog.append(es);
    this.trk.progress.get(this.id)?.maybeUpdate(li);
    this.maybeCommit();
  }

  private maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.trk.committed(), this.term, this.faults.commitOlderTermsByCounting);
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.raftLog.termOrZero(this.raftLog.committed) === this.term;
  }

  private startReadIndex(m: Message): void {
    const ctx = m.context ?? new Uint8Array(0);
    this.readOnly.addRequest(this.raftLog.committed, m, ctx);
    // The leader's own ack counts toward the quorum.
    const acks = this.readOnly.recvAck(this.id, ctx);
    if (acks && this.trk.ackResult(acks) === VoteResult.Won) {
      for (const rs of this.readOnly.advance(ctx)) this.respondToReadIndex(rs.request, rs.index);
      return;
    }
    this.bcastHeartbeat();
  }

  private respondToReadIndex(req: Message, index: number): void {
    const ctx = req.context ?? new Uint8Array(0);
    if (req.from === NONE || req.from === this.id) {
      this.readStates.push({ index, requestCtx: ctx });
    } else {
      this.send(msg({ type: MessageType.ReadIndexResp, to: req.from, index, context: ctx }));
    }
  }

  private releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const pending = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of pending) this.startReadIndex(m);
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send(msg({ type: MessageType.TimeoutNow, to }));
  }

  private abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  // ---- membership ----

  /** Applies a committed conf change (called by the application when it applies the entry). */
  applyConfChange(cc: ConfChange): ConfState {
    const cs = applyConfChange(this.trk.confState(), cc);
    this.switchToConfig(cs);
    return cs;
  }

  private switchToConfig(cs: ConfState): void {
    const next = this.raftLog.lastIndex() + 1;
    const members = new Set([...cs.voters, ...cs.learners]);
    for (const id of [...this.trk.progress.keys()]) if (!members.has(id)) this.trk.progress.delete(id);
    for (const id of members) {
      const isLearner = cs.learners.includes(id);
      const pr = this.trk.progress.get(id);
      if (pr) {
        pr.isLearner = isLearner;
      } else {
        const fresh = this.trk.newProgress(next, isLearner);
        // A new peer counts as active so check-quorum does not depose us before it answers.
        fresh.recentActive = true;
        if (id === this.id) fresh.match = next - 1;
        this.trk.progress.set(id, fresh);
      }
    }
    this.trk.voters = new Set(cs.voters);
    this.trk.learners = new Set(cs.learners);
    const self = this.trk.progress.get(this.id);
    this.isLearner = self?.isLearner ?? false;

    if (this.state !== StateType.Leader) return;
    if (!self || self.isLearner) {
      // We were removed or demoted: step down and let the remaining voters elect a leader.
      this.becomeFollower(this.term, NONE);
      return;
    }
    if (this.trk.voters.size === 0) return;
    // The quorum changed: entries may now be committed, and new peers need appends.
    if (this.maybeCommit()) this.releasePendingReadIndexMessages();
    this.bcastAppend();
    if (this.leadTransferee !== NONE && !this.trk.voters.has(this.leadTransferee)) this.abortLeaderTransfer();
  }
}
