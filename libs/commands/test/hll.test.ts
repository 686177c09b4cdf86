import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { ListValue } from '@strata/commands';
import { murmurHash64A } from '../src/hll';
import { TestServer } from './harness';

interface HllCase {
  seq: 'numbers' | 'elements';
  n: number;
  count: number;
  encoding: string;
  decoded: string | null;
  rawBeforeCount: string;
  raw: string;
}
interface MergeCase {
  sources: [string, string];
  multiKeyCount: number;
  count: number;
  encoding: string;
  raw: string;
}
/** Recorded from Redis 7.0.15 by fixtures/hll/generate.js. */
const recorded = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/hll/hll.json'), 'utf8')) as { cases: HllCase[]; merges: MergeCase[] };

const seqs = {
  numbers: (i: number) => String(i),
  elements: (i: number) => `element:${i}:${'x'.repeat(i % 7)}`,
};
const hex = (s: unknown) => Buffer.from(s as string, 'latin1').toString('hex');
const WRONGTYPE_HLL = { err: 'WRONGTYPE Key is not a valid HyperLogLog string value.' };
const CORRUPTED = { err: 'INVALIDOBJ Corrupted HLL object detected' };

/** PFADDs a sequence in batches of 1000, as the generator did. */
function load(s: TestServer, key: string, seq: keyof typeof seqs, n: number): void {
  for (let i = 1; i <= n; i += 1000) {
    const batch: string[] = [];
    for (let k = i; k <= Math.min(n, i + 999); k++) batch.push(seqs[seq](k));
    s.run('PFADD', key, ...batch);
  }
}

let s: TestServer;
beforeEach(() => {
  s = new TestServer();
});

/** MurmurHash64A written the obvious way with BigInt, to check the 32-bit version. */
function murmurReference(data: Uint8Array, seed: bigint): bigint {
  const m = 0xc6a4a7935bd1e995n;
  const mask = (1n << 64n) - 1n;
  let h = (seed ^ (BigInt(data.length) * m)) & mask;
  const blocks = data.length - (data.length & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = Buffer.from(data.subarray(i, i + 8)).readBigUInt64LE(0);
    k = (k * m) & mask;
    k ^= k >> 47n;
    k = (k * m) & mask;
    h ^= k;
    h = (h * m) & mask;
  }
  const tail = data.length & 7;
  if (tail) {
    for (let k = tail - 1; k >= 0; k--) h ^= BigInt(data[blocks + k]) << BigInt(8 * k);
    h = (h * m) & mask;
  }
  h ^= h >> 47n;
  h = (h * m) & mask;
  h ^= h >> 47n;
  return h;
}

describe('MurmurHash64A', () => {
  test('matches a BigInt reference on any input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        const [hi, lo] = murmurHash64A(data);
        return ((BigInt(hi) << 32n) | BigInt(lo)) === murmurReference(data, 0xadc83b19n);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('against Redis 7.0.15', () => {
  test.each(recorded.cases.map((c) => [`${c.seq} 1..${c.n}`, c] as const))('%s: same bytes, same count', (_name, c) => {
    load(s, 'h', c.seq, c.n);
    expect(hex(s.run('GET', 'h'))).toBe(c.rawBeforeCount);
    expect(s.run('PFCOUNT', 'h')).toBe(c.count);
    expect(hex(s.run('GET', 'h'))).toBe(c.raw);
    expect(s.run('PFDEBUG', 'ENCODING', 'h')).toEqual({ ok: c.encoding });
    if (c.decoded !== null) expect(s.run('PFDEBUG', 'DECODE', 'h')).toBe(c.decoded);
  });
  test.each(recorded.merges.map((m) => [m.sources.join(' + '), m] as const))('PFMERGE and multi-key PFCOUNT of %s', (_name, m) => {
    for (const src of m.sources) {
      const [seq, n] = src.split(':');
      load(s, src, seq as keyof typeof seqs, Number(n));
    }
    expect(s.run('PFCOUNT', ...m.sources)).toBe(m.multiKeyCount);
    expect(s.run('PFMERGE', 'dest', ...m.sources)).toEqual({ ok: 'OK' });
    expect(s.run('PFDEBUG', 'ENCODING', 'dest')).toEqual({ ok: m.encoding });
    expect(s.run('PFCOUNT', 'dest')).toBe(m.count);
    expect(hex(s.run('GET', 'dest')) === m.raw).toBe(true);
  });
  test('an HLL written by Redis (SET of its bytes) counts here, stale cache or not', () => {
    const dense = recorded.cases.find((c) => c.encoding === 'dense') as HllCase;
    const bytes = Buffer.from(dense.raw, 'hex');
    bytes[15] |= 0x80;
    s.run('SET', 'h', bytes.toString('latin1'));
    expect(s.run('PFCOUNT', 'h')).toBe(dense.count);
    expect(hex(s.run('GET', 'h'))).toBe(dense.raw);
  });
});

describe('PFADD, PFCOUNT, PFMERGE', () => {
  test('PFADD replies 1 on a change or creation, 0 otherwise; keeps the TTL', () => {
    expect(s.run('PFADD', 'h')).toBe(1);
    expect(s.run('PFADD', 'h')).toBe(0);
    expect(s.run('PFADD', 'h', 'a', 'b')).toBe(1);
    expect(s.run('PFADD', 'h', 'a')).toBe(0);
    expect(s.run('PFCOUNT', 'h')).toBe(2);
    const e = s.ks.dbs[0].peek('h');
    if (e === undefined) throw new Error('missing');
    s.ks.dbs[0].setExpire('h', e, Date.now() + 100_000);
    s.run('PFADD', 'h', 'c');
    expect(s.ks.dbs[0].peek('h')?.expireAt).toBeGreaterThan(0);
    expect(s.notifications).toContain('$:pfadd:h');
  });
  test('PFCOUNT of a missing key is 0 and creates nothing; the cache is written back', () => {
    expect(s.run('PFCOUNT', 'none')).toBe(0);
    expect(s.run('GET', 'none')).toBeNull();
    s.run('PFADD', 'h', 'x', 'y', 'z');
    const before = Buffer.from(s.run('GET', 'h') as string, 'latin1');
    expect(before[15] & 0x80).toBe(0x80);
    expect(s.run('PFCOUNT', 'h')).toBe(3);
    const after = Buffer.from(s.run('GET', 'h') as string, 'latin1');
    expect(after[15] & 0x80).toBe(0);
    expect(after.readUInt32LE(8)).toBe(3);
  });
  test('the sparse form is promoted at hll-sparse-max-bytes', () => {
    let n = 0;
    while ((s.run('PFDEBUG', 'ENCODING', 'h') as { ok: string } | { err: string }) && n < 5000) {
      s.run('PFADD', 'h', `e${n++}`);
      const enc = s.run('PFDEBUG', 'ENCODING', 'h') as { ok: string };
      if (enc.ok === 'dense') break;
      expect((s.run('GET', 'h') as string).length).toBeLessThanOrEqual(3000);
    }
    expect(s.run('PFDEBUG', 'ENCODING', 'h')).toEqual({ ok: 'dense' });
    expect((s.run('GET', 'h') as string).length).toBe(12304);
  });
  test('wrong types and non-HLL strings', () => {
    s.ks.dbs[0].set('l', new ListValue());
    const wrongtype = { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
    expect(s.run('PFADD', 'l', 'a')).toEqual(wrongtype);
    expect(s.run('PFCOUNT', 'l')).toEqual(wrongtype);
    s.run('SET', 'str', 'hello');
    expect(s.run('PFADD', 'str', 'a')).toEqual(WRONGTYPE_HLL);
    expect(s.run('PFCOUNT', 'str')).toEqual(WRONGTYPE_HLL);
    expect(s.run('PFCOUNT', 'str', 'none')).toEqual(WRONGTYPE_HLL);
    expect(s.run('PFMERGE', 'd', 'str')).toEqual(WRONGTYPE_HLL);
    s.run('SET', 'baddense', 'HYLL' + '\0'.repeat(20));
    expect(s.run('PFCOUNT', 'baddense')).toEqual(WRONGTYPE_HLL);
    s.run('SET', 'badenc', 'HYLL\x02' + '\0'.repeat(20));
    expect(s.run('PFCOUNT', 'badenc')).toEqual(WRONGTYPE_HLL);
  });
  test('a corrupted sparse HLL is detected', () => {
    s.run('PFADD', 'h', 'a');
    const bytes = Buffer.from(s.run('GET', 'h') as string, 'latin1');
    // An extra XZERO run makes the registers add up to more than 16384.
    const corrupt = Buffer.concat([bytes, Buffer.from([0x7f, 0xff])]);
    corrupt[15] |= 0x80;
    s.run('SET', 'c', corrupt.toString('latin1'));
    expect(s.run('PFCOUNT', 'c')).toEqual(CORRUPTED);
    expect(s.run('PFCOUNT', 'c', 'h')).toEqual(CORRUPTED);
    expect(s.run('PFMERGE', 'd', 'c')).toEqual(CORRUPTED);
    expect(s.run('PFDEBUG', 'TODENSE', 'c')).toEqual(CORRUPTED);
    const short = Buffer.concat([bytes.subarray(0, 16), Buffer.from([0x40, 0x01])]);
    s.run('SET', 's', short.toString('latin1'));
    expect(s.run('PFADD', 's', 'zzz-not-in-first-registers', 'a', 'b', 'c', 'd', 'e', 'f')).toEqual(CORRUPTED);
  });
  test('PFMERGE into an existing key merges it too, and missing sources are empty', () => {
    s.run('PFADD', 'a', '1', '2');
    s.run('PFADD', 'dest', '3');
    expect(s.run('PFMERGE', 'dest', 'a', 'missing')).toEqual({ ok: 'OK' });
    expect(s.run('PFCOUNT', 'dest')).toBe(3);
    expect(s.run('PFMERGE', 'fresh')).toEqual({ ok: 'OK' });
    expect(s.run('PFCOUNT', 'fresh')).toBe(0);
  });
});

describe('PFDEBUG and PFSELFTEST', () => {
  test('GETREG, DECODE, ENCODING, TODENSE and their errors', () => {
    expect(s.run('PFDEBUG', 'ENCODING', 'none')).toEqual({ err: 'ERR The specified key does not exist' });
    s.run('PFADD', 'h', 'a');
    expect(s.run('PFDEBUG', 'DECODE', 'h')).toMatch(/^(Z:\d+ )?v:\d+,1 Z:\d+$/);
    expect(s.run('PFDEBUG', 'NOPE', 'h')).toEqual({ err: "ERR Unknown PFDEBUG subcommand 'NOPE'" });
    const regs = s.run('PFDEBUG', 'GETREG', 'h') as number[];
    expect(regs).toHaveLength(16384);
    expect(regs.filter((r) => r !== 0)).toHaveLength(1);
    expect(s.run('PFDEBUG', 'ENCODING', 'h')).toEqual({ ok: 'dense' });
    expect(s.run('PFDEBUG', 'TODENSE', 'h')).toBe(0);
    expect(s.run('PFDEBUG', 'DECODE', 'h')).toEqual({ err: 'ERR HLL encoding is not sparse' });
    s.run('PFADD', 'h2', 'a');
    expect(s.run('PFDEBUG', 'TODENSE', 'h2')).toBe(1);
    expect(s.run('PFCOUNT', 'h2')).toBe(1);
  });
  test('PFSELFTEST passes', () => {
    expect(s.run('PFSELFTEST')).toEqual({ ok: 'OK' });
  });
});
