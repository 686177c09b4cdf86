// All replicas one log-server hosts. On-disk layout under the storage path:
//   <storage_path>/group-<id>/replica.json   {"groupId", "nodeId"}: which replica this is
//   <storage_path>/group-<id>/wal/            the replica's WAL (Raft log, hard state, snapshots)
// Membership flags only bootstrap a group whose directory does not exist yet; afterwards the
// membership committed in Raft (snapshot + conf change entries) wins.
import fs from 'fs';
import path from 'path';
import { Message, MessageType } from '@strata/raft';
import type { FileLayer } from '@strata/wal';
import { Replica, ReplicaOptions } from './replica';
import { bootstrapSnapshotData } from './state-machine';

export interface PeerTransport {
  /** Queues messages of `groupId` for the server at `address` (best effort: Raft retries). */
  send(address: string, groupId: number, messages: Message[]): void;
}

export interface LogHostOptions {
  storagePath: string;
  transport: PeerTransport;
  /** Milliseconds per Raft tick. */
  tickMs?: number;
  electionTick?: number;
  heartbeatTick?: number;
  /** For tests: the file layer every WAL goes through (e.g. a FaultyFileLayer). */
  files?: FileLayer;
  replicaTuning?: Pick<ReplicaOptions, 'snapshotEntries' | 'snapshotBytes' | 'compactionSlack'>;
  log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>): void;
}

interface ReplicaIdentity {
  groupId: number;
  nodeId: number;
}

export class LogHost {
  readonly replicas = new Map<number, Replica>();
  /** Addresses learned from incoming traffic: "group:node" -> address (a joiner knows no peers yet). */
  private readonly seen = new Map<string, string>();
  private readonly opening = new Map<number, Promise<Replica>>();
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly options: LogHostOptions) {}

  private groupDir(groupId: number): string {
    return path.join(this.options.storagePath, `group-${groupId}`);
  }

  /** Opens every replica found under the storage path and starts ticking. */
  async open(): Promise<void> {
    fs.mkdirSync(this.options.storagePath, { recursive: true });
    for (const name of fs.readdirSync(this.options.storagePath)) {
      const file = path.join(this.options.storagePath, name, 'replica.json');
      if (!/^group-\d+$/.test(name) || !fs.existsSync(file)) continue;
      const id = JSON.parse(fs.readFileSync(file, 'utf8')) as ReplicaIdentity;
      await this.openReplica(id.groupId, id.nodeId);
    }
    this.ticker = setInterval(() => {
      for (const r of this.replicas.values()) r.tick();
    }, this.options.tickMs ?? 50);
  }

  /**
   * Creates this server's replica of a new group with the given voters, unless the group already
   * exists here (then the stored membership wins and nothing changes). Returns whether it created.
   */
  async bootstrapGroup(groupId: number, selfNodeId: number, peers: Map<number, string>): Promise<boolean> {
    if (this.replicas.has(groupId) || fs.existsSync(path.join(this.groupDir(groupId), 'replica.json'))) return false;
    const dir = this.groupDir(groupId);
    await Replica.bootstrap(path.join(dir, 'wal'), [...peers.keys()], bootstrapSnapshotData(peers), this.options.files);
    this.writeIdentity(groupId, selfNodeId);
    await this.openReplica(groupId, selfNodeId);
    this.options.log('info', 'group bootstrapped', { group: groupId, node: selfNodeId, peers: Object.fromEntries(peers) });
    return true;
  }

  private writeIdentity(groupId: number, nodeId: number): void {
    const dir = this.groupDir(groupId);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, 'replica.json.tmp');
    const fd = fs.openSync(tmp, 'w');
    fs.writeSync(fd, JSON.stringify({ groupId, nodeId }));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, path.join(dir, 'replica.json'));
    const dfd = fs.openSync(dir, 'r');
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
  }

  private openReplica(groupId: number, nodeId: number): Promise<Replica> {
    const inProgress = this.opening.get(groupId);
    if (inProgress) return inProgress;
    const promise = Replica.open(
      {
        groupId,
        nodeId,
        electionTick: this.options.electionTick,
        heartbeatTick: this.options.heartbeatTick,
        ...this.options.replicaTuning,
        send: (messages) => this.sendFrom(groupId, messages),
        log: (msg, fields) => this.options.log('info', msg, fields),
        onFailure: (error) => this.options.log('error', 'replica storage failed', { group: groupId, node: nodeId, error: error.message }),
      },
      path.join(this.groupDir(groupId), 'wal'),
      this.options.files,
    ).then((replica) => {
      this.replicas.set(groupId, replica);
      this.opening.delete(groupId);
      const st = replica.raw.status();
      this.options.log('info', 'replica open', {
        group: groupId,
        node: nodeId,
        term: st.term,
        commit: st.commit,
        applied: replica.appliedIndex,
        firstIndex: replica.storage.firstIndex(),
        lastIndex: replica.storage.lastIndex(),
        voters: replica.confState.voters,
      });
      return replica;
    });
    this.opening.set(groupId, promise);
    promise.catch(() => this.opening.delete(groupId));
    return promise;
  }

  /** Address of a group's replica: from the committed peer list, else from traffic seen. */
  addressOf(groupId: number, nodeId: number): string | undefined {
    return this.replicas.get(groupId)?.sm.peers.get(nodeId) ?? this.seen.get(`${groupId}:${nodeId}`);
  }

  private sendFrom(groupId: number, messages: Message[]): void {
    const byAddress = new Map<string, Message[]>();
    for (const m of messages) {
      const address = this.addressOf(groupId, m.to);
      if (!address) continue; // unknown peer: Raft retries once its address is known
      let list = byAddress.get(address);
      if (!list) byAddress.set(address, (list = []));
      list.push(m);
    }
    for (const [address, list] of byAddress) this.options.transport.send(address, groupId, list);
  }

  /** Delivers messages from the server at fromAddress. */
  receive(fromAddress: string, groupId: number, m: Message): void {
    this.seen.set(`${groupId}:${m.from}`, fromAddress);
    const replica = this.replicas.get(groupId);
    if (replica) {
      if (replica.nodeId === m.to) replica.step(m);
      return;
    }
    // A leader contacting us about a group we do not host: we were added to it (AddReplica).
    // Start an empty replica with the id the leader uses; it will receive a snapshot.
    if (m.term > 0 && (m.type === MessageType.App || m.type === MessageType.Heartbeat || m.type === MessageType.Snap)) {
      if (this.opening.has(groupId)) return;
      this.writeIdentity(groupId, m.to);
      this.options.log('info', 'joining group', { group: groupId, node: m.to, leader: m.from, leaderAddress: fromAddress });
      this.openReplica(groupId, m.to).then(
        (r) => r.step(m),
        (err: Error) => this.options.log('error', 'cannot open joining replica', { group: groupId, error: err.message }),
      );
    }
  }

  async close(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    await Promise.all([...this.replicas.values()].map((r) => r.stop()));
  }
}
