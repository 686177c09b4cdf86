/**
 * strata.store.v1.Store handlers over one StorageAdapter. Every request is validated with the
 * shared rules of libs/store before it reaches the adapter; every failure becomes a gRPC status
 * whose message names the cause (errorToStatus), and none can take the process down.
 */
import * as grpc from '@grpc/grpc-js';
import type { KeyRef, SnapshotChunk, StorageAdapter, StoredItem } from '@strata/store';
import { MAX_KEY_BYTES, StoreError, validateKeyRef, validateSlotRange, validateTable, validateWriteItem } from '@strata/store';
import {
  BatchWriteRequestMsg,
  ClearTableRequestMsg,
  DeleteRangeRequestMsg,
  EmptyMsg,
  GetMetaRequestMsg,
  GetMetaResponseMsg,
  InfoResponseMsg,
  ItemMsg,
  MAX_MESSAGE_BYTES,
  PutMetaRequestMsg,
  ReadRequestMsg,
  ReadResponseMsg,
  ScanRequestMsg,
  ScanResponseMsg,
  SnapshotChunkMsg,
  StatsResponseMsg,
  SwapTablesRequestMsg,
  errorToStatus,
  msgToConsistency,
  msgToSnapshotChunk,
  msgToWriteItem,
  snapshotChunkToMsg,
} from '@strata/store-client';
import type { Logger } from './log';

/** Scan pages are cut into messages of about this many bytes. */
const SCAN_MESSAGE_BYTES = 4 << 20;
const MAX_SCAN_LIMIT = 100_000;

/** Errors of backend drivers that mean "try again later" rather than "bad request". */
function classify(err: unknown): unknown {
  if (err instanceof StoreError) return err;
  const e = err as { name?: string; code?: string; message?: string };
  const transient = ['NoHostAvailableError', 'OperationTimedOutError', 'BusyConnectionError'].includes(e?.name ?? '') || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(e?.code ?? '');
  return transient ? new StoreError('UNAVAILABLE', `backend unavailable: ${e.message}`) : err;
}

function toKeyRef(msg: { table: string; slot: number; key: Buffer }): KeyRef {
  const ref = { table: msg.table, slot: msg.slot, key: msg.key };
  validateKeyRef(ref);
  return ref;
}

function storedToMsg(item: StoredItem): ItemMsg {
  return { table: item.table, slot: item.slot, key: item.key, value: item.value, tombstone: false, commit_ts: item.commitTs, expire_at: item.expireAt };
}

export interface StoreServiceContext {
  /** The adapter once open; null while it opens (calls then fail UNAVAILABLE). */
  adapter(): StorageAdapter | null;
  log: Logger;
}

export function createStoreService(ctx: StoreServiceContext): grpc.UntypedServiceImplementation {
  const ready = (): StorageAdapter => {
    const adapter = ctx.adapter();
    if (!adapter) throw new StoreError('UNAVAILABLE', 'the storage adapter is not open yet');
    return adapter;
  };

  const fail = (method: string, err: unknown): Partial<grpc.StatusObject> => {
    const status = errorToStatus(classify(err));
    const level = status.code === grpc.status.INVALID_ARGUMENT ? 'debug' : 'warn';
    ctx.log[level]('request failed', { method, code: grpc.status[status.code ?? grpc.status.UNKNOWN], error: status.details });
    return status;
  };

  function unary<Req, Res>(method: string, handle: (req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      Promise.resolve()
        .then(() => handle(call.request))
        .then(
          (res) => callback(null, res),
          (err: unknown) => callback(fail(method, err)),
        );
    };
  }

  const read: grpc.handleBidiStreamingCall<ReadRequestMsg, ReadResponseMsg> = (call) => {
    let pending = 0;
    let ended = false;
    const finishIfDone = (): void => {
      if (ended && pending === 0) call.end();
    };
    call.on('data', (req: ReadRequestMsg) => {
      pending++;
      Promise.resolve()
        .then(() => ready().multiGet(req.refs.map(toKeyRef)))
        .then(
          (items): ReadResponseMsg => ({
            id: req.id,
            results: items.map((i) => (i ? { found: true, value: i.value, commit_ts: i.commitTs, expire_at: i.expireAt } : { found: false, value: EMPTY, commit_ts: 0, expire_at: 0 })),
            error_code: 0,
            error_message: '',
          }),
          (err: unknown): ReadResponseMsg => {
            const status = fail('Read', err);
            return { id: req.id, results: [], error_code: status.code ?? grpc.status.INTERNAL, error_message: status.details ?? 'unknown error' };
          },
        )
        .then((res) => {
          pending--;
          if (!call.cancelled && call.writable) call.write(res);
          finishIfDone();
        });
    });
    call.on('end', () => {
      ended = true;
      finishIfDone();
    });
    call.on('error', () => undefined); // the client went away; nothing to answer
  };

  const scan: grpc.handleServerStreamingCall<ScanRequestMsg, ScanResponseMsg> = (call) => {
    const req = call.request;
    Promise.resolve()
      .then(() => {
        validateTable(req.table);
        validateSlotRange(req.slot_from, req.slot_to);
        if (req.limit < 1 || req.limit > MAX_SCAN_LIMIT) throw new StoreError('INVALID_ARGUMENT', `scan limit ${req.limit} out of range 1..${MAX_SCAN_LIMIT}`);
        return ready().scan({ table: req.table, slotFrom: req.slot_from, slotTo: req.slot_to, cursor: req.cursor.length ? req.cursor : undefined, limit: req.limit });
      })
      .then(
        (page) => {
          let batch: ItemMsg[] = [];
          let bytes = 0;
          for (const item of page.items) {
            if (batch.length && bytes + item.value.length + item.key.length > SCAN_MESSAGE_BYTES) {
              call.write({ items: batch, done: false, has_cursor: false, cursor: EMPTY });
              batch = [];
              bytes = 0;
            }
            batch.push(storedToMsg(item));
            bytes += item.value.length + item.key.length;
          }
          call.write({ items: batch, done: true, has_cursor: page.cursor !== undefined, cursor: page.cursor ?? EMPTY });
          call.end();
        },
        (err: unknown) => call.emit('error', fail('Scan', err)),
      );
  };

  const snapshot: grpc.handleServerStreamingCall<EmptyMsg, SnapshotChunkMsg> = (call) => {
    void (async () => {
      try {
        for await (const chunk of ready().snapshot()) {
          if (call.cancelled) return;
          if (!call.write(snapshotChunkToMsg(chunk))) await new Promise((resolve) => call.once('drain', resolve));
        }
        call.end();
      } catch (err) {
        call.emit('error', fail('Snapshot', err));
      }
    })();
  };

  const restore: grpc.handleClientStreamingCall<SnapshotChunkMsg, EmptyMsg> = (call, callback) => {
    async function* chunks(): AsyncIterable<SnapshotChunk> {
      for await (const msg of call as AsyncIterable<SnapshotChunkMsg>) {
        const chunk = msgToSnapshotChunk(msg);
        chunk.items.forEach(validateWriteItem);
        yield chunk;
      }
    }
    Promise.resolve()
      .then(() => ready().restore(chunks()))
      .then(
        () => callback(null, {}),
        (err: unknown) => callback(fail('Restore', err)),
      );
  };

  return {
    Read: read as grpc.handleBidiStreamingCall<unknown, unknown>,
    BatchWrite: unary<BatchWriteRequestMsg, EmptyMsg>('BatchWrite', async (req) => {
      const items = req.items.map(msgToWriteItem);
      items.forEach(validateWriteItem);
      await ready().batchWrite(items, { consistency: msgToConsistency(req.consistency) });
      return {};
    }),
    Scan: scan as grpc.handleServerStreamingCall<unknown, unknown>,
    DeleteRange: unary<DeleteRangeRequestMsg, EmptyMsg>('DeleteRange', async (req) => {
      validateTable(req.table);
      validateSlotRange(req.slot_from, req.slot_to);
      await ready().deleteRange(req.table, req.slot_from, req.slot_to);
      return {};
    }),
    ClearTable: unary<ClearTableRequestMsg, EmptyMsg>('ClearTable', async (req) => {
      validateTable(req.table);
      await ready().clearTable(req.table);
      return {};
    }),
    SwapTables: unary<SwapTablesRequestMsg, EmptyMsg>('SwapTables', async (req) => {
      validateTable(req.a);
      validateTable(req.b);
      await ready().swapTables(req.a, req.b);
      return {};
    }),
    Snapshot: snapshot as grpc.handleServerStreamingCall<unknown, unknown>,
    Restore: restore as grpc.handleClientStreamingCall<unknown, unknown>,
    Stats: unary<EmptyMsg, StatsResponseMsg>('Stats', async () => ready().stats()),
    GetMeta: unary<GetMetaRequestMsg, GetMetaResponseMsg>('GetMeta', async (req) => {
      const value = await ready().getMeta(req.name);
      return value ? { found: true, value } : { found: false, value: EMPTY };
    }),
    PutMeta: unary<PutMetaRequestMsg, EmptyMsg>('PutMeta', async (req) => {
      await ready().putMeta(req.name, req.value, { consistency: msgToConsistency(req.consistency) });
      return {};
    }),
    Info: unary<EmptyMsg, InfoResponseMsg>('Info', async () => ({ kind: ready().kind, max_key_bytes: MAX_KEY_BYTES, max_message_bytes: MAX_MESSAGE_BYTES })),
  } as grpc.UntypedServiceImplementation;
}

const EMPTY = Buffer.alloc(0);
