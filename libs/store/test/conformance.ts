/**
 * One conformance suite that every StorageAdapter runs unchanged (RocksDB, Cassandra, DynamoDB,
 * and the store-client over a store-server). Usage, in a *.test.ts file:
 *
 *   describeConformance('rocksdb', (instance) => openRocks(path.join(tmp, instance)), cleanup);
 *
 * makeAdapter(instance) returns an OPENED adapter. The same instance name must reach the same
 * stored data (the suite closes an adapter and makes it again to check durability); a different
 * name must reach separate, initially empty storage (a RocksDB directory, a Cassandra keyspace, a
 * DynamoDB table prefix). The suite uses three instances: 'main', 'copy' (restore target) and
 * 'stats'. cleanup(instance), if given, runs after the suite for each of them.
 *
 * Every commitTs is a realistic HLC value (wall clock in microseconds) so that backends whose
 * deletes carry wall-clock timestamps (Cassandra) behave as they do in production.
 */
import { randomBytes } from 'crypto';
import { MAX_KEY_BYTES, KeyRef, bytesEqual, compareBytes, copyBytes, SnapshotChunk, StorageAdapter, StoredItem, StoreError, WriteItem } from '../src';
import { slotOf } from '../src/slot';

export type MakeAdapter = (instance: string) => Promise<StorageAdapter>;
export type CleanupAdapter = (instance: string) => Promise<void>;

export interface ConformanceOptions {
  /** Per-test timeout; remote backends need more than jest's 5 s for the large-value tests. */
  timeoutMs?: number;
}

const BASE_TS = Date.now() * 1000;
let tableCounter = 0;

/** A table name no other test (or earlier run against persistent storage) has used. */
export function freshTable(prefix = 't'): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${tableCounter++}`;
}

export function ref(table: string, key: string | Buffer): KeyRef {
  const bytes = typeof key === 'string' ? Buffer.from(key) : key;
  return { table, slot: slotOf(bytes), key: bytes };
}

export function item(table: string, key: string | Buffer, value: string | Buffer | null, tsOffset: number, expireAt = 0): WriteItem {
  return { ...ref(table, key), value: typeof value === 'string' ? Buffer.from(value) : value, commitTs: BASE_TS + tsOffset, expireAt };
}

export async function scanAll(adapter: StorageAdapter, table: string, slotFrom = 0, slotTo = 16383, limit = 1000): Promise<StoredItem[]> {
  const out: StoredItem[] = [];
  let cursor: Buffer | undefined;
  for (let pages = 0; ; pages++) {
    if (pages > 100_000) throw new Error('scan did not terminate');
    const page = await adapter.scan({ table, slotFrom, slotTo, cursor, limit });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    out.push(...page.items);
    if (!page.cursor) return out;
    cursor = page.cursor;
  }
}

export async function collectSnapshot(adapter: StorageAdapter): Promise<SnapshotChunk[]> {
  const chunks: SnapshotChunk[] = [];
  for await (const chunk of adapter.snapshot()) chunks.push(chunk);
  return chunks;
}

function compareItems(a: StoredItem, b: StoredItem): number {
  if (a.table !== b.table) return a.table < b.table ? -1 : 1;
  if (a.slot !== b.slot) return a.slot - b.slot;
  return compareBytes(a.key, b.key);
}

function sortedItems(chunks: SnapshotChunk[]): StoredItem[] {
  return chunks.flatMap((c) => c.items).sort(compareItems);
}

/** Normalizes an item to plain comparable fields (adapters may attach extra properties). */
function plain(i: StoredItem | null): object | null {
  return i && { table: i.table, slot: i.slot, key: i.key.toString('hex'), value: i.value.toString('hex'), commitTs: i.commitTs, expireAt: i.expireAt };
}

function valueIs(i: StoredItem | null | undefined, expected: Buffer): boolean {
  return !!i && bytesEqual(i.value, expected);
}

async function expectInvalid(p: Promise<unknown>): Promise<StoreError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  expect((err as StoreError).code).toBe('INVALID_ARGUMENT');
  return err as StoreError;
}

export function describeConformance(name: string, makeAdapter: MakeAdapter, cleanup?: CleanupAdapter, options: ConformanceOptions = {}): void {
  const timeout = options.timeoutMs ?? 30_000;

  describe(`StorageAdapter conformance: ${name}`, () => {
    let adapter: StorageAdapter;
    const opened: StorageAdapter[] = [];
    const instances = new Set<string>();

    async function make(instance: string): Promise<StorageAdapter> {
      instances.add(instance);
      const a = await makeAdapter(instance);
      opened.push(a);
      return a;
    }

    beforeAll(async () => {
      adapter = await make('main');
    }, timeout);

    afterAll(async () => {
      for (const a of opened) await a.close().catch(() => undefined);
      if (cleanup) for (const instance of instances) await cleanup(instance);
    }, timeout);

    it('get of an absent key is null; multiGet keeps order and gives null where absent', async () => {
      const t = freshTable();
      expect(await adapter.get(ref(t, 'nope'))).toBeNull();
      await adapter.batchWrite([item(t, 'a', 'A', 1), item(t, 'c', 'C', 1)]);
      const got = await adapter.multiGet([ref(t, 'a'), ref(t, 'b'), ref(t, 'c'), ref(t, 'a')]);
      expect(got.map((g) => g && g.value.toString())).toEqual(['A', null, 'C', 'A']);
      expect(await adapter.multiGet([])).toEqual([]);
    }, timeout);

    it('a written item reads back with its table, slot, key, value, commitTs and expireAt', async () => {
      const t = freshTable();
      const w = item(t, 'user:{42}:name', 'ada', 5, 1_900_000_000_000);
      await adapter.batchWrite([w]);
      const { value: _omit, ...refOnly } = w;
      expect(plain(await adapter.get(refOnly))).toEqual(plain({ ...w, value: Buffer.from('ada') }));
    }, timeout);

    it('newer-wins: an older write is ignored, an equal commitTs is idempotent', async () => {
      const t = freshTable();
      await adapter.batchWrite([item(t, 'k', 'new', 200)]);
      await adapter.batchWrite([item(t, 'k', 'old', 100)]);
      expect((await adapter.get(ref(t, 'k')))?.value.toString()).toBe('new');
      await adapter.batchWrite([item(t, 'k', 'new', 200)]);
      const got = await adapter.get(ref(t, 'k'));
      expect(got?.value.toString()).toBe('new');
      expect(got?.commitTs).toBe(BASE_TS + 200);
      await adapter.batchWrite([item(t, 'k', 'newer', 300)]);
      expect((await adapter.get(ref(t, 'k')))?.value.toString()).toBe('newer');
    }, timeout);

    it('tombstones: beat older values, cannot be resurrected by an older write, lose to a newer value', async () => {
      const t = freshTable();
      await adapter.batchWrite([item(t, 'k', 'v1', 100)]);
      await adapter.batchWrite([item(t, 'k', null, 200)]);
      expect(await adapter.get(ref(t, 'k'))).toBeNull();
      await adapter.batchWrite([item(t, 'k', 'stale', 150)]);
      expect(await adapter.get(ref(t, 'k'))).toBeNull();
      // A tombstone for a key never written still fences older writes.
      await adapter.batchWrite([item(t, 'fresh', null, 500), item(t, 'fresh', 'older', 400)]);
      expect(await adapter.get(ref(t, 'fresh'))).toBeNull();
      await adapter.batchWrite([item(t, 'k', 'v3', 300)]);
      expect((await adapter.get(ref(t, 'k')))?.value.toString()).toBe('v3');
      // An older tombstone does not delete a newer value.
      await adapter.batchWrite([item(t, 'k', null, 250)]);
      expect((await adapter.get(ref(t, 'k')))?.value.toString()).toBe('v3');
    }, timeout);

    it('within one batch the newest item of a key wins whatever its position', async () => {
      const t = freshTable();
      await adapter.batchWrite([item(t, 'a', 'a3', 3), item(t, 'a', 'a1', 1), item(t, 'b', 'b1', 1), item(t, 'b', 'b2', 2)]);
      expect((await adapter.get(ref(t, 'a')))?.value.toString()).toBe('a3');
      expect((await adapter.get(ref(t, 'b')))?.value.toString()).toBe('b2');
    }, timeout);

    it('expireAt round-trips and is not enforced by the adapter', async () => {
      const t = freshTable();
      const future = Date.now() + 3_600_000;
      await adapter.batchWrite([item(t, 'e1', 'x', 1, future), item(t, 'e2', 'y', 1, 0), item(t, 'e3', 'z', 1, 1)]);
      const [e1, e2, e3] = await adapter.multiGet([ref(t, 'e1'), ref(t, 'e2'), ref(t, 'e3')]);
      expect(e1?.expireAt).toBe(future);
      expect(e2?.expireAt).toBe(0);
      expect(e3?.expireAt).toBe(1);
      expect(e3?.value.toString()).toBe('z');
    }, timeout);

    it('binary keys and values: every byte value, an empty value, an empty key', async () => {
      const t = freshTable();
      const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const reversed = copyBytes(allBytes).reverse();
      const keys = [allBytes, reversed, Buffer.from([0]), Buffer.from([0xff]), Buffer.from([0xff, 0xff, 0]), Buffer.alloc(0)];
      await adapter.batchWrite(keys.map((k, i) => item(t, k, i % 2 ? allBytes : Buffer.alloc(0), 1)));
      const got = await adapter.multiGet(keys.map((k) => ref(t, k)));
      got.forEach((g, i) => {
        expect(g).not.toBeNull();
        expect(bytesEqual(g!.key, keys[i])).toBe(true);
        expect(bytesEqual(g!.value, i % 2 ? allBytes : Buffer.alloc(0))).toBe(true);
      });
      const scanned = await scanAll(adapter, t);
      expect(scanned.map((s) => s.key.toString('hex')).sort()).toEqual(keys.map((k) => k.toString('hex')).sort());
    }, timeout);

    it('large values (1 MiB, 5 MiB) round-trip whole through get, multiGet and scan; replaced and deleted cleanly', async () => {
      const t = freshTable();
      const oneMiB = randomBytes(1 << 20);
      const fiveMiB = randomBytes(5 << 20);
      await adapter.batchWrite([item(t, 'big1', oneMiB, 10)]);
      await adapter.batchWrite([item(t, 'big5', fiveMiB, 10), item(t, 'small', 's', 10)]);
      expect(valueIs(await adapter.get(ref(t, 'big5')), fiveMiB)).toBe(true);
      const [b1, b5] = await adapter.multiGet([ref(t, 'big1'), ref(t, 'big5')]);
      expect(valueIs(b1, oneMiB)).toBe(true);
      expect(valueIs(b5, fiveMiB)).toBe(true);
      const scanned = await scanAll(adapter, t, 0, 16383, 2);
      expect(scanned.length).toBe(3);
      expect(valueIs(scanned.find((s) => s.key.toString() === 'big5'), fiveMiB)).toBe(true);
      // An older large value never replaces a newer one, not even partly.
      await adapter.batchWrite([item(t, 'big1', randomBytes(2 << 20), 5)]);
      expect(valueIs(await adapter.get(ref(t, 'big1')), oneMiB)).toBe(true);
      // A small value replaces a large one; a tombstone deletes one; a large one replaces a tombstone.
      await adapter.batchWrite([item(t, 'big5', 'tiny', 20), item(t, 'big1', null, 20)]);
      expect((await adapter.get(ref(t, 'big5')))?.value.toString()).toBe('tiny');
      expect(await adapter.get(ref(t, 'big1'))).toBeNull();
      await adapter.batchWrite([item(t, 'big1', fiveMiB, 30)]);
      expect(valueIs(await adapter.get(ref(t, 'big1')), fiveMiB)).toBe(true);
      expect((await scanAll(adapter, t)).map((s) => [s.key.toString(), s.value.length]).sort()).toEqual(
        [['big1', 5 << 20], ['big5', 4], ['small', 1]].sort(),
      );
    }, timeout * 2);

    it(`keys up to ${MAX_KEY_BYTES} bytes round-trip; longer keys and malformed table names are INVALID_ARGUMENT`, async () => {
      const t = freshTable();
      const longKey = Buffer.alloc(MAX_KEY_BYTES, 0x61);
      await adapter.batchWrite([item(t, longKey, 'long', 1)]);
      expect((await adapter.get(ref(t, longKey)))?.value.toString()).toBe('long');
      expect((await scanAll(adapter, t)).map((s) => s.key.length)).toEqual([MAX_KEY_BYTES]);
      const err = await expectInvalid(adapter.batchWrite([item(t, Buffer.alloc(MAX_KEY_BYTES + 1, 0x61), 'x', 1)]));
      expect(err.message).toMatch(/key/);
      await expectInvalid(adapter.get(ref(t, Buffer.alloc(MAX_KEY_BYTES + 1))));
      await expectInvalid(adapter.batchWrite([item('no such/table', 'k', 'v', 1)]));
      await expectInvalid(adapter.get(ref('', 'k')));
    }, timeout);

    it('scan by slot range: every live key exactly once, in (slot, key) order, tombstones skipped, across pages', async () => {
      const t = freshTable();
      const other = freshTable();
      const live = new Map<string, string>();
      const writes: WriteItem[] = [];
      for (let i = 0; i < 300; i++) {
        // Hash tags put several keys in one slot, so key order within a slot is exercised too.
        const key = i % 3 === 0 ? `{tag${i % 7}}k${i}` : `key:${i}`;
        writes.push(item(t, key, `v${i}`, 1));
        live.set(key, `v${i}`);
      }
      await adapter.batchWrite(writes);
      const deleted = [...live.keys()].filter((_, i) => i % 10 === 0);
      await adapter.batchWrite(deleted.map((k) => item(t, k, null, 2)));
      for (const k of deleted) live.delete(k);
      await adapter.batchWrite([item(other, 'key:1', 'other', 1)]);

      for (const limit of [1, 7, 1000]) {
        const scanned = await scanAll(adapter, t, 0, 16383, limit);
        expect(scanned.map((s) => s.key.toString()).sort()).toEqual([...live.keys()].sort());
        for (const s of scanned) {
          expect(s.table).toBe(t);
          expect(s.slot).toBe(slotOf(s.key));
          expect(s.value.toString()).toBe(live.get(s.key.toString()));
        }
        for (let i = 1; i < scanned.length; i++) expect(compareItems(scanned[i - 1], scanned[i])).toBeLessThan(0);
      }

      const taggedSlot = slotOf(Buffer.from('{tag3}'));
      const inSlot = [...live.keys()].filter((k) => slotOf(Buffer.from(k)) === taggedSlot).sort();
      expect(inSlot.length).toBeGreaterThan(3);
      const slotAlone = await scanAll(adapter, t, taggedSlot, taggedSlot, 2);
      expect(slotAlone.map((s) => s.key.toString())).toEqual(inSlot.sort((a, b) => compareBytes(Buffer.from(a), Buffer.from(b))));

      const mid = 8000;
      const lowHalf = await scanAll(adapter, t, 0, mid, 13);
      const highHalf = await scanAll(adapter, t, mid + 1, 16383, 13);
      expect(lowHalf.every((s) => s.slot <= mid) && highHalf.every((s) => s.slot > mid)).toBe(true);
      expect(lowHalf.length + highHalf.length).toBe(live.size);
      expect(await scanAll(adapter, freshTable())).toEqual([]);
    }, timeout);

    it('deleteRange removes a slot range of one table and nothing else', async () => {
      const t = freshTable();
      const other = freshTable();
      const keys = Array.from({ length: 100 }, (_, i) => `dr:${i}`);
      await adapter.batchWrite([...keys.map((k) => item(t, k, 'v', 1)), ...keys.map((k) => item(other, k, 'o', 1))]);
      const from = 4000;
      const to = 12000;
      await adapter.deleteRange(t, from, to);
      const remaining = await scanAll(adapter, t);
      const expected = keys.filter((k) => {
        const s = slotOf(Buffer.from(k));
        return s < from || s > to;
      });
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(keys.length);
      expect(remaining.map((s) => s.key.toString()).sort()).toEqual(expected.sort());
      expect((await scanAll(adapter, other)).length).toBe(keys.length);
      const gone = keys.find((k) => !expected.includes(k))!;
      expect(await adapter.get(ref(t, gone))).toBeNull();
      await adapter.batchWrite([item(t, gone, 'again', 2)]);
      expect((await adapter.get(ref(t, gone)))?.value.toString()).toBe('again');
    }, timeout);

    it('clearTable: old data is gone at once, other tables stay, new writes are visible', async () => {
      const t = freshTable();
      const other = freshTable();
      await adapter.batchWrite([item(t, 'a', '1', 1), item(t, 'b', '2', 1), item(other, 'a', 'o', 1)]);
      await adapter.clearTable(t);
      expect(await adapter.multiGet([ref(t, 'a'), ref(t, 'b')])).toEqual([null, null]);
      expect(await scanAll(adapter, t)).toEqual([]);
      expect((await adapter.get(ref(other, 'a')))?.value.toString()).toBe('o');
      await adapter.batchWrite([item(t, 'a', 'after', 2)]);
      expect((await adapter.get(ref(t, 'a')))?.value.toString()).toBe('after');
      expect((await scanAll(adapter, t)).map((s) => s.key.toString())).toEqual(['a']);
      await adapter.clearTable(freshTable()); // a table never written is fine
    }, timeout);

    it('swapTables exchanges contents, including with an empty table; later writes follow the names', async () => {
      const a = freshTable();
      const b = freshTable();
      const empty = freshTable();
      await adapter.batchWrite([item(a, 'k', 'from-a', 1), item(a, 'only-a', 'x', 1), item(b, 'k', 'from-b', 1)]);
      await adapter.swapTables(a, b);
      expect((await adapter.get(ref(a, 'k')))?.value.toString()).toBe('from-b');
      expect((await adapter.get(ref(b, 'k')))?.value.toString()).toBe('from-a');
      expect(await adapter.get(ref(a, 'only-a'))).toBeNull();
      expect((await scanAll(adapter, b)).map((s) => s.key.toString()).sort()).toEqual(['k', 'only-a']);
      expect((await scanAll(adapter, b)).every((s) => s.table === b)).toBe(true);
      await adapter.batchWrite([item(a, 'new', 'in-a', 2)]);
      await adapter.swapTables(a, b);
      expect((await adapter.get(ref(b, 'new')))?.value.toString()).toBe('in-a');
      expect((await adapter.get(ref(a, 'k')))?.value.toString()).toBe('from-a');
      await adapter.swapTables(a, empty);
      expect(await scanAll(adapter, a)).toEqual([]);
      expect((await scanAll(adapter, empty)).map((s) => s.key.toString()).sort()).toEqual(['k', 'only-a']);
      await adapter.clearTable(empty);
      expect(await scanAll(adapter, empty)).toEqual([]);
      expect((await adapter.get(ref(b, 'k')))?.value.toString()).toBe('from-b');
    }, timeout);

    it('metadata rows: absent is null, put then get, overwrite, binary values', async () => {
      const name = `checkpoint/${freshTable('w')}`;
      expect(await adapter.getMeta(name)).toBeNull();
      await adapter.putMeta(name, Buffer.from('1'));
      expect((await adapter.getMeta(name))?.toString()).toBe('1');
      const binary = Buffer.from([0, 255, 1, 254]);
      await adapter.putMeta(name, binary, { consistency: 'quorum' });
      expect((await adapter.getMeta(name))?.toString('hex')).toBe(binary.toString('hex'));
    }, timeout);

    it('snapshot then restore into a fresh adapter gives identical contents and metadata', async () => {
      const t = freshTable();
      const u = freshTable();
      await adapter.batchWrite([item(t, 'x', 'X', 1, 123), item(t, 'gone', null, 1), item(u, Buffer.from([0, 1, 2]), randomBytes(3000), 7)]);
      await adapter.swapTables(t, u);
      await adapter.swapTables(t, u); // generations moved twice: logical names must survive
      const metaName = `checkpoint/${freshTable('snap')}`;
      await adapter.putMeta(metaName, Buffer.from('ts=42'));

      const source = await collectSnapshot(adapter);
      const target = await make('copy');
      async function* replay(): AsyncIterable<SnapshotChunk> {
        yield* source;
      }
      await target.restore(replay());
      const copied = await collectSnapshot(target);
      expect(sortedItems(copied).map(plain)).toEqual(sortedItems(source).map(plain));
      expect(sortedItems(source).some((i) => i.table === t && i.key.toString() === 'x')).toBe(true);
      expect(sortedItems(source).some((i) => i.key.toString() === 'gone')).toBe(false);
      expect((await target.getMeta(metaName))?.toString()).toBe('ts=42');
      expect(plain(await target.get(ref(t, 'x')))).toEqual(plain(await adapter.get(ref(t, 'x'))));
      expect((await scanAll(target, u)).length).toBe(1);
    }, timeout * 2);

    it('stats are approximately the live keys and bytes', async () => {
      const fresh = await make('stats');
      const t = freshTable();
      const n = 2000;
      const valueSize = 200;
      for (let i = 0; i < n; i += 500) {
        await fresh.batchWrite(Array.from({ length: 500 }, (_, j) => item(t, `s:${i + j}`, randomBytes(valueSize), 1)));
      }
      const stats = await fresh.stats();
      expect(stats.keys).toBeGreaterThanOrEqual(n / 2);
      expect(stats.keys).toBeLessThanOrEqual(n * 2);
      expect(stats.bytes).toBeGreaterThanOrEqual((n * valueSize) / 2);
      expect(stats.bytes).toBeLessThanOrEqual(n * valueSize * 20);
    }, timeout);

    it('concurrent batchWrites on overlapping keys end newer-wins', async () => {
      const t = freshTable();
      const keys = Array.from({ length: 20 }, (_, i) => `c:${i}`);
      const writers = 16;
      // Each writer uses a different commitTs order per key, so arrival order cannot decide.
      await Promise.all(
        Array.from({ length: writers }, (_, w) =>
          adapter.batchWrite(keys.map((k, i) => {
            const ts = ((w * 7 + i * 3) % writers) + 1;
            return item(t, k, ts === writers && i % 4 === 0 ? null : `w${ts}`, ts * 10);
          })),
        ),
      );
      const got = await adapter.multiGet(keys.map((k) => ref(t, k)));
      got.forEach((g, i) => {
        if (i % 4 === 0) expect(g).toBeNull();
        else {
          expect(g?.value.toString()).toBe(`w${writers}`);
          expect(g?.commitTs).toBe(BASE_TS + writers * 10);
        }
      });
    }, timeout);

    it('data survives close and reopen (durability)', async () => {
      const t = freshTable();
      const metaName = `checkpoint/${freshTable('dur')}`;
      await adapter.batchWrite([item(t, 'durable', 'yes', 1), item(t, 'dead', null, 1)]);
      await adapter.putMeta(metaName, Buffer.from('7'));
      await adapter.close();
      adapter = await make('main');
      expect((await adapter.get(ref(t, 'durable')))?.value.toString()).toBe('yes');
      expect(await adapter.get(ref(t, 'dead'))).toBeNull();
      await adapter.batchWrite([item(t, 'dead', 'older', 0)]);
      expect(await adapter.get(ref(t, 'dead'))).toBeNull();
      expect((await adapter.getMeta(metaName))?.toString()).toBe('7');
    }, timeout);
  });
}
