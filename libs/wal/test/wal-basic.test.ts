import * as fs from 'node:fs';
import { Wal, WalError, segmentFileName } from '../src';
import { makeTempDir, payloadOf, removeTempDir } from './helpers';

describe('Wal on node:fs', () => {
  let dir: string;
  beforeEach(() => (dir = makeTempDir()));
  afterEach(() => removeTempDir(dir));

  test('assigns consecutive indexes from 1 and reads them back after reopening', async () => {
    const wal = await Wal.open({ dir });
    expect([wal.firstIndex, wal.lastIndex]).toEqual([1, 0]);
    const indexes = await Promise.all([0, 1, 2, 3, 4].map((i) => wal.append(payloadOf(i))));
    expect(indexes).toEqual([1, 2, 3, 4, 5]);
    expect(await wal.appendBatch([payloadOf(5), payloadOf(6, 0), payloadOf(7, 3000)])).toEqual({ first: 6, last: 8 });
    await wal.close();

    expect(fs.readdirSync(dir)).toEqual([segmentFileName(1)]);
    const reopened = await Wal.open({ dir });
    expect(reopened.recovery).toEqual({ segments: 1, records: 8, truncatedTailBytes: 0 });
    expect([reopened.firstIndex, reopened.lastIndex]).toEqual([1, 8]);
    const records = [];
    for await (const record of reopened.records(1, 256)) records.push(record);
    expect(records.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(records[6].payload.length).toBe(0);
    expect(Buffer.compare(records[7].payload, payloadOf(7, 3000))).toBe(0);
    expect(await reopened.append(payloadOf(8))).toBe(9);
    await reopened.close();
  });

  test('read honours maxBytes but returns at least one record, and nothing past the end', async () => {
    const wal = await Wal.open({ dir });
    await wal.appendBatch([payloadOf(1, 100), payloadOf(2, 100), payloadOf(3, 100)]);
    expect((await wal.read(1, 10)).map((r) => r.index)).toEqual([1]);
    expect((await wal.read(1, 216)).map((r) => r.index)).toEqual([1, 2]);
    expect((await wal.read(2, 1 << 20)).map((r) => r.index)).toEqual([2, 3]);
    expect(await wal.read(4, 1 << 20)).toEqual([]);
    await wal.close();
    await expect(wal.append(payloadOf(0))).rejects.toMatchObject({ code: 'WAL_CLOSED' });
  });

  test('rolls segments at the size bound and names each by its first index', async () => {
    const wal = await Wal.open({ dir, segmentBytes: 3 * 108 });
    const ranges = [];
    for (let i = 0; i < 4; i++) ranges.push(await wal.appendBatch([1, 2, 3, 4, 5].map((k) => payloadOf(i * 5 + k))));
    expect(ranges.at(-1)).toEqual({ first: 16, last: 20 });
    // 20 records of 108 bytes, three per segment
    expect(fs.readdirSync(dir).sort()).toEqual([1, 4, 7, 10, 13, 16, 19].map(segmentFileName));
    for (const name of fs.readdirSync(dir)) expect(fs.statSync(`${dir}/${name}`).size).toBeLessThanOrEqual(3 * 108);
    const all = [];
    for await (const record of wal.records(1)) all.push(record);
    expect(all.map((r) => r.index)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(all.every((r) => Buffer.compare(r.payload, payloadOf(r.index)) === 0)).toBe(true);
    await wal.close();
  });

  test('a record larger than a segment gets a segment of its own', async () => {
    const wal = await Wal.open({ dir, segmentBytes: 200 });
    await wal.appendBatch([payloadOf(1, 50), payloadOf(2, 500), payloadOf(3, 50)]);
    expect(fs.readdirSync(dir).sort()).toEqual([1, 2, 3].map(segmentFileName));
    await wal.close();
    const reopened = await Wal.open({ dir, segmentBytes: 200 });
    expect((await reopened.read(2, 1)).map((r) => r.payload.length)).toEqual([500]);
    await reopened.close();
  });

  test('truncateBefore deletes only segments wholly below the index', async () => {
    const wal = await Wal.open({ dir, segmentBytes: 3 * 108 });
    await wal.appendBatch(Array.from({ length: 10 }, (_, i) => payloadOf(i + 1)));
    await wal.truncateBefore(6); // segments 1-3 go, 4-6 stays because it holds 6
    expect(fs.readdirSync(dir).sort()).toEqual([4, 7, 10].map(segmentFileName));
    expect(wal.firstIndex).toBe(4);
    await expect(wal.read(3, 100)).rejects.toMatchObject({ code: 'WAL_INDEX_OUT_OF_RANGE' });
    expect((await wal.read(4, 100))[0].index).toBe(4);
    await wal.truncateBefore(1000); // the tail segment always stays
    expect(fs.readdirSync(dir)).toEqual([segmentFileName(10)]);
    expect(await wal.append(payloadOf(11))).toBe(11);
    await wal.close();
    const reopened = await Wal.open({ dir, segmentBytes: 3 * 108 });
    expect([reopened.firstIndex, reopened.lastIndex]).toEqual([10, 11]);
    await reopened.close();
  });

  test('truncateAfter drops a suffix across segments, then appends continue from it', async () => {
    const wal = await Wal.open({ dir, segmentBytes: 3 * 108 });
    await wal.appendBatch(Array.from({ length: 10 }, (_, i) => payloadOf(i + 1)));
    await wal.truncateAfter(5);
    expect(wal.lastIndex).toBe(5);
    expect(fs.readdirSync(dir).sort()).toEqual([1, 4].map(segmentFileName));
    expect(await wal.append(payloadOf(600))).toBe(6);
    expect(await wal.append(payloadOf(700))).toBe(7);
    await wal.close();

    const reopened = await Wal.open({ dir, segmentBytes: 3 * 108 });
    const records = [];
    for await (const record of reopened.records(1)) records.push(record);
    expect(records.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Buffer.compare(records[5].payload, payloadOf(600))).toBe(0);
    await reopened.truncateAfter(0); // everything
    expect([reopened.firstIndex, reopened.lastIndex]).toEqual([1, 0]);
    await expect(reopened.truncateBefore(5).then(() => reopened.truncateAfter(-5))).rejects.toBeInstanceOf(WalError);
    expect(reopened.failedBecause).toBeUndefined(); // a refused argument does not fail the WAL
    expect(await reopened.append(payloadOf(1))).toBe(1);
    await reopened.close();
  });

  test('operations run in call order: an append queued after truncateAfter follows it', async () => {
    const wal = await Wal.open({ dir });
    await wal.appendBatch([payloadOf(1), payloadOf(2), payloadOf(3)]);
    const [truncated, index] = await Promise.all([wal.truncateAfter(1), wal.append(payloadOf(20))]);
    expect(truncated).toBeUndefined();
    expect(index).toBe(2);
    await wal.close();
  });

  test('reset empties the log so that the next index is the one given', async () => {
    const wal = await Wal.open({ dir, segmentBytes: 3 * 108 });
    await wal.appendBatch(Array.from({ length: 7 }, (_, i) => payloadOf(i + 1)));
    await wal.reset(100);
    expect(fs.readdirSync(dir)).toEqual([segmentFileName(100)]);
    expect([wal.firstIndex, wal.lastIndex]).toEqual([100, 99]);
    expect(await wal.append(payloadOf(100))).toBe(100);
    await wal.close();
    const reopened = await Wal.open({ dir });
    expect([reopened.firstIndex, reopened.lastIndex]).toEqual([100, 100]);
    await reopened.close();
  });

  test('a new log can start at a given index; oversized records are refused', async () => {
    const wal = await Wal.open({ dir, firstIndex: 42, maxRecordBytes: 10 });
    expect(await wal.append(payloadOf(1, 10))).toBe(42);
    await expect(wal.append(payloadOf(1, 11))).rejects.toMatchObject({ code: 'WAL_RECORD_TOO_LARGE' });
    expect(await wal.append(payloadOf(2, 1))).toBe(43);
    await wal.close();
  });

  test('durability listeners see lastIndex grow in order', async () => {
    const wal = await Wal.open({ dir });
    const seen: number[] = [];
    wal.onDurable((last) => seen.push(last));
    const resolvedOrder: number[] = [];
    await Promise.all([1, 2, 3].map((i) => wal.append(payloadOf(i)).then((index) => resolvedOrder.push(index))));
    await wal.append(payloadOf(4));
    expect(resolvedOrder).toEqual([1, 2, 3]);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(4);
    await wal.close();
  });
});
