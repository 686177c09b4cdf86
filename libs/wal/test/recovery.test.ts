import fc from 'fast-check';
import * as path from 'node:path';
import { encodeRecords, FaultyFileLayer, MemFileLayer, segmentFileName, Wal, WalCorruptionError, type FileLayer } from '../src';
import { payloadOf, seededRandom } from './helpers';

const DIR = '/wal';

async function readAll(wal: Wal): Promise<Buffer[]> {
  const payloads: Buffer[] = [];
  for await (const record of wal.records(wal.firstIndex)) payloads.push(record.payload);
  return payloads;
}

/** Writes a segment file's bytes directly, as a crash would have left them. */
async function writeSegment(files: MemFileLayer, firstIndex: number, bytes: Buffer): Promise<void> {
  await files.mkdirp(DIR);
  const file = await files.open(path.join(DIR, segmentFileName(firstIndex)), 'create');
  await file.write(bytes, 0, bytes.length, 0);
  await file.close();
}

async function openExpectingCorruption(files: FileLayer): Promise<WalCorruptionError> {
  const error: unknown = await Wal.open({ dir: DIR, files }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WalCorruptionError);
  return error as WalCorruptionError;
}

describe('recovery', () => {
  const acked = [payloadOf(1, 20), payloadOf(2, 0), payloadOf(3, 33)];
  const tail = [payloadOf(4, 1), payloadOf(5, 0), payloadOf(6, 50), payloadOf(7, 9)];
  const ackedBytes = encodeRecords(acked);
  const tailBytes = encodeRecords(tail);

  test('a crash at every byte offset of the unsynced tail loses no acknowledged record', async () => {
    // boundaries[k] = bytes of the first k tail records
    const boundaries = [0];
    for (const payload of tail) boundaries.push(boundaries[boundaries.length - 1] + 8 + payload.length);
    for (let cut = 0; cut <= tailBytes.length; cut++) {
      const files = new MemFileLayer();
      await writeSegment(files, 1, Buffer.concat([ackedBytes, tailBytes.subarray(0, cut)]));
      const wal = await Wal.open({ dir: DIR, files });
      const wholeTailRecords = boundaries.filter((b) => b > 0 && b <= cut).length;
      expect(wal.lastIndex).toBe(acked.length + wholeTailRecords);
      expect(wal.recovery.truncatedTailBytes).toBe(cut - boundaries[wholeTailRecords]);
      expect(await readAll(wal)).toEqual([...acked, ...tail.slice(0, wholeTailRecords)]);
      // the log goes on after the cut, and the file holds exactly what the index says
      expect(await wal.append(payloadOf(99, 5))).toBe(wal.lastIndex);
      await wal.close();
      const reopened = await Wal.open({ dir: DIR, files });
      expect(reopened.recovery.truncatedTailBytes).toBe(0);
      expect((await readAll(reopened)).at(-1)).toEqual(payloadOf(99, 5));
      await reopened.close();
    }
  });

  test('a tail of zeros (a file extended but never written) is cut away', async () => {
    const files = new MemFileLayer();
    await writeSegment(files, 1, Buffer.concat([ackedBytes, Buffer.alloc(300)]));
    const wal = await Wal.open({ dir: DIR, files });
    expect(wal.recovery.truncatedTailBytes).toBe(300);
    expect(await readAll(wal)).toEqual(acked);
    await wal.close();
  });

  test('property: crashes with torn tails never lose an acknowledged append', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 64, max: 2048 }),
        fc.integer(),
        crashRounds,
      ),
      { numRuns: 60 },
    );
  });

  test('a corrupt record followed by valid records is refused, naming file and offset', async () => {
    const files = new MemFileLayer();
    const bytes = Buffer.concat([ackedBytes, tailBytes]);
    bytes[8 + 20 + 8 + 0 + 8 + 5] ^= 0x01; // a payload byte of record 3
    await writeSegment(files, 1, bytes);
    const error = await openExpectingCorruption(files);
    expect(error.file).toBe(path.join(DIR, segmentFileName(1)));
    expect(error.offset).toBe(8 + 20 + 8);
    expect(error.message).toContain(`${segmentFileName(1)} at offset 36`);
  });

  test('a damaged length field in the middle is refused too, not mistaken for a torn tail', async () => {
    const files = new MemFileLayer();
    const bytes = Buffer.concat([ackedBytes, tailBytes]);
    bytes.writeUInt32LE(1_000_000, 8 + 20); // record 2 now claims to run past the end of the file
    await writeSegment(files, 1, bytes);
    expect((await openExpectingCorruption(files)).offset).toBe(28);
  });

  test('any bad record in a segment that is not the last is refused', async () => {
    const files = new MemFileLayer();
    const first = Buffer.from(ackedBytes);
    first[first.length - 1] ^= 0xff; // the very last byte of the older segment
    await writeSegment(files, 1, first);
    await writeSegment(files, 4, tailBytes);
    const error = await openExpectingCorruption(files);
    expect(error.file).toBe(path.join(DIR, segmentFileName(1)));
    expect(error.message).toMatch(/not the last/);
  });

  test('a missing segment in the sequence is refused', async () => {
    const files = new MemFileLayer();
    await writeSegment(files, 1, ackedBytes);
    await writeSegment(files, 9, tailBytes);
    expect((await openExpectingCorruption(files)).message).toMatch(/starts at index 9, expected 4/);
  });

  test('reads verify checksums again and report corruption found after opening', async () => {
    const files = new MemFileLayer();
    const wal = await Wal.open({ dir: DIR, files });
    await wal.appendBatch(acked);
    files.bytesOf(path.join(DIR, segmentFileName(1)))![8 + 3] ^= 0x10;
    await expect(wal.read(1, 100)).rejects.toBeInstanceOf(WalCorruptionError);
    await wal.close();
  });
});

export async function crashRounds(rounds: number[][], segmentBytes: number, seed: number): Promise<void> {
  const files = new FaultyFileLayer(new MemFileLayer());
  const random = seededRandom(seed);
  const acknowledged: Buffer[] = [];
  let counter = 0;
  for (const sizes of rounds) {
    const wal = await Wal.open({ dir: DIR, files, segmentBytes });
    // whatever survived beyond the acknowledged records is a prefix of what was appended
    const recovered = await readAll(wal);
    expect(recovered.slice(0, acknowledged.length)).toEqual(acknowledged);
    acknowledged.splice(0, acknowledged.length, ...recovered);
    const payloads = sizes.map((size) => payloadOf(counter++, size));
    const ackedNow = payloads.slice(0, Math.ceil(payloads.length / 2));
    await wal.appendBatch(ackedNow);
    acknowledged.push(...ackedNow);
    // the rest is written but its fsync never completes: crash while it hangs
    let release: (() => void) | undefined;
    files.beforeSync = () => new Promise<void>((resolve) => (release = resolve));
    const unacked = payloads.slice(ackedNow.length);
    const pending = wal.appendBatch(unacked).catch(() => undefined);
    await waitFor(() => unacked.length === 0 || release !== undefined);
    await files.crash({ tornTail: true, random });
    files.beforeSync = undefined;
    release?.();
    await pending;
    await wal.close();
  }
  const wal = await Wal.open({ dir: DIR, files, segmentBytes });
  expect((await readAll(wal)).slice(0, acknowledged.length)).toEqual(acknowledged);
  await wal.close();
}

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
