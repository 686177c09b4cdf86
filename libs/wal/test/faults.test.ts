import { FaultyFileLayer, MemFileLayer, NodeFileLayer, Wal, WalError } from '../src';
import { makeTempDir, payloadOf, removeTempDir } from './helpers';

const DIR = '/wal';

async function readIndexes(wal: Wal): Promise<number[]> {
  const indexes: number[] = [];
  for await (const record of wal.records(wal.firstIndex)) indexes.push(record.index);
  return indexes;
}

async function settle<T>(promise: Promise<T>): Promise<T | Error> {
  return promise.then(
    (value) => value,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
}

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe('group commit', () => {
  test('concurrent appends share one write and one fsync', async () => {
    const files = new FaultyFileLayer(new MemFileLayer());
    const wal = await Wal.open({ dir: DIR, files });
    const before = { ...files.counters };
    const indexes = await Promise.all(Array.from({ length: 500 }, (_, i) => wal.append(payloadOf(i))));
    expect(indexes).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(files.counters.syncs - before.syncs).toBe(1);
    expect(files.counters.writes - before.writes).toBe(1);
    await wal.close();
  });

  test('appends arriving while an fsync is in flight form the next batch, resolved only after its fsync', async () => {
    const files = new FaultyFileLayer(new MemFileLayer());
    const wal = await Wal.open({ dir: DIR, files });
    const held: Array<() => void> = [];
    files.beforeSync = () => new Promise<void>((resolve) => held.push(resolve));
    const resolved: number[] = [];
    const track = (p: Promise<number>): Promise<number> => p.then((index) => (resolved.push(index), index));
    const first = track(wal.append(payloadOf(0)));
    await waitFor(() => held.length === 1);
    const later = Array.from({ length: 300 }, (_, i) => track(wal.append(payloadOf(i + 1))));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(resolved).toEqual([]); // nothing acknowledged before its fsync returns
    held.shift()!();
    expect(await first).toBe(1);
    await waitFor(() => held.length === 1);
    expect(resolved).toEqual([1]);
    held.shift()!();
    await Promise.all(later);
    expect(resolved).toEqual(Array.from({ length: 301 }, (_, i) => i + 1));
    expect(files.counters.syncs).toBe(2);
    expect(files.counters.writes).toBe(2);
    files.beforeSync = undefined;
    await wal.close();
  });

  test('maxBatchBytes splits a large backlog into several group commits', async () => {
    const files = new FaultyFileLayer(new MemFileLayer());
    const wal = await Wal.open({ dir: DIR, files, maxBatchBytes: 108 * 10 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => wal.append(payloadOf(i))));
    expect(files.counters.syncs).toBe(10);
    expect(wal.stats).toMatchObject({ batches: 10, records: 100 });
    await wal.close();
  });
});

describe('faults', () => {
  test('short writes are continued until the whole batch is written', async () => {
    const files = new FaultyFileLayer(new MemFileLayer());
    files.shortWrites = true;
    const wal = await Wal.open({ dir: DIR, files });
    await wal.appendBatch(Array.from({ length: 20 }, (_, i) => payloadOf(i)));
    expect(files.counters.writes).toBeGreaterThan(5);
    await wal.close();
    files.shortWrites = false;
    const reopened = await Wal.open({ dir: DIR, files });
    const records = await reopened.read(1, 1 << 20);
    expect(records.map((r) => Buffer.compare(r.payload, payloadOf(r.index - 1)))).toEqual(new Array(20).fill(0));
    await reopened.close();
  });

  test('an fsync failure acknowledges nothing of that batch and fails the WAL for good', async () => {
    const files = new FaultyFileLayer(new MemFileLayer());
    const wal = await Wal.open({ dir: DIR, files });
    await wal.appendBatch([payloadOf(1), payloadOf(2)]);
    files.failNextSyncs = 1;
    const failed = await settle(wal.appendBatch([payloadOf(3), payloadOf(4)]));
    expect(failed).toBeInstanceOf(WalError);
    expect(failed).toMatchObject({ code: 'WAL_SYNC_FAILED' });
    expect((failed as Error).message).toMatch(/fsync .*00000000000000000001\.wal failed/);
    expect(wal.lastIndex).toBe(2);
    // the next fsync would succeed, but the WAL must not try: the failed pages may be gone
    const refused = await settle(wal.append(payloadOf(5)));
    expect(refused).toMatchObject({ code: 'WAL_FAILED' });
    expect(wal.failedBecause?.message).toMatch(/refuses writes after an I\/O error/);
    expect(files.counters.syncs).toBe(2);
    await expect(wal.truncateAfter(1)).rejects.toMatchObject({ code: 'WAL_FAILED' });
    expect((await wal.read(1, 1 << 20)).map((r) => r.index)).toEqual([1, 2]);
    await wal.close();

    await files.crash(); // the unsynced batch is lost with the power
    const reopened = await Wal.open({ dir: DIR, files });
    expect(await readIndexes(reopened)).toEqual([1, 2]);
    expect(await reopened.append(payloadOf(3))).toBe(3);
    await reopened.close();
  });

  test('appends queued behind a failed fsync are refused, none acknowledged', async () => {
    const files = new FaultyFileLayer(new MemFileLayer());
    const wal = await Wal.open({ dir: DIR, files });
    const held: Array<() => void> = [];
    files.beforeSync = () => new Promise<void>((resolve) => held.push(resolve));
    files.failNextSyncs = 1;
    const first = settle(wal.append(payloadOf(1)));
    await waitFor(() => held.length === 1);
    const queued = Array.from({ length: 10 }, (_, i) => settle(wal.append(payloadOf(i + 2))));
    held.shift()!();
    expect(await first).toMatchObject({ code: 'WAL_SYNC_FAILED' });
    for (const outcome of await Promise.all(queued)) expect(outcome).toMatchObject({ code: 'WAL_FAILED' });
    expect(wal.lastIndex).toBe(0);
    await wal.close();
  });

  test('a full disk fails appends with a clear error, loses nothing acknowledged, and reopens once space returns', async () => {
    const files = new FaultyFileLayer(new MemFileLayer());
    const wal = await Wal.open({ dir: DIR, files, segmentBytes: 1000 });
    await wal.appendBatch(Array.from({ length: 5 }, (_, i) => payloadOf(i + 1)));
    files.capacityBytes = files.usedBytes + 250; // room for two records and part of a third
    const outcomes = await Promise.all(Array.from({ length: 4 }, (_, i) => settle(wal.append(payloadOf(i + 6)))));
    for (const outcome of outcomes) expect(outcome).toMatchObject({ code: 'WAL_NO_SPACE' });
    expect((outcomes[0] as Error).message).toMatch(/no space left on device.*free disk space and reopen/);
    expect(await settle(wal.append(payloadOf(10)))).toMatchObject({ code: 'WAL_FAILED' });
    expect(wal.lastIndex).toBe(5);
    await wal.close();

    files.capacityBytes = undefined;
    const reopened = await Wal.open({ dir: DIR, files, segmentBytes: 1000 });
    // the refused batch was cut away again, so no unacknowledged record reappears
    expect(await readIndexes(reopened)).toEqual([1, 2, 3, 4, 5]);
    expect(await reopened.appendBatch(Array.from({ length: 20 }, (_, i) => payloadOf(i + 6)))).toEqual({ first: 6, last: 25 });
    expect(reopened.segmentCount).toBeGreaterThan(1);
    await reopened.close();
  });

  test('a full disk when a new segment must be created fails cleanly too', async () => {
    const files = new FaultyFileLayer(new MemFileLayer());
    const wal = await Wal.open({ dir: DIR, files, segmentBytes: 3 * 108 });
    await wal.appendBatch([payloadOf(1), payloadOf(2), payloadOf(3)]);
    files.capacityBytes = files.usedBytes + 50;
    expect(await settle(wal.append(payloadOf(4)))).toMatchObject({ code: 'WAL_NO_SPACE' });
    await wal.close();
    files.capacityBytes = undefined;
    const reopened = await Wal.open({ dir: DIR, files, segmentBytes: 3 * 108 });
    expect(await readIndexes(reopened)).toEqual([1, 2, 3]);
    expect(await reopened.append(payloadOf(4))).toBe(4);
    await reopened.close();
  });

  test('a crash while records wait for their fsync keeps every acknowledged record (node:fs)', async () => {
    const dir = makeTempDir();
    try {
      const files = new FaultyFileLayer(new NodeFileLayer());
      const wal = await Wal.open({ dir, files, segmentBytes: 4096 });
      const acknowledged = await Promise.all(Array.from({ length: 100 }, (_, i) => wal.append(payloadOf(i))));
      files.beforeSync = () => new Promise<void>(() => undefined); // the fsync never returns
      let lostAcknowledged = 0;
      for (let i = 0; i < 50; i++) void wal.append(payloadOf(100 + i)).then(() => lostAcknowledged++, () => undefined);
      await waitFor(() => files.counters.writes > 0 && files.counters.syncs > 0 && files.usedBytes > 100 * 108);
      await files.crash({ tornTail: true, random: () => 0.5 });
      files.beforeSync = undefined;
      expect(lostAcknowledged).toBe(0);
      const reopened = await Wal.open({ dir, files, segmentBytes: 4096 });
      const indexes = await readIndexes(reopened);
      expect(indexes.slice(0, 100)).toEqual(acknowledged);
      expect(reopened.recovery.truncatedTailBytes).toBeGreaterThanOrEqual(0);
      await reopened.close();
      await Promise.race([wal.close(), Promise.resolve()]);
    } finally {
      removeTempDir(dir);
    }
  });
});
