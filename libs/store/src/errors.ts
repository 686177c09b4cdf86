/**
 * Errors and input limits shared by every adapter, the store-server and the store-client, so a
 * cause reported by one layer keeps its meaning (and its gRPC status) in the next.
 */
import type { KeyRef } from './adapter';

export type StoreErrorCode =
  /** Bad input: oversized key, malformed table name, slot out of range. Retrying cannot help. */
  | 'INVALID_ARGUMENT'
  /** The backend (or the store-server) cannot be reached; retrying later may help. */
  | 'UNAVAILABLE'
  /** The adapter is closed or not yet open. */
  | 'FAILED_PRECONDITION'
  | 'INTERNAL';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /**
     * For a failed batchWrite: indexes of the items known to be durable despite the failure
     * (absent = unknown; retrying the whole batch is always safe because writes are newer-wins).
     */
    readonly durableItems?: number[],
  ) {
    super(message);
  }
}

/**
 * Largest key accepted. Redis allows 512 MiB, but backends cap far lower: a Cassandra clustering
 * value must fit in 65535 bytes, so 32 KiB leaves room for the other components of the key.
 */
export const MAX_KEY_BYTES = 32 * 1024;

/** Table names become parts of backend identifiers (Cassandra rows, DynamoDB keys, file keys). */
export const TABLE_NAME_PATTERN = /^[A-Za-z0-9_]{1,48}$/;

export const SLOT_COUNT = 16384;

export function validateTable(table: string): void {
  if (typeof table !== 'string' || !TABLE_NAME_PATTERN.test(table)) {
    throw new StoreError('INVALID_ARGUMENT', `invalid table name ${JSON.stringify(table)}: must match ${TABLE_NAME_PATTERN}`);
  }
}

export function validateSlot(slot: number): void {
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) {
    throw new StoreError('INVALID_ARGUMENT', `invalid slot ${slot}: must be an integer in 0..${SLOT_COUNT - 1}`);
  }
}

export function validateSlotRange(slotFrom: number, slotTo: number): void {
  validateSlot(slotFrom);
  validateSlot(slotTo);
  if (slotFrom > slotTo) throw new StoreError('INVALID_ARGUMENT', `invalid slot range ${slotFrom}..${slotTo}: from > to`);
}

export function validateKeyRef(ref: KeyRef): void {
  validateTable(ref.table);
  validateSlot(ref.slot);
  if (!Buffer.isBuffer(ref.key)) throw new StoreError('INVALID_ARGUMENT', 'key must be bytes');
  if (ref.key.length > MAX_KEY_BYTES) {
    throw new StoreError('INVALID_ARGUMENT', `oversized key: ${ref.key.length} bytes, the limit is ${MAX_KEY_BYTES}`);
  }
}

/** commitTs and expireAt must be exact integers (HLC microseconds fit below 2^53). */
export function validateWriteItem(item: { commitTs: number; expireAt: number } & KeyRef): void {
  validateKeyRef(item);
  if (!Number.isSafeInteger(item.commitTs) || item.commitTs < 0) {
    throw new StoreError('INVALID_ARGUMENT', `invalid commitTs ${item.commitTs}: must be a non-negative safe integer`);
  }
  if (!Number.isSafeInteger(item.expireAt) || item.expireAt < 0) {
    throw new StoreError('INVALID_ARGUMENT', `invalid expireAt ${item.expireAt}: must be a non-negative safe integer`);
  }
}
