/**
 * Coalesces concurrent point reads into batched messages on one long-lived Read stream: refs
 * queued during one event-loop turn (or up to maxKeysPerMessage) travel as one ReadRequest.
 *
 * When the stream breaks (server restart), every request in flight is sent again on a new stream
 * after a backoff: reads are idempotent. A request that cannot be answered within retryForMs of
 * its creation fails with StoreError UNAVAILABLE.
 */
import type * as grpc from '@grpc/grpc-js';
import type { KeyRef, StoredItem } from '@strata/store';
import { StoreError } from '@strata/store';
import { keyRefToMsg, statusCodeToStoreCode } from './convert';
import type { ReadRequestMsg, ReadResponseMsg, StoreGrpcClient } from './proto';

export interface ReadStreamOptions {
  address: string;
  maxKeysPerMessage: number;
  retryForMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

interface Waiter {
  refs: KeyRef[];
  offset: number;
  resolve: (items: (StoredItem | null)[]) => void;
  reject: (err: Error) => void;
}

interface Request {
  id: number;
  refs: KeyRef[];
  waiters: Waiter[];
  giveUpAt: number;
}

export class ReadStream {
  private stream: grpc.ClientDuplexStream<ReadRequestMsg, ReadResponseMsg> | null = null;
  private filling: Request | null = null;
  private readonly inflight = new Map<number, Request>();
  private nextId = 1;
  private backoffMs: number;
  private resendTimer: NodeJS.Timeout | null = null;
  private lastFailure = 'stream broke';
  private closed = false;

  constructor(
    private readonly client: StoreGrpcClient,
    private readonly options: ReadStreamOptions,
  ) {
    this.backoffMs = options.initialBackoffMs;
  }

  read(refs: KeyRef[]): Promise<(StoredItem | null)[]> {
    if (this.closed) return Promise.reject(new StoreError('FAILED_PRECONDITION', 'the store client is closed'));
    if (!refs.length) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      let request = this.filling;
      if (!request) {
        request = this.filling = { id: this.nextId++, refs: [], waiters: [], giveUpAt: Date.now() + this.options.retryForMs };
        setImmediate(() => this.flush(request!));
      }
      request.waiters.push({ refs, offset: request.refs.length, resolve, reject });
      for (const ref of refs) request.refs.push(ref);
      if (request.refs.length >= this.options.maxKeysPerMessage) this.flush(request);
    });
  }

  private flush(request: Request): void {
    if (this.filling !== request) return; // already flushed because it filled up
    this.filling = null;
    this.inflight.set(request.id, request);
    if (!this.resendTimer) this.send(request);
  }

  private send(request: Request): void {
    this.ensureStream().write({ id: request.id, refs: request.refs.map(keyRefToMsg) });
  }

  private ensureStream(): grpc.ClientDuplexStream<ReadRequestMsg, ReadResponseMsg> {
    if (this.stream) return this.stream;
    const stream = this.client.Read();
    this.stream = stream;
    stream.on('data', (msg: ReadResponseMsg) => this.onResponse(msg));
    stream.on('error', (err: grpc.ServiceError) => this.onBroken(stream, err.details || err.message));
    stream.on('end', () => this.onBroken(stream, 'the server ended the read stream'));
    return stream;
  }

  private onResponse(msg: ReadResponseMsg): void {
    this.backoffMs = this.options.initialBackoffMs;
    const request = this.inflight.get(msg.id);
    if (!request) return;
    this.inflight.delete(msg.id);
    if (msg.error_code) {
      const err = new StoreError(statusCodeToStoreCode(msg.error_code), `store-server ${this.options.address}: ${msg.error_message}`);
      for (const w of request.waiters) w.reject(err);
      return;
    }
    if (msg.results.length !== request.refs.length) {
      const err = new StoreError('INTERNAL', `store-server ${this.options.address}: ${msg.results.length} results for ${request.refs.length} keys`);
      for (const w of request.waiters) w.reject(err);
      return;
    }
    for (const w of request.waiters) {
      w.resolve(
        w.refs.map((ref, i) => {
          const r = msg.results[w.offset + i];
          return r.found ? { table: ref.table, slot: ref.slot, key: ref.key, value: r.value, commitTs: r.commit_ts, expireAt: r.expire_at } : null;
        }),
      );
    }
  }

  private onBroken(stream: grpc.ClientDuplexStream<ReadRequestMsg, ReadResponseMsg>, cause: string): void {
    if (this.stream !== stream) return; // a stream reports both error and end
    this.stream = null;
    this.lastFailure = cause;
    if (this.closed || !this.inflight.size) return;
    this.scheduleResend();
  }

  private scheduleResend(): void {
    if (this.resendTimer) return;
    const now = Date.now();
    for (const [id, request] of this.inflight) {
      if (now + this.backoffMs <= request.giveUpAt) continue;
      this.inflight.delete(id);
      const err = new StoreError(
        'UNAVAILABLE',
        `store-server ${this.options.address} unavailable: ${this.lastFailure}; a read of ${request.refs.length} keys gave up after ${this.options.retryForMs} ms`,
      );
      for (const w of request.waiters) w.reject(err);
    }
    if (!this.inflight.size) return;
    this.resendTimer = setTimeout(() => {
      this.resendTimer = null;
      for (const request of this.inflight.values()) this.send(request);
    }, this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
  }

  close(): void {
    this.closed = true;
    if (this.resendTimer) clearTimeout(this.resendTimer);
    this.resendTimer = null;
    const err = new StoreError('FAILED_PRECONDITION', 'the store client closed before the read completed');
    const pending = [...this.inflight.values(), ...(this.filling ? [this.filling] : [])];
    this.inflight.clear();
    this.filling = null;
    for (const request of pending) for (const w of request.waiters) w.reject(err);
    const stream = this.stream;
    this.stream = null;
    if (stream) {
      stream.end();
      stream.cancel();
    }
  }
}
