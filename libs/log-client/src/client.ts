/**
 * Client of the log service for one writer (a node group): finds each group's leader (any known
 * server answers "not leader, leader is X"), keeps one Append stream per group, batches records
 * appended in the same event-loop turn, and after a leader change or a broken stream resends every
 * unacknowledged batch unchanged (same epoch, same sequences), which the service applies at most
 * once. A record is acknowledged only once a quorum of the group's replicas fsynced it.
 */
import * as grpc from '@grpc/grpc-js';
import {
  AppendAckMsg,
  AppendRequestMsg,
  CHANNEL_OPTIONS,
  ErrorCodeName,
  ErrorMsg,
  LogAdminGrpcClient,
  LogGrpcClient,
  RecordMsg,
  StatusResponseMsg,
  loadProtos,
} from './proto';

export class LogClientError extends Error {
  constructor(
    readonly code: ErrorCodeName | 'TIMEOUT' | 'CLOSED',
    message: string,
  ) {
    super(message);
  }
}

export interface LogClientOptions {
  /** host:port of log-servers; any of them leads the client to each group's leader. */
  servers: string[];
  /** This writer's id (a node group). */
  writer: string;
  /** Records per Append message at most. Default 256. */
  maxBatchRecords?: number;
  /** Batches sent and not yet acknowledged, per group. Default 64. */
  maxInflightBatches?: number;
  /** A call or batch that found no leader for this long fails with TIMEOUT. Default 30 s. */
  retryForMs?: number;
}

export interface LogRecordInput {
  turn: number;
  parts: number;
  commitTs: number;
  body: Buffer;
}

export interface AppendedBatch {
  firstSequence: number;
  firstPosition: number;
  count: number;
}

export interface ReplayedRecord extends LogRecordInput {
  sequence: number;
  position: number;
  epoch: number;
}

/** Codes after which resending to the (new) leader may succeed. */
const RETRIABLE = new Set<string>(['NOT_LEADER', 'UNKNOWN_OUTCOME', 'UNAVAILABLE', 'STORAGE_FAILED', 'NO_SUCH_GROUP', 'SEQUENCE_GAP']);

interface PendingBatch {
  request: AppendRequestMsg;
  firstQueuedAt: number;
  resolve(b: AppendedBatch): void;
  reject(e: Error): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function toRecordMsg(r: LogRecordInput): RecordMsg {
  return { turn: r.turn, parts: r.parts, commit_ts: r.commitTs, body: r.body };
}

/** The Append stream and the unacknowledged batches of one group. */
class GroupWriter {
  epoch = 0;
  nextSequence = 1;
  /** Unacknowledged batches, in sequence order; the first `sent` went out on the current stream. */
  private readonly unacked: PendingBatch[] = [];
  private sent = 0;
  private stream: grpc.ClientDuplexStream<AppendRequestMsg, AppendAckMsg> | undefined;
  private connecting = false;
  private fatal: LogClientError | undefined;
  private buffered: { record: LogRecordInput; resolve(p: number): void; reject(e: Error): void }[] = [];
  private flushScheduled = false;
  private backoffMs = 0;

  constructor(
    private readonly client: LogClient,
    readonly groupId: number,
  ) {}

  setEpoch(epoch: number, nextSequence: number): void {
    this.epoch = epoch;
    this.nextSequence = Math.max(this.nextSequence, nextSequence);
    this.fatal = undefined;
  }

  /** One record; it joins the batch of every record appended in this event-loop turn. */
  appendRecord(record: LogRecordInput): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.buffered.push({ record, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushBuffered());
      }
    });
  }

  private flushBuffered(): void {
    this.flushScheduled = false;
    const all = this.buffered;
    this.buffered = [];
    const max = this.client.maxBatchRecords;
    for (let i = 0; i < all.length; i += max) {
      const chunk = all.slice(i, i + max);
      this.appendBatch(chunk.map((c) => c.record)).then(
        (b) => chunk.forEach((c, k) => c.resolve(b.firstPosition === 0 ? 0 : b.firstPosition + k)),
        (e: Error) => chunk.forEach((c) => c.reject(e)),
      );
    }
  }

  /** One batch with consecutive sequence numbers, kept together through retries. */
  appendBatch(records: LogRecordInput[]): Promise<AppendedBatch> {
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.epoch === 0) return Promise.reject(new LogClientError('UNKNOWN_EPOCH', `call acquireWriter(${this.groupId}) first`));
    const request: AppendRequestMsg = {
      group_id: this.groupId,
      writer: this.client.writer,
      epoch: this.epoch,
      first_sequence: this.nextSequence,
      records: records.map(toRecordMsg),
      request_id: this.client.nextRequestId(),
    };
    this.nextSequence += records.length;
    return new Promise<AppendedBatch>((resolve, reject) => {
      this.unacked.push({ request, firstQueuedAt: Date.now(), resolve, reject });
      this.pump();
    });
  }

  /** Sends what the in-flight window allows, opening a stream to the leader when needed. */
  private pump(): void {
    if (this.fatal) return;
    if (!this.stream) {
      void this.connect();
      return;
    }
    while (this.sent < this.unacked.length && this.sent < this.client.maxInflightBatches) {
      this.stream.write(this.unacked[this.sent].request);
      this.sent++;
    }
  }

  private async connect(): Promise<void> {
    if (this.connecting || this.stream || this.unacked.length === 0) return;
    this.connecting = true;
    try {
      if (this.backoffMs > 0) await sleep(this.backoffMs);
      this.failExpired();
      if (this.unacked.length === 0 || this.fatal) return;
      const address = this.client.leaderHint(this.groupId);
      const stream = this.client.grpcFor(address).Append();
      this.stream = stream;
      this.sent = 0;
      stream.on('data', (ack: AppendAckMsg) => this.onAck(stream, address, ack));
      stream.on('error', (e: Error) => this.retry(stream, address, `stream error: ${e.message}`, ''));
      stream.on('end', () => this.retry(stream, address, 'stream ended', ''));
    } finally {
      this.connecting = false;
    }
    this.pump();
  }

  private onAck(stream: grpc.ClientDuplexStream<AppendRequestMsg, AppendAckMsg>, address: string, ack: AppendAckMsg): void {
    if (stream !== this.stream) return;
    const k = this.unacked.findIndex((p) => p.request.request_id === ack.request_id);
    if (k < 0) return; // an ack of a batch already settled
    const error = ack.error && ack.error.code !== 'OK' ? ack.error : null;
    if (!error) {
      const [p] = this.unacked.splice(k, 1);
      if (k < this.sent) this.sent--;
      this.backoffMs = 0;
      this.client.noteLeader(this.groupId, address);
      p.resolve({ firstSequence: p.request.first_sequence, firstPosition: ack.first_position, count: p.request.records.length });
      this.pump();
      return;
    }
    if (RETRIABLE.has(error.code)) {
      this.retry(stream, address, `${error.code}: ${error.message}`, error.code === 'NOT_LEADER' ? error.leader_address : '');
      return;
    }
    // Fenced (STALE_EPOCH / UNKNOWN_EPOCH) or refused: no retry can succeed.
    this.fatal = new LogClientError(error.code, error.message);
    this.stream = undefined;
    stream.cancel();
    for (const p of this.unacked.splice(0)) p.reject(this.fatal);
    this.sent = 0;
  }

  /** Drops the stream and resends every unacknowledged batch on a new one (to the leader). */
  private retry(stream: grpc.ClientDuplexStream<AppendRequestMsg, AppendAckMsg>, address: string, why: string, leaderAddress: string): void {
    if (stream !== this.stream) return;
    this.stream = undefined;
    this.sent = 0;
    stream.cancel();
    this.client.noteFailure(this.groupId, address, leaderAddress);
    // No backoff when redirected to a named leader; otherwise grow it up to half a second.
    this.backoffMs = leaderAddress ? 0 : Math.min(500, Math.max(20, this.backoffMs * 2));
    this.client.debug?.(`group ${this.groupId}: ${why}; resending ${this.unacked.length} batches`);
    void this.connect();
  }

  private failExpired(): void {
    const deadline = Date.now() - this.client.retryForMs;
    while (this.unacked.length > 0 && this.unacked[0].firstQueuedAt < deadline) {
      // A later batch cannot be acknowledged before an earlier one: fail them all.
      const error = new LogClientError('TIMEOUT', `group ${this.groupId}: no leader acknowledged within ${this.client.retryForMs} ms`);
      for (const p of this.unacked.splice(0)) p.reject(error);
      this.fatal = error;
    }
  }

  close(): void {
    this.fatal = new LogClientError('CLOSED', 'log client closed');
    this.stream?.cancel();
    this.stream = undefined;
    for (const p of this.unacked.splice(0)) p.reject(this.fatal);
  }
}

export class LogClient {
  readonly writer: string;
  readonly maxBatchRecords: number;
  readonly maxInflightBatches: number;
  readonly retryForMs: number;
  /** Set to trace retries. */
  debug: ((line: string) => void) | undefined;
  private readonly servers: string[];
  private readonly grpcClients = new Map<string, LogGrpcClient>();
  private readonly adminClients = new Map<string, LogAdminGrpcClient>();
  private readonly leaders = new Map<number, string>();
  private readonly rotation = new Map<number, number>();
  private readonly groups = new Map<number, GroupWriter>();
  private requestCounter = 0;

  constructor(options: LogClientOptions) {
    if (options.servers.length === 0) throw new Error('LogClient needs at least one server');
    this.servers = [...options.servers];
    this.writer = options.writer;
    this.maxBatchRecords = options.maxBatchRecords ?? 256;
    this.maxInflightBatches = options.maxInflightBatches ?? 64;
    this.retryForMs = options.retryForMs ?? 30_000;
  }

  nextRequestId(): number {
    return ++this.requestCounter;
  }

  grpcFor(address: string): LogGrpcClient {
    let c = this.grpcClients.get(address);
    if (!c) {
      c = new (loadProtos().LogClient)(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
      this.grpcClients.set(address, c);
    }
    return c;
  }

  adminFor(address: string): LogAdminGrpcClient {
    let c = this.adminClients.get(address);
    if (!c) {
      c = new (loadProtos().LogAdminClient)(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
      this.adminClients.set(address, c);
    }
    return c;
  }

  /** The known leader of a group, else the next server in rotation. */
  leaderHint(groupId: number): string {
    return this.leaders.get(groupId) ?? this.servers[(this.rotation.get(groupId) ?? 0) % this.servers.length];
  }

  noteLeader(groupId: number, address: string): void {
    this.leaders.set(groupId, address);
  }

  /** After a failure at `address`: follow the named leader, or move on to the next server. */
  noteFailure(groupId: number, address: string, leaderAddress: string): void {
    if (leaderAddress && leaderAddress !== address) {
      this.leaders.set(groupId, leaderAddress);
      if (!this.servers.includes(leaderAddress)) this.servers.push(leaderAddress);
      return;
    }
    this.leaders.delete(groupId);
    const at = this.servers.indexOf(address);
    this.rotation.set(groupId, at < 0 ? (this.rotation.get(groupId) ?? 0) + 1 : at + 1);
  }

  private group(groupId: number): GroupWriter {
    let g = this.groups.get(groupId);
    if (!g) this.groups.set(groupId, (g = new GroupWriter(this, groupId)));
    return g;
  }

  /**
   * Calls the group's leader, following redirects and retrying elsewhere on failure until
   * retryForMs. `call` returns the response, whose error field decides what happens next.
   */
  async callLeader<Res extends { error: ErrorMsg | null }>(groupId: number, call: (c: LogGrpcClient) => Promise<Res>): Promise<Res> {
    const deadline = Date.now() + this.retryForMs;
    let backoff = 20;
    let last = '';
    for (;;) {
      const address = this.leaderHint(groupId);
      let leaderAddress = '';
      try {
        const res = await call(this.grpcFor(address));
        const error = res.error && res.error.code !== 'OK' ? res.error : null;
        if (!error) {
          this.noteLeader(groupId, address);
          return res;
        }
        if (!RETRIABLE.has(error.code) || error.code === 'SEQUENCE_GAP') throw new LogClientError(error.code, error.message);
        last = `${error.code}: ${error.message}`;
        leaderAddress = error.code === 'NOT_LEADER' ? error.leader_address : '';
      } catch (e) {
        if (e instanceof LogClientError) throw e;
        last = (e as Error).message;
      }
      this.noteFailure(groupId, address, leaderAddress);
      if (Date.now() > deadline) throw new LogClientError('TIMEOUT', `group ${groupId}: no leader answered within ${this.retryForMs} ms (last: ${last})`);
      if (!leaderAddress) {
        await sleep(backoff);
        backoff = Math.min(500, backoff * 2);
      }
    }
  }

  private static unary<Req, Res>(fn: (req: Req, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: Res) => void) => grpc.ClientUnaryCall, req: Req, timeoutMs = 10_000): Promise<Res> {
    return new Promise<Res>((resolve, reject) =>
      fn(req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (e, r) => (e ? reject(e) : resolve(r as Res))),
    );
  }

  /** Takes a new epoch in the group (fencing older ones); appends then use it. */
  async acquireWriter(groupId: number): Promise<{ epoch: number; nextSequence: number; checkpointTs: number }> {
    const res = await this.callLeader(groupId, (c) => LogClient.unary(c.AcquireWriter.bind(c), { group_id: groupId, writer: this.writer }));
    this.group(groupId).setEpoch(res.epoch, res.next_sequence);
    return { epoch: res.epoch, nextSequence: res.next_sequence, checkpointTs: res.checkpoint_ts };
  }

  async retireWriter(groupId: number, writer = this.writer): Promise<void> {
    await this.callLeader(groupId, (c) => LogClient.unary(c.RetireWriter.bind(c), { group_id: groupId, writer }));
  }

  /** Appends one record; resolves with its log position once a quorum fsynced it. */
  append(groupId: number, record: LogRecordInput): Promise<number> {
    return this.group(groupId).appendRecord(record);
  }

  /** Appends records as one batch (one sequence range); resolves once a quorum fsynced it. */
  appendBatch(groupId: number, records: LogRecordInput[]): Promise<AppendedBatch> {
    return this.group(groupId).appendBatch(records);
  }

  async updateCheckpoint(groupId: number, checkpointTs: number): Promise<void> {
    await this.callLeader(groupId, (c) => LogClient.unary(c.UpdateCheckpoint.bind(c), { group_id: groupId, writer: this.writer, checkpoint_ts: checkpointTs }));
  }

  /** Every committed record of `writer` with commitTs > afterTs, in order, read from the leader. */
  async replay(groupId: number, afterTs = 0, writer = this.writer, batchRecords = 2000): Promise<ReplayedRecord[]> {
    const res = await this.callLeader(groupId, (c) => this.replayFrom(c, { group_id: groupId, writer, after_ts: afterTs, batch_records: batchRecords }));
    return res.records;
  }

  private replayFrom(c: LogGrpcClient, req: { group_id: number; writer: string; after_ts: number; batch_records: number }): Promise<{ error: ErrorMsg | null; records: ReplayedRecord[] }> {
    return new Promise((resolve, reject) => {
      const records: ReplayedRecord[] = [];
      let settled = false;
      const stream = c.Replay(req, new grpc.Metadata(), { deadline: Date.now() + 120_000 });
      stream.on('data', (batch) => {
        if (settled) return;
        if (batch.error && batch.error.code !== 'OK') {
          settled = true;
          stream.cancel();
          resolve({ error: batch.error, records: [] });
          return;
        }
        for (const r of batch.records) {
          records.push({ sequence: r.sequence, position: r.position, epoch: r.epoch, turn: r.record.turn, parts: r.record.parts, commitTs: r.record.commit_ts, body: r.record.body });
        }
        if (batch.done) {
          settled = true;
          resolve({ error: null, records });
        }
      });
      stream.on('error', (e) => {
        if (!settled) {
          settled = true;
          reject(e);
        }
      });
      stream.on('end', () => {
        if (!settled) {
          settled = true;
          reject(new Error('replay stream ended early'));
        }
      });
    });
  }

  /** Status of the group as `address` sees it (default: the leader). */
  async status(groupId: number, address?: string): Promise<StatusResponseMsg> {
    if (address) return LogClient.unary(this.grpcFor(address).Status.bind(this.grpcFor(address)), { group_id: groupId });
    return this.callLeader(groupId, async (c) => {
      const st = await LogClient.unary<{ group_id: number }, StatusResponseMsg>(c.Status.bind(c), { group_id: groupId });
      // Only the leader knows every replica's match index.
      if (!st.error && st.role !== 'Leader') return { ...st, error: { code: 'NOT_LEADER' as const, message: 'not the leader', leader_address: st.leader_address } };
      return st;
    });
  }

  /** Creates a group on every server of `addresses` (node ids 1..n in that order). */
  async createGroup(groupId: number, addresses: string[]): Promise<void> {
    const peers = addresses.map((address, i) => ({ node_id: i + 1, address }));
    for (const address of addresses) {
      const admin = this.adminFor(address);
      const res = await LogClient.unary(admin.CreateGroup.bind(admin), { group_id: groupId, peers });
      if (res.error && res.error.code !== 'OK') throw new LogClientError(res.error.code, `${address}: ${res.error.message}`);
    }
  }

  close(): void {
    for (const g of this.groups.values()) g.close();
    for (const c of this.grpcClients.values()) c.close();
    for (const c of this.adminClients.values()) c.close();
    this.grpcClients.clear();
    this.adminClients.clear();
  }
}
