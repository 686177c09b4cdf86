// Property tests of ZSetValue's skiplist against a naive sorted array of [member, score].
import { encodingLimits } from '@strata/commands';
import fc from 'fast-check';
import { ZSetValue } from '@strata/commands';

type Pair = [string, number];

function byScoreThenMember(a: Pair, b: Pair): number {
  return a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

function naiveOf(model: Map<string, number>): Pair[] {
  return [...model].sort(byScoreThenMember);
}

// Few distinct members and scores, so that updates, equal scores and deletes are frequent.
const member = fc.oneof(fc.constantFrom('', 'a', 'b', 'ab', '\xff', '\x00'), fc.string({ maxLength: 3 }));
const score = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(-Infinity, Infinity, 0.5, -0));
const op = fc.oneof(
  fc.tuple(fc.constant<'set'>('set'), member, score),
  fc.tuple(fc.constant<'del'>('del'), member, fc.constant(0)),
);

function build(ops: ['set' | 'del', string, number][]): { z: ZSetValue; model: Map<string, number> } {
  const z = ZSetValue.create(Infinity, 0); // skiplist encoding: keeps -0 as given
  const model = new Map<string, number>();
  for (const [kind, m, sc] of ops) {
    if (kind === 'set') {
      z.set(m, sc);
      // An equal score (0 and -0 included) is no update, as in Redis.
      if (model.get(m) !== sc) model.set(m, sc);
    } else {
      expect(z.delete(m)).toBe(model.delete(m));
    }
  }
  return { z, model };
}

describe('ZSetValue skiplist', () => {
  test('order, rank, nodeAtRank, spans and links match a sorted array', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const { z, model } = build(ops);
        z.validate();
        const naive = naiveOf(model);
        expect(z.size).toBe(naive.length);
        expect([...z.entries()]).toEqual(naive);
        naive.forEach(([m, sc], i) => {
          expect(z.rank(m)).toBe(i);
          expect(z.score(m)).toBe(sc);
          expect(z.nodeAtRank(i)?.member).toBe(m);
        });
        expect(z.rank('not-a-member-\u0100')).toBeUndefined();
        expect(z.nodeAtRank(naive.length)).toBeNull();
        expect(z.nodeAtRank(-1)).toBeNull();
        expect(z.first()?.member).toBe(naive[0]?.[0]);
        expect(z.last()?.member).toBe(naive[naive.length - 1]?.[0]);
        const backwards: string[] = [];
        for (let n = z.last(); n; n = n.prev) backwards.push(n.member);
        expect(backwards).toEqual(naive.map((p) => p[0]).reverse());
      }),
      { numRuns: 300 },
    );
  });

  test('byRank and byRankRev return the slices of the sorted array', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), fc.nat(40), fc.nat(40), (ops, a, b) => {
        const { z, model } = build(ops);
        const naive = naiveOf(model);
        const start = Math.min(a, b);
        const end = Math.min(Math.max(a, b), naive.length - 1);
        if (start > end) return;
        expect([...z.byRank(start, end)]).toEqual(naive.slice(start, end + 1));
        expect([...z.byRankRev(start, end)]).toEqual([...naive].reverse().slice(start, end + 1));
      }),
    );
  });

  test('score and lex bounds find the first and last nodes in range', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), score, fc.boolean(), member, (ops, bound, ex, m) => {
        const { z, model } = build(ops);
        const naive = naiveOf(model);
        const firstAbove = naive.find(([, sc]) => (ex ? sc > bound : sc >= bound));
        expect(z.firstAtOrAbove(bound, ex)?.member).toBe(firstAbove?.[0]);
        const below = naive.filter(([, sc]) => (ex ? sc < bound : sc <= bound));
        expect(z.lastAtOrBelow(bound, ex)?.member).toBe(below[below.length - 1]?.[0]);
        const resume = naive.find((p) => byScoreThenMember(p, [m, bound]) >= 0);
        expect(z.firstAtOrAfter(bound, m)?.member).toBe(resume?.[0]);
        // Lex walks assume equal scores, as Redis's ZRANGEBYLEX does.
        const lex = new ZSetValue();
        for (const k of model.keys()) lex.set(k, 0);
        const sortedMembers = [...model.keys()].sort();
        expect(lex.firstWhere((n) => n.member >= m)?.member).toBe(sortedMembers.find((k) => k >= m));
        const le = sortedMembers.filter((k) => k <= m);
        expect(lex.lastWhere((n) => n.member <= m)?.member).toBe(le[le.length - 1]);
      }),
    );
  });

  test('large sets keep spans right through many levels', () => {
    const z = new ZSetValue();
    const model = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const m = `m${(i * 7919) % 3000}`;
      const sc = (i * 31) % 97;
      if (i % 5 === 4) {
        z.delete(m);
        model.delete(m);
      } else {
        z.set(m, sc);
        model.set(m, sc);
      }
    }
    z.validate();
    const naive = naiveOf(model);
    for (let i = 0; i < naive.length; i += 37) {
      expect(z.nodeAtRank(i)?.member).toBe(naive[i][0]);
      expect(z.rank(naive[i][0])).toBe(i);
    }
  });

  test('encoding: listpack until the entry or value limit, then skiplist for good', () => {
    const z = new ZSetValue();
    for (let i = 0; i < encodingLimits.zsetMaxListpackEntries; i++) z.set(`m${i}`, i);
    expect(z.compact).toBe(true);
    z.set('m0', 5); // an update adds no entry
    expect(z.compact).toBe(true);
    z.set('one-more', 1);
    expect(z.compact).toBe(false);
    for (let i = 0; i < encodingLimits.zsetMaxListpackEntries; i++) z.delete(`m${i}`);
    expect(z.compact).toBe(false);
    const long = new ZSetValue();
    long.set('x'.repeat(64), 1);
    expect(long.compact).toBe(true);
    long.set('x'.repeat(65), 1);
    expect(long.compact).toBe(false);
    expect(ZSetValue.create(129, 1).compact).toBe(false);
    const negZero = new ZSetValue();
    negZero.set('a', -0);
    expect(Object.is(negZero.score('a'), 0)).toBe(true);
    const negZeroSkiplist = ZSetValue.create(1000, 0);
    negZeroSkiplist.set('a', -0);
    expect(Object.is(negZeroSkiplist.score('a'), -0)).toBe(true);
    expect(ZSetValue.create(2, 65).compact).toBe(false);
    const fit = ZSetValue.create(1000, 1000);
    fit.set('a', 1);
    fit.fitEncoding(1);
    expect(fit.compact).toBe(true);
  });
});
