// A seeded discrete-event simulation of one raft group under faults: message loss, duplication,
// reordering and delay, symmetric and asymmetric partitions, crash-restart losing unsynced state,
// membership changes, leader transfers, snapshots and ReadIndex. Invariants are checked after
// every event; after the network heals, a leader must commit a new proposal within a bound.
import { InjectedFaults, ProposalDroppedError } from '../raft';
import { SeededRand } from '../rand';
import { MemoryStorage } from '../storage';
import { ConfChangeType, Message, MessageType, NodeId, SnapshotStatus, StateType } from '../types';
import { Checker, InvariantViolation } from './checker';
import { EventHeap } from './heap';
import { NodeOptions, SimNode, encodeKey, entryKey } from './node';

export interface SimOptions {
  /** Voters at bootstrap: 3 or 5 (default: chosen by the seed). */
  voters?: number;
  /** Ticks of faults before the network heals. */
  chaosTicks?: number;
  /** Ticks after healing within which a new proposal must commit. */
  healBoundTicks?: number;
  faults?: InjectedFaults;
}

export interface SimResult {
  seed: number;
  ok: boolean;
  violation?: string;
  /** Ticks from healing until the probe proposal was applied. */
  ticksToRecover?: number;
  events: number;
  committed: number;
  elections: number;
}

const TICK = 10; // time units per tick
const ELECTION_TICK = 10;

type SimEvent =
  | { time: number; seq: number; kind: 'tick'; node: NodeId }
  | { time: number; seq: number; kind: 'ready'; node: NodeId }
  | { time: number; seq: number; kind: 'deliver'; msg: Message }
  | { time: number; seq: number; kind: 'snapStatus'; node: NodeId; peer: NodeId; status: SnapshotStatus }
  | { time: number; seq: number; kind: 'chaos' };

/** Omit distributed over the union, so each event kind keeps its own fields. */
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export class Simulation {
  readonly rng: SeededRand;
  readonly nodes = new Map<NodeId, SimNode>();
  readonly checker = new Checker();
  private readonly queue = new EventHeap<SimEvent>();
  private seq = 0;
  now = 0;
  events = 0;
  private readonly readyScheduled = new Set<NodeId>();
  /** Directed links that drop everything: "from->to". */
  private readonly blocked = new Set<string>();
  private loss: number;
  private dup: number;
  private readonly maxDelay: number;
  private readonly fsyncDelay: number;
  private readonly nodeOptions: NodeOptions;
  private nextNodeId: number;
  private nextKey = 1;
  private readonly pendingReads = new Map<string, number>();
  private healed = false;

  constructor(
    readonly seed: number,
    voters: number,
    faults?: InjectedFaults,
  ) {
    this.rng = new SeededRand(seed);
    const r = this.rng;
    this.loss = r.pick([0, 0.01, 0.05, 0.15]);
    this.dup = r.pick([0, 0.02, 0.1]);
    this.maxDelay = r.pick([2, 10, 25, 40]);
    this.fsyncDelay = r.pick([0, 2, 6]);
    this.nodeOptions = {
      electionTick: ELECTION_TICK,
      heartbeatTick: 1,
      maxSizePerMsg: r.pick([64, 256, 4096]),
      maxInflightMsgs: r.pick([1, 4, 64]),
      snapshotEvery: r.pick([0, 8, 30]),
      compactionSlack: r.pick([0, 3, 10]),
      faults,
    };
    const ids = Array.from({ length: voters }, (_, i) => i + 1);
    this.nextNodeId = voters + 1;
    for (const id of ids) this.addNode(id, MemoryStorage.bootstrap({ voters: ids, learners: [] }));
  }

  private schedule(e: DistributiveOmit<SimEvent, 'seq'>): void {
    // Mutating the fresh literal avoids copying it (this is the hottest path of a run).
    (e as SimEvent).seq = this.seq++;
    this.queue.push(e as SimEvent);
  }

  private addNode(id: NodeId, storage: MemoryStorage): void {
    const node = new SimNode(id, storage, this.nodeOptions, this.checker);
    this.nodes.set(id, node);
    this.startNode(node);
    // Ticks at a per-node phase, so nodes do not tick in lockstep.
    this.schedule({ time: this.now + 1 + this.rng.intn(TICK), kind: 'tick', node: id });
  }

  private startNode(node: SimNode): void {
    node.start(new SeededRand((this.seed * 31 + node.id * 7919 + this.events) >>> 0));
  }

  get nodeList(): SimNode[] {
    return [...this.nodes.values()];
  }

  private touched(id: NodeId): void {
    if (this.readyScheduled.has(id)) return;
    this.readyScheduled.add(id);
    this.schedule({ time: this.now + this.fsyncDelay, kind: 'ready', node: id });
  }

  private send(m: Message): void {
    const dropped = this.blocked.has(`${m.from}->${m.to}`) || this.rng.chance(this.loss);
    if (dropped) {
      if (m.type === MessageType.Snap) this.schedule({ time: this.now + 1, kind: 'snapStatus', node: m.from, peer: m.to, status: SnapshotStatus.Failure });
      return;
    }
    this.schedule({ time: this.now + 1 + this.rng.intn(this.maxDelay), kind: 'deliver', msg: m });
    if (this.rng.chance(this.dup)) this.schedule({ time: this.now + 1 + this.rng.intn(this.maxDelay * 2), kind: 'deliver', msg: m });
  }

  /** Runs one event; returns false when the queue is empty. */
  stepOnce(): boolean {
    const e = this.queue.pop();
    if (!e) return false;
    this.now = e.time;
    this.events++;
    switch (e.kind) {
      case 'tick': {
        const node = this.nodes.get(e.node);
        if (node?.raw) {
          node.raw.tick();
          this.touched(e.node);
        }
        this.schedule({ time: this.now + TICK, kind: 'tick', node: e.node });
        break;
      }
      case 'ready': {
        this.readyScheduled.delete(e.node);
        const node = this.nodes.get(e.node);
        if (!node?.raw) break;
        for (const m of node.handleReady()) this.send(m);
        this.collectReads(node);
        if (node.raw.hasReady()) this.touched(e.node);
        break;
      }
      case 'deliver': {
        const node = this.nodes.get(e.msg.to);
        if (!node?.raw) {
          if (e.msg.type === MessageType.Snap) this.schedule({ time: this.now + 1, kind: 'snapStatus', node: e.msg.from, peer: e.msg.to, status: SnapshotStatus.Failure });
          break;
        }
        node.raw.step(e.msg);
        this.touched(node.id);
        if (e.msg.type === MessageType.Snap) this.schedule({ time: this.now + 1, kind: 'snapStatus', node: e.msg.from, peer: e.msg.to, status: SnapshotStatus.Finish });
        break;
      }
      case 'snapStatus': {
        const node = this.nodes.get(e.node);
        if (node?.raw) {
          node.raw.reportSnapshot(e.peer, e.status);
          this.touched(e.node);
        }
        break;
      }
      case 'chaos':
        if (this.healed) break;
        this.chaos();
        this.schedule({ time: this.now + 5 + this.rng.intn(40), kind: 'chaos' });
        break;
    }
    this.checker.check(this.nodeList);
    return true;
  }

  // ---- faults and workload ----

  private liveNodes(): SimNode[] {
    return this.nodeList.filter((n) => n.up);
  }

  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodeList) {
      const r = n.raw?.raft;
      if (r?.state === StateType.Leader && (!best || r.term > (best.raw?.raft.term ?? 0))) best = n;
    }
    return best;
  }

  propose(node: SimNode, key: number): boolean {
    if (!node.raw) return false;
    try {
      node.raw.propose(encodeKey(key));
    } catch (e) {
      if (e instanceof ProposalDroppedError) return false;
      throw e;
    }
    this.touched(node.id);
    return true;
  }

  private chaos(): void {
    const r = this.rng;
    const nodes = this.nodeList;
    const roll = r.intn(100);
    if (roll < 40) {
      this.propose(r.pick(nodes), this.nextKey++);
    } else if (roll < 46) {
      const live = this.liveNodes();
      if (live.length > 0) r.pick(live).crash();
    } else if (roll < 56) {
      const down = nodes.filter((n) => !n.up);
      if (down.length > 0) this.startNode(r.pick(down));
    } else if (roll < 62) {
      this.partition(nodes.map((n) => n.id), r.chance(0.5));
    } else if (roll < 70) {
      this.blocked.clear();
    } else if (roll < 78) {
      this.changeMembership();
    } else if (roll < 84) {
      const leader = this.leader();
      const voters = leader?.raw?.status().confState.voters ?? [];
      if (leader?.raw && voters.length > 0) leader.raw.transferLeader(r.pick(voters));
      if (leader) this.touched(leader.id);
    } else if (roll < 90) {
      this.requestRead(r.pick(nodes));
    }
    // else: quiet period
  }

  private partition(ids: NodeId[], symmetric: boolean): void {
    this.blocked.clear();
    const side = new Set(ids.filter(() => this.rng.chance(0.5)));
    for (const a of ids) {
      for (const b of ids) {
        if (side.has(a) === side.has(b)) continue;
        // Asymmetric: only traffic from the chosen side to the rest is dropped.
        if (symmetric || side.has(a)) this.blocked.add(`${a}->${b}`);
      }
    }
  }

  private changeMembership(): void {
    const leader = this.leader();
    if (!leader?.raw) return;
    const r = this.rng;
    const cs = leader.raw.status().confState;
    const choice = r.intn(3);
    try {
      if (choice === 0 && cs.learners.length + cs.voters.length < 7) {
        const id = this.nextNodeId++;
        this.addNode(id, new MemoryStorage());
        leader.raw.proposeConfChange({ type: ConfChangeType.AddLearner, nodeId: id });
      } else if (choice === 1 && cs.learners.length > 0) {
        leader.raw.proposeConfChange({ type: ConfChangeType.AddNode, nodeId: r.pick(cs.learners) });
      } else if (choice === 2 && cs.voters.length > 2) {
        const members = [...cs.voters, ...cs.learners];
        leader.raw.proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: r.pick(members) });
      }
    } catch (e) {
      if (!(e instanceof ProposalDroppedError)) throw e;
    }
    this.touched(leader.id);
  }

  private requestRead(node: SimNode): void {
    if (!node.raw) return;
    const ctx = encodeKey(this.nextKey++);
    // Linearizability: the read point must cover everything committed before the request.
    this.pendingReads.set(String(entryKeyOfCtx(ctx)), this.checker.maxCommit);
    node.raw.readIndex(ctx);
    this.touched(node.id);
  }

  private collectReads(node: SimNode): void {
    for (const rs of node.readStates) {
      const k = String(entryKeyOfCtx(rs.requestCtx));
      const floor = this.pendingReads.get(k);
      if (floor !== undefined && rs.index < floor) {
        throw new InvariantViolation(`read index: node ${node.id} got read point ${rs.index} below commit ${floor} known at request`);
      }
      this.pendingReads.delete(k);
    }
    node.readStates.length = 0;
  }

  /** Removes every fault; crashed nodes restart. */
  heal(): void {
    this.healed = true;
    this.blocked.clear();
    this.loss = 0;
    this.dup = 0;
    for (const n of this.nodeList) if (!n.up) this.startNode(n);
  }

  runUntil(time: number): void {
    while (this.now < time && this.stepOnce()) {
      /* step */
    }
  }

  startChaos(): void {
    this.schedule({ time: this.now + 1, kind: 'chaos' });
  }

  /** After heal(): proposes a probe to each new leader until some node applies it. */
  awaitRecovery(boundTicks: number): number | undefined {
    const probe = this.nextKey++;
    const start = this.now;
    const proposedTo = new Set<string>();
    let applied = false;
    const observer = this.checker.onApply.bind(this.checker);
    this.checker.onApply = (node, e, hash) => {
      observer(node, e, hash);
      if (entryKey(e) === probe) applied = true;
    };
    while (!applied && this.now - start < boundTicks * TICK) {
      const leader = this.leader();
      const tag = leader?.raw ? `${leader.id}@${leader.raw.raft.term}` : '';
      if (leader && !proposedTo.has(tag) && this.propose(leader, probe)) proposedTo.add(tag);
      if (!this.stepOnce()) break;
    }
    return applied ? Math.ceil((this.now - start) / TICK) : undefined;
  }

  get isHealed(): boolean {
    return this.healed;
  }
}

function entryKeyOfCtx(ctx: Uint8Array): number {
  return ctx.length === 4 ? new DataView(ctx.buffer, ctx.byteOffset, 4).getUint32(0) : -1;
}

/** Runs one seed: faults for chaosTicks, then heal and require recovery within healBoundTicks. */
export function runSeed(seed: number, options: SimOptions = {}): SimResult {
  const pre = new SeededRand(seed ^ 0x5bd1e995);
  const voters = options.voters ?? (pre.chance(0.5) ? 3 : 5);
  const sim = new Simulation(seed, voters, options.faults);
  const chaosTicks = options.chaosTicks ?? 300;
  const healBound = options.healBoundTicks ?? 20 * ELECTION_TICK;
  const result = (extra: Partial<SimResult>): SimResult => ({
    seed,
    ok: true,
    events: sim.events,
    committed: sim.checker.maxCommit,
    elections: 0,
    ...extra,
  });
  try {
    sim.startChaos();
    sim.runUntil(chaosTicks * TICK);
    sim.heal();
    const ticks = sim.awaitRecovery(healBound);
    if (ticks === undefined) return result({ ok: false, violation: `liveness: no proposal committed within ${healBound} ticks after healing` });
    return result({ ticksToRecover: ticks });
  } catch (e) {
    if (e instanceof InvariantViolation) return result({ ok: false, violation: e.message });
    return result({ ok: false, violation: `crash: ${(e as Error).stack ?? String(e)}` });
  }
}
