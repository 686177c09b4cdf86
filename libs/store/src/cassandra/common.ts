/**
 * Helpers shared by the remote adapters (Cassandra, DynamoDB); no driver imports here, so the
 * DynamoDB adapter can use them without loading cassandra-driver.
 * (Candidates to move next to layout.ts once the libs/store owner wants them there.)
 */
import type { ScanPage, ScanRequest, StoredItem } from '../adapter';
import { StoreError } from '../errors';
import { concatBytes } from '../bytes';

/**
 * Bucket of a key within its slot: FNV-1a 32 of the key bytes mod buckets. Part of the stored
 * layout: changing it (or a store's bucket count) makes existing rows unreachable.
 */
export function bucketOf(key: Buffer, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % buckets;
}

export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Runs fn over items with at most `limit` in flight; never rejects, reports each outcome. */
export async function mapSettled<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<Settled<R>[]> {
  const out: Settled<R>[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { ok: true, value: await fn(items[i], i) };
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Like mapSettled, but rejects with the first error once all have finished. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const settled = await mapSettled(items, limit, fn);
  const failed = settled.find((s) => !s.ok);
  if (failed && !failed.ok) throw failed.error;
  return settled.map((s) => (s as { ok: true; value: R }).value);
}

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Retries fn while isTransient(error) holds, with exponential backoff and full jitter, at most
 * policy.attempts times; then rethrows the last error. Only for idempotent operations: every
 * write here carries its commitTs, so repeating one is harmless.
 */
export async function withRetry<T>(policy: RetryPolicy, isTransient: (err: unknown) => boolean, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= policy.attempts || !isTransient(err)) throw err;
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * cap));
    }
  }
}

/**
 * The error of a batchWrite that failed part-way: names how many items failed and why, and which
 * items are durable (retrying the whole batch is safe either way: writes are newer-wins).
 */
export function partialWriteError(backend: string, settled: Settled<unknown>[], describe: (err: unknown) => string): StoreError {
  const durable: number[] = [];
  let firstError: unknown;
  settled.forEach((s, i) => {
    if (s.ok) durable.push(i);
    else if (firstError === undefined) firstError = s.error;
  });
  const failed = settled.length - durable.length;
  const code = firstError instanceof StoreError ? firstError.code : 'UNAVAILABLE';
  const list = durable.length <= 20 ? `[${durable.join(', ')}]` : `[${durable.slice(0, 20).join(', ')}, ...]`;
  return new StoreError(
    code,
    `${backend} batchWrite: ${failed} of ${settled.length} items failed (${describe(firstError)}); ` +
      `${durable.length} items are durable: ${list} (see durableItems)`,
    durable,
  );
}

/** Scan cursor: the slot being read and the last key returned in it. */
export interface ScanPosition {
  slot: number;
  key: Buffer;
}

export function encodeCursor(pos: ScanPosition): Buffer {
  const head = Buffer.allocUnsafe(3);
  head.writeUInt8(1, 0); // format version
  head.writeUInt16BE(pos.slot, 1);
  return concatBytes([head, pos.key]);
}

export function decodeCursor(cursor: Buffer): ScanPosition {
  if (cursor.length < 3 || cursor[0] !== 1) throw new StoreError('INVALID_ARGUMENT', 'malformed scan cursor');
  return { slot: cursor.readUInt16BE(1), key: cursor.subarray(3) };
}

/** The largest scan page in bytes of keys and values; a page also ends at its `limit` of items. */
export const SCAN_PAGE_BYTES = 16 << 20;

type SlotBuckets = { slot: number; buckets: number[] };

/**
 * One page of a scan over bucketed slot partitions (Cassandra and DynamoDB alike): the table's
 * current generation, slots in order from the cursor's, each slot's items in key order (slotItems
 * merges its buckets), ending at `limit` items or SCAN_PAGE_BYTES with a cursor at the last item
 * returned. The caller validates the request and maps errors.
 */
export async function scanPage(
  req: ScanRequest,
  generationOf: (table: string) => Promise<number | null>,
  slotsOf: (gen: number, from: number, to: number) => AsyncIterable<SlotBuckets> | Promise<Iterable<SlotBuckets>>,
  slotItems: (gen: number, slot: number, buckets: number[], after: Buffer | null, max: number) => Promise<StoredItem[]>,
): Promise<ScanPage> {
  const limit = Math.max(1, Math.floor(req.limit));
  const pos: ScanPosition | null = req.cursor && req.cursor.length ? decodeCursor(req.cursor) : null;
  const gen = await generationOf(req.table);
  if (gen === null) return { items: [] };
  const from = pos ? Math.max(pos.slot, req.slotFrom) : req.slotFrom;
  if (from > req.slotTo) return { items: [] };
  const items: StoredItem[] = [];
  let bytes = 0;
  for await (const { slot, buckets } of await slotsOf(gen, from, req.slotTo)) {
    const after = pos && slot === pos.slot ? pos.key : null;
    const got = await slotItems(gen, slot, buckets, after, limit - items.length);
    for (const it of got) bytes += it.value.length + it.key.length;
    items.push(...got);
    if (items.length >= limit || bytes >= SCAN_PAGE_BYTES) {
      const last = items[items.length - 1];
      return { items, cursor: encodeCursor({ slot: last.slot, key: last.key }) };
    }
  }
  return { items };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
