import fc from 'fast-check';
import { chunkCount, chunkValue, joinChunks } from '../src/chunks';
import { compareBytes } from '../src/bytes';
import { decodeRowKey, decodeTimestamp, encodeRowKey, encodeTimestamp } from '../src/layout';
import { KeyLocks, SharedExclusiveGate } from '../src/locks';

const row = fc.record({
  generation: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  slot: fc.integer({ min: 0, max: 16383 }),
  key: fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)),
  chunk: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
});
type Row = { generation: number; slot: number; key: Buffer; chunk: number };

function compareRows(a: Row, b: Row): number {
  return a.generation - b.generation || a.slot - b.slot || compareBytes(a.key, b.key) || a.chunk - b.chunk;
}

describe('row key encoding', () => {
  it('round-trips and preserves (generation, slot, key, chunk) order', () => {
    fc.assert(
      fc.property(row, row, (a, b) => {
        const ea = encodeRowKey(a.generation, a.slot, a.key, a.chunk);
        const eb = encodeRowKey(b.generation, b.slot, b.key, b.chunk);
        expect(decodeRowKey(ea)).toEqual(a);
        expect(Math.sign(compareBytes(ea, eb))).toBe(Math.sign(compareRows(a, b)));
      }),
    );
  });

  it('keeps a key that is a prefix of another first, whatever the chunk', () => {
    const short = encodeRowKey(1, 1, Buffer.from([1]), 0xffffffff);
    const long = encodeRowKey(1, 1, Buffer.from([1, 0]), 0);
    expect(compareBytes(short, long)).toBeLessThan(0);
  });

  it('encodes timestamps as 8 bytes that round-trip up to 2^53', () => {
    for (const ts of [0, 1, 2 ** 32, Date.now() * 1000 + 999, Number.MAX_SAFE_INTEGER]) expect(decodeTimestamp(encodeTimestamp(ts))).toBe(ts);
  });
});

describe('chunks', () => {
  it('split and join any value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.integer({ min: 1, max: 30 }), (bytes, size) => {
        const value = Buffer.from(bytes);
        const chunks = chunkValue(value, size);
        expect(chunks.length).toBe(chunkCount(value.length, size));
        expect(chunks.every((c) => c.length <= size)).toBe(true);
        expect(joinChunks(chunks, chunks.length, value.length).toString('hex')).toBe(value.toString('hex'));
      }),
    );
  });

  it('refuse a value with a missing chunk', () => {
    const chunks = chunkValue(Buffer.alloc(10), 3);
    expect(() => joinChunks(chunks.slice(1), chunks.length, 10)).toThrow(/chunks/);
  });
});

describe('locks', () => {
  it('KeyLocks serializes holders of a shared key and lets disjoint ones run together', async () => {
    const locks = new KeyLocks();
    const order: string[] = [];
    const releaseA = await locks.acquire(['x', 'y']);
    const b = locks.acquire(['y']).then((release) => {
      order.push('b');
      release();
    });
    const releaseC = await locks.acquire(['z']);
    order.push('c');
    releaseC();
    order.push('a-done');
    releaseA();
    await b;
    expect(order).toEqual(['c', 'a-done', 'b']);
    expect(locks.size).toBe(0);
  });

  it('SharedExclusiveGate waits for shared holders before the exclusive one runs', async () => {
    const gate = new SharedExclusiveGate();
    const events: string[] = [];
    let finishShared!: () => void;
    const shared = gate.shared(() => new Promise<void>((r) => (finishShared = r)).then(() => void events.push('shared-done')));
    const exclusive = gate.exclusive(async () => void events.push('exclusive'));
    await Promise.resolve();
    events.push('tick');
    finishShared();
    await Promise.all([shared, exclusive]);
    const later = await gate.shared(async () => 'ran');
    expect(events).toEqual(['tick', 'shared-done', 'exclusive']);
    expect(later).toBe('ran');
  });
});
