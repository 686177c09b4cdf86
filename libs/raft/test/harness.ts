// A synchronous network for scripted scenarios: messages are delivered in FIFO order until the
// group is quiet, with per-link drops; invariants are checked after every delivery.
import { MemoryStorage, Message, MessageType, NodeId, SeededRand, SnapshotStatus, StateType } from '../src';
import { Checker } from '../src/sim/checker';
import { NodeOptions, SimNode } from '../src/sim/node';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export class Cluster {
  readonly nodes = new Map<NodeId, SimNode>();
  readonly checker = new Checker();
  /** Directed links that drop messages: "from->to". */
  readonly cut = new Set<string>();
  /** Every message that was delivered, for assertions about traffic. */
  readonly delivered: Message[] = [];
  /** Optional extra filter: return false to drop a message. */
  filter: (m: Message) => boolean = () => true;
  private readonly options: NodeOptions;

  constructor(voters: NodeId[], options: Partial<NodeOptions> = {}) {
    this.options = {
      electionTick: 10,
      heartbeatTick: 1,
      maxSizePerMsg: 1 << 20,
      maxInflightMsgs: 256,
      snapshotEvery: 0,
      compactionSlack: 0,
      ...options,
    };
    for (const id of voters) this.add(id, MemoryStorage.bootstrap({ voters, learners: [] }));
  }

  add(id: NodeId, storage = new MemoryStorage()): SimNode {
    const node = new SimNode(id, storage, this.options, this.checker, true);
    node.start(new SeededRand(id));
    this.nodes.set(id, node);
    return node;
  }

  node(id: NodeId): SimNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  raft(id: NodeId): NonNullable<SimNode['raw']>['raft'] {
    const raw = this.node(id).raw;
    if (!raw) throw new Error(`node ${id} is down`);
    return raw.raft;
  }

  raw(id: NodeId): NonNullable<SimNode['raw']> {
    const raw = this.node(id).raw;
    if (!raw) throw new Error(`node ${id} is down`);
    return raw;
  }

  state(id: NodeId): StateType {
    return this.raft(id).state;
  }

  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}->${other}`);
      this.cut.add(`${other}->${id}`);
    }
  }

  heal(): void {
    this.cut.clear();
    this.filter = () => true;
  }

  tick(id: NodeId, times = 1): void {
    for (let i = 0; i < times; i++) {
      this.node(id).raw?.tick();
      this.stabilize();
    }
  }

  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const n of this.nodes.values()) n.raw?.tick();
      this.stabilize();
    }
  }

  campaign(id: NodeId): void {
    this.raw(id).campaign();
    this.stabilize();
  }

  propose(id: NodeId, data: string): void {
    this.raw(id).propose(enc(data));
    this.stabilize();
  }

  applied(id: NodeId): string[] {
    return this.node(id).appliedData.map(dec);
  }

  /** Processes Readys and delivers messages until nothing is left to do. */
  stabilize(): void {
    for (let round = 0; round < 10_000; round++) {
      const queue: Message[] = [];
      for (const id of [...this.nodes.keys()].sort((a, b) => a - b)) queue.push(...this.node(id).handleReady());
      if (queue.length === 0) return;
      for (const m of queue) this.deliver(m);
      this.checker.check([...this.nodes.values()]);
    }
    throw new Error('cluster did not stabilize');
  }

  private deliver(m: Message): void {
    const to = this.nodes.get(m.to);
    const dropped = this.cut.has(`${m.from}->${m.to}`) || !this.filter(m) || !to?.raw;
    if (m.type === MessageType.Snap) {
      this.nodes.get(m.from)?.raw?.reportSnapshot(m.to, dropped ? SnapshotStatus.Failure : SnapshotStatus.Finish);
    }
    if (dropped || !to?.raw) return;
    this.delivered.push(m);
    to.raw.step(m);
  }
}
