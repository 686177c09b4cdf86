// Seeded simulation: many random fault schedules, invariants checked after every event.
// RAFT_SIM_SEEDS=n runs n seeds (default 3000); RAFT_SIM_SEED=s runs seed s alone;
// RAFT_SIM_FIRST_SEED=f shifts the range (e.g. to explore new seeds locally).
import { runSeed, SimResult } from '../src/sim/simulation';

const single = process.env.RAFT_SIM_SEED;
const count = Number(process.env.RAFT_SIM_SEEDS ?? 3000);
const first = Number(process.env.RAFT_SIM_FIRST_SEED ?? 1);
const seeds = single !== undefined ? [Number(single)] : Array.from({ length: count }, (_, i) => first + i);
const CHUNK = 500;

function reproduce(seed: number): string {
  return `RAFT_SIM_SEED=${seed} node tools/jest-project.js libs/raft -t sim`;
}

describe('raft sim', () => {
  for (let at = 0; at < seeds.length; at += CHUNK) {
    const chunk = seeds.slice(at, at + CHUNK);
    test(`sim seeds ${chunk[0]}..${chunk[chunk.length - 1]} keep safety and recover after healing`, () => {
      const failures: SimResult[] = [];
      for (const seed of chunk) {
        const r = runSeed(seed);
        if (!r.ok) failures.push(r);
      }
      const report = failures.map((f) => `seed ${f.seed}: ${f.violation}\n  reproduce: ${reproduce(f.seed)}`).join('\n');
      if (failures.length > 0) console.error(report);
      expect(report).toBe('');
    }, 600_000);
  }

  test('sim runs are deterministic: a seed replays identically', () => {
    const a = runSeed(seeds[0]);
    const b = runSeed(seeds[0]);
    expect(b).toEqual(a);
    expect(a.events).toBeGreaterThan(1000);
    expect(a.committed).toBeGreaterThan(5);
  });
});

// The checkers must catch real bugs: each injected fault is detected on some seed.
describe('raft sim checkers', () => {
  const cases: [string, Parameters<typeof runSeed>[1]][] = [
    ['followers skip the log-matching check', { faults: { skipLogMatchCheck: true } }],
    ['votes ignore how up to date the candidate log is', { faults: { grantVotesIgnoringLog: true } }],
  ];
  for (const [name, options] of cases) {
    test(`sim detects a bug: ${name}`, () => {
      let found: SimResult | undefined;
      for (let seed = 1; seed <= 400 && !found; seed++) {
        const r = runSeed(seed, options);
        if (!r.ok) found = r;
      }
      expect(found?.violation).toMatch(/log matching|leader completeness|election safety|state-machine safety|committed entry lost/);
    }, 600_000);
  }
});
