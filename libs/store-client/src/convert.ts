/** StorageAdapter values ↔ wire messages, and StoreError ↔ gRPC status. */
import * as grpc from '@grpc/grpc-js';
import type { Consistency, KeyRef, SnapshotChunk, StoredItem, WriteItem } from '@strata/store';
import { StoreError, StoreErrorCode } from '@strata/store';
import type { ConsistencyName, ItemMsg, KeyRefMsg, SnapshotChunkMsg } from './proto';

export function keyRefToMsg(ref: KeyRef): KeyRefMsg {
  return { table: ref.table, slot: ref.slot, key: ref.key };
}

export function writeItemToMsg(item: WriteItem): ItemMsg {
  return {
    table: item.table,
    slot: item.slot,
    key: item.key,
    value: item.value ?? EMPTY,
    tombstone: item.value === null,
    commit_ts: item.commitTs,
    expire_at: item.expireAt,
  };
}

export function msgToWriteItem(msg: ItemMsg): WriteItem {
  return { table: msg.table, slot: msg.slot, key: msg.key, value: msg.tombstone ? null : msg.value, commitTs: msg.commit_ts, expireAt: msg.expire_at };
}

export function msgToStoredItem(msg: ItemMsg): StoredItem {
  return { table: msg.table, slot: msg.slot, key: msg.key, value: msg.value, commitTs: msg.commit_ts, expireAt: msg.expire_at };
}

export function snapshotChunkToMsg(chunk: SnapshotChunk): SnapshotChunkMsg {
  return { items: chunk.items.map(writeItemToMsg), meta: chunk.meta.map((m) => ({ name: m.name, value: m.value })) };
}

export function msgToSnapshotChunk(msg: SnapshotChunkMsg): SnapshotChunk {
  return { items: msg.items.map(msgToStoredItem), meta: msg.meta.map((m) => ({ name: m.name, value: m.value })) };
}

const EMPTY = Buffer.alloc(0);

const CONSISTENCY_NAMES: Record<Consistency, ConsistencyName> = { one: 'CONSISTENCY_ONE', quorum: 'CONSISTENCY_QUORUM', all: 'CONSISTENCY_ALL' };

export function consistencyToMsg(consistency: Consistency | undefined): ConsistencyName {
  return consistency ? CONSISTENCY_NAMES[consistency] : 'CONSISTENCY_DEFAULT';
}

export function msgToConsistency(name: ConsistencyName | string): Consistency | undefined {
  if (name === 'CONSISTENCY_ONE') return 'one';
  if (name === 'CONSISTENCY_QUORUM') return 'quorum';
  if (name === 'CONSISTENCY_ALL') return 'all';
  return undefined;
}

const STATUS_OF: Record<StoreErrorCode, grpc.status> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  INTERNAL: grpc.status.INTERNAL,
};

/** Trailer naming the indexes of a failed batch's items that are durable anyway. */
export const DURABLE_ITEMS_TRAILER = 'strata-durable-items';

export function errorToStatus(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof StoreError) {
    const metadata = new grpc.Metadata();
    if (err.durableItems) metadata.set(DURABLE_ITEMS_TRAILER, err.durableItems.join(','));
    return { code: STATUS_OF[err.code], details: err.message, metadata };
  }
  return { code: grpc.status.INTERNAL, details: `internal error: ${(err as Error)?.message ?? String(err)}` };
}

export function statusCodeToStoreCode(code: grpc.status): StoreErrorCode {
  switch (code) {
    case grpc.status.INVALID_ARGUMENT:
    case grpc.status.OUT_OF_RANGE:
      return 'INVALID_ARGUMENT';
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
    case grpc.status.CANCELLED:
      return 'UNAVAILABLE';
    case grpc.status.FAILED_PRECONDITION:
      return 'FAILED_PRECONDITION';
    default:
      return 'INTERNAL';
  }
}

export function serviceErrorToStoreError(err: grpc.ServiceError | Error, address: string): StoreError {
  const code = 'code' in err && typeof err.code === 'number' ? (err.code as grpc.status) : grpc.status.UNKNOWN;
  const details = 'details' in err && typeof err.details === 'string' && err.details ? err.details : err.message;
  const durable = 'metadata' in err && err.metadata instanceof grpc.Metadata ? err.metadata.get(DURABLE_ITEMS_TRAILER)[0] : undefined;
  const durableItems = typeof durable === 'string' && durable ? durable.split(',').map(Number) : undefined;
  return new StoreError(statusCodeToStoreCode(code), `store-server ${address}: ${details}`, durableItems);
}
