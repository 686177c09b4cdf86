import { createHll, DEFAULT_SPARSE_MAX_BYTES, DENSE_SIZE, denseGet, denseSet, hllCount, hllSet, REGISTERS, SPARSE } from './hll';
import { hllPatLen } from './murmur';

/**
 * PFSELFTEST, scaled down from Redis's (1000 register cycles, 10M elements) so that it stays a
 * fraction of a second on the event loop: register access, then dense and sparse agreeing and
 * staying within six standard errors up to 100k elements. Returns the failure, or null.
 */
export function hllSelfTest(): string | null {
  const dense = Buffer.alloc(DENSE_SIZE);
  const expected = new Uint8Array(REGISTERS);
  for (let cycle = 0; cycle < 10; cycle++) {
    dense.fill(0);
    for (let i = 0; i < REGISTERS; i++) {
      expected[i] = (Math.random() * 64) | 0;
      denseSet(dense, i, expected[i]);
    }
    for (let i = 0; i < REGISTERS; i++) {
      const v = denseGet(dense, i);
      if (v !== expected[i]) return `TESTFAILED Register ${i} should be ${expected[i]} but is ${v}`;
    }
  }
  dense.fill(0);
  dense.write('HYLL', 0, 'latin1');
  let sparse = createHll();
  const relerr = 1.04 / Math.sqrt(REGISTERS);
  const seed = (Math.random() * 2 ** 31) | 0;
  let checkpoint = 1;
  for (let j = 1; j <= 100_000; j++) {
    const { index, count } = hllPatLen(`${j ^ seed}:${seed}`);
    denseSet(dense, index, count);
    sparse = hllSet(sparse, index, count, DEFAULT_SPARSE_MAX_BYTES).bytes;
    if (j !== checkpoint) continue;
    if (j < DEFAULT_SPARSE_MAX_BYTES / 2 && sparse[4] !== SPARSE) return 'TESTFAILED sparse encoding not used';
    const card = hllCount(dense) as number;
    if (card !== hllCount(sparse)) return 'TESTFAILED dense/sparse disagree';
    const maxerr = j === 10 ? 1 : Math.ceil(relerr * 6 * checkpoint);
    if (Math.abs(checkpoint - card) > maxerr) return `TESTFAILED Too big error. card:${checkpoint} abserr:${Math.abs(checkpoint - card)}`;
    checkpoint *= 10;
  }
  return null;
}
