/**
 * StorageAdapter over a store-server (strata.store.v1.Store), so a kv-server uses a remote store
 * through the same interface as an embedded one.
 *
 * - Point reads: coalesced into batched messages on one long-lived Read stream (read-stream.ts).
 * - Outages: every call except snapshot/restore is idempotent, so while the server is unavailable
 *   a call retries with exponential backoff (initialBackoffMs doubling to maxBackoffMs) for up to
 *   retryForMs, then fails with StoreError UNAVAILABLE naming the server and the last cause.
 *   Snapshot and restore are not retried: their streams cannot resume halfway.
 * - Errors from the server keep their meaning: gRPC status → StoreError code (convert.ts).
 */
import * as grpc from '@grpc/grpc-js';
import type {
  KeyRef,
  ScanPage,
  ScanRequest,
  SnapshotChunk,
  StorageAdapter,
  StoredItem,
  StoreStats,
  TableName,
  WriteItem,
  WriteOptions,
} from '@strata/store';
import { StoreError, validateKeyRef, validateWriteItem } from '@strata/store';
import { consistencyToMsg, msgToSnapshotChunk, msgToStoredItem, serviceErrorToStoreError, snapshotChunkToMsg, writeItemToMsg } from './convert';
import { CHANNEL_OPTIONS, GetMetaResponseMsg, InfoResponseMsg, loadProtos, StatsResponseMsg, StoreGrpcClient } from './proto';
import { ReadStream } from './read-stream';

export interface StoreClientOptions {
  /** host:port of the store-server. */
  address: string;
  credentials?: grpc.ChannelCredentials;
  /** A Read message is sent at the end of each event-loop turn, or earlier at this many keys. */
  maxKeysPerMessage?: number;
  /** How long a call keeps retrying while the server is unavailable. */
  retryForMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

type AdapterKind = StorageAdapter['kind'];
const KINDS: readonly AdapterKind[] = ['rocksdb', 'cassandra', 'dynamodb'];

export class StoreClient implements StorageAdapter {
  /** The kind of the server's adapter, learned at open(). */
  kind: AdapterKind = 'rocksdb';
  private client: StoreGrpcClient | null = null;
  private reads: ReadStream | null = null;
  private readonly retryForMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: StoreClientOptions) {
    this.retryForMs = options.retryForMs ?? 10_000;
    this.initialBackoffMs = options.initialBackoffMs ?? 50;
    this.maxBackoffMs = options.maxBackoffMs ?? 1000;
  }

  async open(): Promise<void> {
    if (this.client) return;
    const { StoreClient: Ctor } = loadProtos();
    const client = new Ctor(this.options.address, this.options.credentials ?? grpc.credentials.createInsecure(), {
      ...CHANNEL_OPTIONS,
      // Reconnect quickly after a server restart (grpc-js defaults back off up to 120 s).
      'grpc.initial_reconnect_backoff_ms': this.initialBackoffMs,
      'grpc.max_reconnect_backoff_ms': this.maxBackoffMs,
      'grpc.keepalive_time_ms': 30_000,
    });
    this.client = client;
    this.reads = new ReadStream(client, {
      address: this.options.address,
      maxKeysPerMessage: this.options.maxKeysPerMessage ?? 1000,
      retryForMs: this.retryForMs,
      initialBackoffMs: this.initialBackoffMs,
      maxBackoffMs: this.maxBackoffMs,
    });
    try {
      const info = await this.unary<InfoResponseMsg>('info', (c, cb) => c.Info({}, {}, cb));
      if (KINDS.includes(info.kind as AdapterKind)) this.kind = info.kind as AdapterKind;
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    this.reads?.close();
    this.reads = null;
    this.client?.close();
    this.client = null;
  }

  private requireClient(): StoreGrpcClient {
    if (!this.client) throw new StoreError('FAILED_PRECONDITION', 'the store client is not open');
    return this.client;
  }

  /** Runs an idempotent call, retrying while the server is unavailable (see the file comment). */
  private async retrying<T>(what: string, attempt: (client: StoreGrpcClient) => Promise<T>): Promise<T> {
    const started = Date.now();
    let backoff = this.initialBackoffMs;
    for (let attempts = 1; ; attempts++) {
      const client = this.requireClient();
      try {
        return await attempt(client);
      } catch (err) {
        const storeErr = err instanceof StoreError ? err : serviceErrorToStoreError(err as grpc.ServiceError, this.options.address);
        const elapsed = Date.now() - started;
        if (storeErr.code !== 'UNAVAILABLE' || !this.client) throw storeErr;
        if (elapsed + backoff > this.retryForMs) {
          throw new StoreError('UNAVAILABLE', `${what}: ${storeErr.message} (gave up after ${attempts} attempts in ${elapsed} ms)`, storeErr.durableItems);
        }
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, this.maxBackoffMs);
      }
    }
  }

  private unary<T>(what: string, call: (client: StoreGrpcClient, cb: (err: grpc.ServiceError | null, value?: T) => void) => void): Promise<T> {
    return this.retrying(what, (client) => new Promise<T>((resolve, reject) => call(client, (err, value) => (err ? reject(err) : resolve(value as T)))));
  }

  async get(ref: KeyRef): Promise<StoredItem | null> {
    return (await this.multiGet([ref]))[0];
  }

  async multiGet(refs: KeyRef[]): Promise<(StoredItem | null)[]> {
    this.requireClient();
    refs.forEach(validateKeyRef); // here, so one bad key cannot fail the reads it is batched with
    return this.reads!.read(refs);
  }

  async batchWrite(items: WriteItem[], opts?: WriteOptions): Promise<void> {
    items.forEach(validateWriteItem);
    if (!items.length) return;
    const request = { items: items.map(writeItemToMsg), consistency: consistencyToMsg(opts?.consistency) };
    await this.unary('batchWrite', (c, cb) => c.BatchWrite(request, {}, cb));
  }

  async scan(req: ScanRequest): Promise<ScanPage> {
    const request = { table: req.table, slot_from: req.slotFrom, slot_to: req.slotTo, cursor: req.cursor ?? Buffer.alloc(0), limit: Math.max(0, Math.floor(req.limit)) };
    return this.retrying('scan', async (client) => {
      const items: StoredItem[] = [];
      for await (const msg of client.Scan(request)) {
        for (const item of msg.items) items.push(msgToStoredItem(item));
        if (msg.done) return { items, cursor: msg.has_cursor ? msg.cursor : undefined };
      }
      throw new StoreError('UNAVAILABLE', `store-server ${this.options.address}: scan stream ended before its last page message`);
    });
  }

  async deleteRange(table: TableName, slotFrom: number, slotTo: number): Promise<void> {
    await this.unary('deleteRange', (c, cb) => c.DeleteRange({ table, slot_from: slotFrom, slot_to: slotTo }, {}, cb));
  }

  async clearTable(table: TableName): Promise<void> {
    await this.unary('clearTable', (c, cb) => c.ClearTable({ table }, {}, cb));
  }

  async swapTables(a: TableName, b: TableName): Promise<void> {
    // Not idempotent: a retry after a lost reply would swap back. So no retry here.
    const client = this.requireClient();
    await new Promise<void>((resolve, reject) =>
      client.SwapTables({ a, b }, {}, (err) => (err ? reject(serviceErrorToStoreError(err, this.options.address)) : resolve())),
    );
  }

  async *snapshot(): AsyncIterable<SnapshotChunk> {
    const client = this.requireClient();
    try {
      for await (const msg of client.Snapshot({})) yield msgToSnapshotChunk(msg);
    } catch (err) {
      throw err instanceof StoreError ? err : serviceErrorToStoreError(err as grpc.ServiceError, this.options.address);
    }
  }

  async restore(chunks: AsyncIterable<SnapshotChunk>): Promise<void> {
    const client = this.requireClient();
    let callError: StoreError | null = null;
    const done = new Promise<void>((resolve, reject) => {
      const call = client.Restore({}, (err) => (err ? reject((callError = serviceErrorToStoreError(err, this.options.address))) : resolve()));
      void (async () => {
        for await (const chunk of chunks) {
          if (callError) return;
          if (!call.write(snapshotChunkToMsg(chunk))) await new Promise((r) => call.once('drain', r));
        }
        call.end();
      })().catch((err: Error) => {
        call.cancel();
        reject(err);
      });
    });
    await done;
  }

  async stats(): Promise<StoreStats> {
    const res = await this.unary<StatsResponseMsg>('stats', (c, cb) => c.Stats({}, {}, cb));
    return { keys: res.keys, bytes: res.bytes };
  }

  async getMeta(name: string): Promise<Buffer | null> {
    const res = await this.unary<GetMetaResponseMsg>('getMeta', (c, cb) => c.GetMeta({ name }, {}, cb));
    return res.found ? res.value : null;
  }

  async putMeta(name: string, value: Buffer, opts?: WriteOptions): Promise<void> {
    await this.unary('putMeta', (c, cb) => c.PutMeta({ name, value, consistency: consistencyToMsg(opts?.consistency) }, {}, cb));
  }
}
