// Invariants checked after every simulation step. A violation throws InvariantViolation.
import { RaftLog } from '../log';
import { CompactedError } from '../storage';
import { Entry, NodeId, StateType } from '../types';
import { ApplyObserver, SimNode, entryKey } from './node';

export class InvariantViolation extends Error {}

interface LogFingerprint {
  raft: object;
  entries: readonly Entry[];
  snapshot: object | undefined;
  first: number;
  last: number;
}

interface CommittedEntry {
  term: number;
  key: number;
  /** State-machine hash after applying it, once some node applied it. */
  hash?: number;
}

export class Checker implements ApplyObserver {
  private readonly leaderOfTerm = new Map<number, NodeId>();
  /** Every entry known committed, by index (the union over all nodes' commit indexes). */
  private readonly committed = new Map<number, CommittedEntry>();
  private committedUpTo = 0;
  private readonly knownLeaders = new Set<string>();
  private readonly logSeen = new Map<NodeId, LogFingerprint>();
  /** Highest commit index any node has reached, for checking ReadIndex answers. */
  maxCommit = 0;

  private fail(what: string): never {
    throw new InvariantViolation(what);
  }

  onApply(node: NodeId, e: Entry, hashAfter: number): void {
    const key = entryKey(e);
    const known = this.committed.get(e.index);
    if (known) {
      if (known.term !== e.term || known.key !== key) {
        this.fail(`state-machine safety: node ${node} applied (${e.index}, t${e.term}, k${key}) but (t${known.term}, k${known.key}) was committed`);
      }
      if (known.hash === undefined) known.hash = hashAfter;
      else if (known.hash !== hashAfter) this.fail(`state-machine safety: node ${node} state diverged at index ${e.index}`);
    } else {
      this.committed.set(e.index, { term: e.term, key, hash: hashAfter });
    }
  }

  onSnapshotRestore(node: NodeId, index: number, hash: number): void {
    const known = this.committed.get(index);
    if (known?.hash !== undefined && known.hash !== hash) this.fail(`state-machine safety: node ${node} restored a diverged snapshot at ${index}`);
  }

  /** Checks everything that can be checked from the nodes' current in-memory state. */
  check(nodes: readonly SimNode[]): void {
    const live: SimNode[] = [];
    for (const n of nodes) if (n.raw) live.push(n);
    for (const n of live) this.recordCommitted(n);
    for (const n of live) {
      const r = (n.raw as NonNullable<SimNode['raw']>).raft;
      if (r.state !== StateType.Leader) continue;
      const holder = this.leaderOfTerm.get(r.term);
      if (holder === undefined) this.leaderOfTerm.set(r.term, n.id);
      else if (holder !== n.id) this.fail(`election safety: nodes ${holder} and ${n.id} both led term ${r.term}`);
      const tag = `${n.id}@${r.term}`;
      if (!this.knownLeaders.has(tag)) {
        this.knownLeaders.add(tag);
        this.checkLeaderCompleteness(n.id, r.raftLog, r.term);
      }
    }
    const changed = live.map((n) => this.logChanged(n));
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length; j++) if (changed[i] || changed[j]) this.checkLogMatching(live[i], live[j]);
    }
  }

  /**
   * Whether a node's log may have changed since the last check. Raft replaces (never mutates) the
   * unstable entry array, and storage only changes through Ready, which also replaces that array.
   */
  private logChanged(n: SimNode): boolean {
    const raft = (n.raw as NonNullable<SimNode['raw']>).raft;
    const u = raft.raftLog.unstable;
    const prev = this.logSeen.get(n.id);
    const now: LogFingerprint = { raft, entries: u.entries, snapshot: u.snapshot, first: n.storage.firstIndex(), last: n.storage.lastIndex() };
    this.logSeen.set(n.id, now);
    return (
      prev === undefined ||
      prev.raft !== now.raft ||
      prev.entries !== now.entries ||
      prev.snapshot !== now.snapshot ||
      prev.first !== now.first ||
      prev.last !== now.last
    );
  }

  /** Learns newly committed entries from a node, and checks they agree with what is known. */
  private recordCommitted(n: SimNode): void {
    const log = (n.raw as NonNullable<SimNode['raw']>).raft.raftLog;
    if (log.committed > this.maxCommit) this.maxCommit = log.committed;
    const from = Math.max(this.committedUpTo + 1, log.firstIndex());
    if (from > log.committed) return;
    const ents = log.slice(from, log.committed + 1, Number.MAX_SAFE_INTEGER);
    for (const e of ents) {
      const key = entryKey(e);
      const known = this.committed.get(e.index);
      if (!known) this.committed.set(e.index, { term: e.term, key });
      else if (known.term !== e.term || known.key !== key) {
        this.fail(`committed entry lost: node ${n.id} has (${e.index}, t${e.term}) committed but (t${known.term}) was committed`);
      }
    }
    if (log.committed > this.committedUpTo) this.committedUpTo = log.committed;
  }

  /** A new leader's log holds every entry known committed before it was elected. */
  private checkLeaderCompleteness(id: NodeId, log: RaftLog, term: number): void {
    const last = log.lastIndex();
    const first = log.firstIndex() - 1;
    for (const [index, c] of this.committed) {
      if (index < first) continue; // compacted into the leader's snapshot
      if (index > last || log.termOrZero(index) !== c.term) {
        this.fail(`leader completeness: leader ${id} of term ${term} lacks committed entry (${index}, t${c.term})`);
      }
    }
  }

  /** If two logs hold an entry with the same index and term, they agree on all entries before it. */
  private checkLogMatching(a: SimNode, b: SimNode): void {
    const la = (a.raw as NonNullable<SimNode['raw']>).raft.raftLog;
    const lb = (b.raw as NonNullable<SimNode['raw']>).raft.raftLog;
    const lo = Math.max(la.firstIndex(), lb.firstIndex()) - 1;
    const hi = Math.min(la.lastIndex(), lb.lastIndex());
    let agreedAt = 0;
    for (let i = hi; i >= lo && i > 0; i--) {
      const same = termAt(la, i) === termAt(lb, i);
      if (!same && agreedAt !== 0) {
        this.fail(`log matching: nodes ${a.id} and ${b.id} agree at ${agreedAt} but differ at ${i}`);
      }
      // Scanning downward: below the highest agreement, every entry must agree too.
      if (same && agreedAt === 0) agreedAt = i;
    }
  }
}

function termAt(log: RaftLog, i: number): number {
  try {
    return log.term(i);
  } catch (e) {
    if (e instanceof CompactedError) return -1;
    throw e;
  }
}
