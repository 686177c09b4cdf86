// Checkpoints and loading against a real RocksDB adapter in a temp directory. Commands run
// through libs/commands' synchronous test harness, so the values are the real data types.
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { keySlot } from '@strata/cluster';
import { decodeValue, encodeValue, Keyspace } from '@strata/commands';
import type { StorageAdapter, WriteItem, WriteOptions } from '@strata/store';
import { createLogger } from '@strata/telemetry';
import { RocksdbAdapter } from '../../store/src/rocksdb';
import { TestServer } from '../../commands/test/harness';
import { checkpointMetaName, HybridClock, loadAll, TxService } from '../src';

const root = mkdtempSync(path.join(tmpdir(), 'strata-tx-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const logLines: string[] = [];
const log = createLogger('test', { level: 'debug', write: (l) => logLines.push(l) });

/** The RocksDB adapter, recording every batchWrite; failNext makes the next writes fail. */
class Recording {
  batches: { items: WriteItem[]; opts?: WriteOptions }[] = [];
  failNext = 0;
  /** Runs inside batchWrite, before the write: a "client write" during the flight. */
  during?: () => void;
  constructor(readonly inner: StorageAdapter) {
    const orig = inner.batchWrite.bind(inner);
    inner.batchWrite = async (items, opts) => {
      if (this.failNext > 0) {
        this.failNext--;
        throw new Error('store unavailable (injected)');
      }
      this.batches.push({ items, opts });
      const d = this.during;
      this.during = undefined;
      d?.();
      return orig(items, opts);
    };
  }
}

let n = 0;
async function setup(batchSize = 500, dirtyThreshold?: number): Promise<{ srv: TestServer; tx: TxService; rec: Recording; dir: string }> {
  const dir = path.join(root, `db${n++}`);
  const adapter = new RocksdbAdapter({ path: dir });
  const rec = new Recording(adapter);
  const srv = new TestServer();
  const tx = new TxService({ keyspace: srv.ks, adapter, log, checkpointIntervalSec: 3600, batchSize, dirtyThreshold });
  await tx.openStore();
  tx.writer = 'node-test';
  srv.ks.observer = tx.observe({ modified() {}, expired() {} });
  tx.loading = false;
  return { srv, tx, rec, dir };
}

/** Reads a whole keyspace back as DUMP payloads + expiry, for comparing two keyspaces. */
function contents(ks: Keyspace): Record<string, { dump: string; expireAt: number }> {
  const out: Record<string, { dump: string; expireAt: number }> = {};
  ks.dbs.forEach((db, i) => {
    for (const k of db.keys()) {
      const e = db.peekRaw(k)!;
      out[`${i}/${k}`] = { dump: encodeValue(e.value).toString('hex'), expireAt: e.expireAt };
    }
  });
  return out;
}

async function reload(dir: string): Promise<{ ks: Keyspace; clock: HybridClock; loaded: number; expired: number }> {
  const adapter = new RocksdbAdapter({ path: dir });
  await adapter.open();
  const ks = new Keyspace(16);
  const clock = new HybridClock(() => 1);
  const { DirtyTracker } = await import('../src/dirty');
  const tracker = new DirtyTracker(16, clock);
  ks.observer = { modified: (db, key) => tracker.modified(db, key), expired() {} };
  const p = await loadAll({ keyspace: ks, adapter, clock, tracker, log, pageSize: 7 });
  expect(tracker.size).toBe(0); // loaded keys are not dirty
  await adapter.close();
  return { ks, clock, loaded: p.loaded, expired: p.expired };
}

test('a checkpoint stores every type with expiry and commitTs, in batches at quorum, and loads back', async () => {
  const { srv, tx, rec, dir } = await setup(7);
  srv.run('SET', 'str', 'v1');
  srv.run('SET', 'ttl', 'v2', 'PX', '3600000');
  srv.run('HSET', 'h', 'f1', 'a', 'f2', 'b');
  srv.run('RPUSH', 'l', 'x', 'y', 'z');
  srv.run('SADD', 's', '1', '2', '3');
  srv.run('ZADD', 'z', '1', 'a', '2.5', 'b');
  srv.run('EXPIRE', 'h', '1000');
  for (let i = 0; i < 20; i++) srv.run('SET', `k${i}`, String(i));
  srv.client.db = 3;
  srv.run('SET', 'in3', 'three');
  srv.client.db = 0;
  const before = tx.clock.current;
  expect(tx.tracker.size).toBe(27);
  expect(await tx.checkpoint('test')).toBe('done');
  expect(tx.tracker.size).toBe(0);
  // 27 items in batches of at most 7, every one at quorum.
  expect(rec.batches.map((b) => b.items.length)).toEqual([7, 7, 7, 6]);
  expect(rec.batches.every((b) => b.opts?.consistency === 'quorum')).toBe(true);
  const stored = await tx.adapter.get({ table: 'db0', slot: keySlot('ttl'), key: Buffer.from('ttl') });
  expect(stored).not.toBeNull();
  expect(decodeValue(stored!.value)).toBe('v2');
  expect(stored!.expireAt).toBe(srv.ks.dbs[0].peekRaw('ttl')!.expireAt);
  expect(stored!.commitTs).toBeLessThanOrEqual(before);
  const meta = await tx.adapter.getMeta(checkpointMetaName('node-test'));
  expect(Number(meta!.toString())).toBeGreaterThan(before);
  expect(tx.checkpointer.stats).toMatchObject({ completed: 1, lastKeys: 27, failures: 0 });
  await tx.close();

  const back = await reload(dir);
  expect(back.loaded).toBe(27);
  expect(contents(back.ks)).toEqual(contents(srv.ks));
  expect(back.clock.now()).toBeGreaterThan(stored!.commitTs);
});

test('deletes become tombstones; FLUSHDB and SWAPDB become table operations', async () => {
  const { srv, tx, rec, dir } = await setup();
  for (const k of ['a', 'b', 'c']) srv.run('SET', k, k);
  srv.client.db = 1;
  srv.run('SET', 'one', '1');
  srv.client.db = 2;
  srv.run('SET', 'two', '2');
  srv.client.db = 0;
  expect(await tx.checkpoint('first')).toBe('done');
  srv.run('DEL', 'a');
  srv.run('SWAPDB', '1', '2');
  srv.client.db = 2;
  srv.run('FLUSHDB');
  srv.run('SET', 'after-flush', 'x');
  srv.client.db = 0;
  rec.batches = [];
  const cleared = jest.spyOn(tx.adapter, 'clearTable');
  const swapped = jest.spyOn(tx.adapter, 'swapTables');
  expect(await tx.checkpoint('second')).toBe('done');
  expect(swapped).toHaveBeenCalledWith('db1', 'db2');
  expect(cleared).toHaveBeenCalledWith('db2');
  expect(swapped.mock.invocationCallOrder[0]).toBeLessThan(cleared.mock.invocationCallOrder[0]);
  const tomb = rec.batches.flatMap((b) => b.items).find((i) => i.key.toString() === 'a');
  expect(tomb).toMatchObject({ table: 'db0', value: null });
  await tx.close();
  const back = await reload(dir);
  expect(contents(back.ks)).toEqual({ '0/b': expect.anything(), '0/c': expect.anything(), '1/two': expect.anything(), '2/after-flush': expect.anything() });
  expect(contents(back.ks)).toEqual(contents(srv.ks));
});

test('a write during the flight stays dirty and goes in the next checkpoint', async () => {
  const { srv, tx, rec, dir } = await setup();
  srv.run('SET', 'k', 'old');
  srv.run('SET', 'other', 'o');
  rec.during = () => srv.run('SET', 'k', 'new');
  expect(await tx.checkpoint('first')).toBe('done');
  expect(rec.batches[0].items.find((i) => i.key.toString() === 'k')!.value).toEqual(encodeValue('old'));
  expect([...tx.tracker.mapOf(0).keys()]).toEqual(['k']);
  expect(await tx.checkpoint('second')).toBe('done');
  expect(tx.tracker.size).toBe(0);
  await tx.close();
  const back = await reload(dir);
  expect(back.ks.dbs[0].peekRaw('k')!.value).toBe('new');
});

test('a failing store keeps everything dirty, the server state intact, and the next try stores it', async () => {
  const { srv, tx, rec, dir } = await setup();
  srv.run('SET', 'k', 'v');
  srv.run('FLUSHALL');
  srv.run('SET', 'k2', 'v2');
  const opsBefore = tx.tracker.ops.length;
  expect(opsBefore).toBe(16);
  rec.failNext = 1;
  expect(await tx.checkpoint('failing')).toBe('failed');
  expect(tx.checkpointer.stats.failures).toBe(1);
  expect(tx.checkpointer.stats.lastError).toContain('injected');
  expect(tx.tracker.size).toBe(1);
  expect(await tx.checkpoint('retry')).toBe('done');
  expect(tx.tracker.size).toBe(0);
  expect(tx.tracker.ops.length).toBe(0);
  expect(logLines.some((l) => l.includes('checkpoint failed'))).toBe(true);
  await tx.close();
  const back = await reload(dir);
  expect(Object.keys(contents(back.ks))).toEqual(['0/k2']);
});

test('a stream stays dirty and holds the checkpoint timestamp below its first write', async () => {
  const { srv, tx } = await setup();
  srv.run('SET', 'before', '1');
  srv.run('XADD', 'st', '*', 'f', 'v');
  const firstStreamWrite = tx.tracker.mapOf(0).get('st')!.first;
  expect(firstStreamWrite).toBeGreaterThan(tx.tracker.mapOf(0).get('before')!.last);
  srv.run('XADD', 'st', '*', 'f', 'v2');
  srv.run('SET', 'after', '1');
  expect(await tx.checkpoint('with stream')).toBe('done');
  expect([...tx.tracker.mapOf(0).keys()]).toEqual(['st']);
  expect(tx.checkpointer.stats.unencodable).toBe(1);
  expect(tx.checkpointer.stats.lastTs).toBe(firstStreamWrite - 1);
  expect(logLines.filter((l) => l.includes('cannot be stored yet')).length).toBe(1);
  await tx.close();
});

test('loading skips keys stored already expired', async () => {
  const { srv, tx, dir } = await setup();
  srv.run('SET', 'live', '1');
  srv.run('SET', 'gone', '1', 'PX', '100000');
  await tx.checkpoint('one');
  // Rewrite 'gone' in the store with an expiry in the past (as if it expired while down).
  const e = srv.ks.dbs[0].peekRaw('gone')!;
  await tx.adapter.batchWrite([{ table: 'db0', slot: keySlot('gone'), key: Buffer.from('gone'), value: encodeValue(e.value), commitTs: tx.clock.now(), expireAt: Date.now() - 1 }]);
  await tx.close();
  const back = await reload(dir);
  expect(back.expired).toBe(1);
  expect(Object.keys(contents(back.ks))).toEqual(['0/live']);
});

test('a checkpoint starts by itself once enough keys are dirty', async () => {
  const { srv, tx } = await setup(500, 50);
  for (let i = 0; i < 49; i++) srv.run('SET', `k${i}`, 'v');
  await new Promise((r) => setImmediate(r));
  expect(tx.checkpointer.stats.completed + Number(tx.checkpointer.busy)).toBe(0);
  srv.run('SET', 'k49', 'v');
  const deadline = Date.now() + 10_000;
  while (tx.checkpointer.stats.completed === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(tx.checkpointer.stats.completed).toBe(1);
  expect(tx.checkpointer.stats.lastKeys).toBe(50);
  expect(logLines.some((l) => l.includes('"reason":"dirty keys"'))).toBe(true);
  await tx.close();
});

test('FLUSHDB during the flight cuts the checkpoint short; the next one stores the flushed state', async () => {
  const { srv, tx, rec, dir } = await setup(1);
  for (const k of ['a', 'b', 'c']) srv.run('SET', k, k);
  srv.client.db = 1;
  srv.run('SET', 'other', '1');
  srv.client.db = 0;
  rec.during = () => {
    srv.run('FLUSHDB');
    srv.run('SET', 'new', 'n');
  };
  expect(await tx.checkpoint('first')).toBe('restarted');
  expect(tx.checkpointer.stats).toMatchObject({ restarts: 1, completed: 0 });
  expect(rec.batches.length).toBe(1);
  // The service runs the next one by itself; wait for it instead of starting it.
  const deadline = Date.now() + 10_000;
  while (tx.checkpointer.stats.completed === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(tx.checkpointer.stats.completed).toBe(1);
  expect(tx.tracker.size).toBe(0);
  await tx.close();
  const back = await reload(dir);
  expect(Object.keys(contents(back.ks)).sort()).toEqual(['0/new', '1/other']);
});
