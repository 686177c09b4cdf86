/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, as Redis 7.0's
 * zunionInterDiffGenericCommand. Plain sets are accepted as inputs, every member scoring 1.
 */
import { isKeyword } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import { SetValue, ZSetValue } from '../types/values';
import { doubleArg, longArg, nonNegativeLongArg } from './zset-args';
import { numkeysSpec, replyScored, Scored, storeResult, zdef } from './zset-common';
import { ZErr } from './zset-errors';

type SetOp = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** One input: a sorted set, a set (scores 1), or a missing key (empty). */
interface Source {
  value: ZSetValue | SetValue | undefined;
  weight: number;
}

function sourceSize(s: Source): number {
  if (s.value === undefined) return 0;
  return s.value instanceof ZSetValue ? s.value.size : s.value.set.size;
}

function* sourceEntries(s: Source): Generator<Scored> {
  if (s.value instanceof ZSetValue) yield* s.value.entries();
  else if (s.value instanceof SetValue) for (const m of s.value.set) yield [m, 1];
}

function sourceScore(s: Source, member: string): number | undefined {
  if (s.value instanceof ZSetValue) return s.value.score(member);
  if (s.value instanceof SetValue) return s.value.set.has(member) ? 1 : undefined;
  return undefined;
}

/** zunionInterAggregate: a sum of +inf and -inf is 0, not NaN. */
function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

/** weight × score, where 0 × inf counts as 0. */
function weighted(score: number, weight: number): number {
  const v = score * weight;
  return Number.isNaN(v) ? 0 : v;
}

interface Options {
  sources: Source[];
  how: Aggregate;
  withScores: boolean;
  limit: number;
}

/** Keys are looked up (and type-checked) before the options are parsed, as in Redis. */
function parseArgs(ctx: Ctx, argv: string[], numkeysIndex: number, op: SetOp, store: boolean, cardOnly: boolean): Options {
  const name = argv[0].toLowerCase();
  const setnum = longArg(argv[numkeysIndex]);
  if (setnum < 1) fail(ZErr.atLeastOneKey(name));
  if (setnum > argv.length - (numkeysIndex + 1)) fail(Err.syntax);
  const sources: Source[] = [];
  let j = numkeysIndex + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const e = ctx.db.get(argv[j]);
    if (e !== undefined && !(e.value instanceof ZSetValue) && !(e.value instanceof SetValue)) fail(Err.wrongType);
    sources.push({ value: e?.value as ZSetValue | SetValue | undefined, weight: 1 });
  }
  const o: Options = { sources, how: 'sum', withScores: false, limit: 0 };
  while (j < argv.length) {
    const remaining = argv.length - j;
    const opt = argv[j];
    if (op !== 'diff' && !cardOnly && remaining >= setnum + 1 && isKeyword(opt, 'WEIGHTS')) {
      j++;
      for (const s of sources) s.weight = doubleArg(argv[j++], ZErr.weightNotFloat);
    } else if (op !== 'diff' && !cardOnly && remaining >= 2 && isKeyword(opt, 'AGGREGATE')) {
      const how = argv[j + 1].toLowerCase();
      if (how !== 'sum' && how !== 'min' && how !== 'max') fail(Err.syntax);
      o.how = how;
      j += 2;
    } else if (!store && !cardOnly && isKeyword(opt, 'WITHSCORES')) {
      o.withScores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && isKeyword(opt, 'LIMIT')) {
      o.limit = nonNegativeLongArg(argv[j + 1], ZErr.limitNegative);
      j += 2;
    } else fail(Err.syntax);
  }
  return o;
}

/** Members with their combined scores, in no particular order; `limit` > 0 stops an intersection early. */
function compute(op: SetOp, o: Options): Map<string, number> {
  const result = new Map<string, number>();
  const sources = o.sources;
  if (op === 'diff') {
    const [first, ...others] = sources;
    for (const [m, score] of sourceEntries(first)) {
      if (!others.some((s) => sourceScore(s, m) !== undefined)) result.set(m, score);
    }
    return result;
  }
  // Smallest inputs first (a stable sort, as Redis's qsort on cardinality): fewer lookups, and the
  // same order of additions, so floating-point sums come out identical.
  const ordered = [...sources].sort((a, b) => sourceSize(a) - sourceSize(b));
  if (op === 'inter') {
    if (sourceSize(ordered[0]) === 0) return result;
    outer: for (const [m, first] of sourceEntries(ordered[0])) {
      let score = weighted(first, ordered[0].weight);
      for (let j = 1; j < ordered.length; j++) {
        const other = ordered[j].value === ordered[0].value ? first : sourceScore(ordered[j], m);
        if (other === undefined) continue outer;
        score = aggregate(score, other * ordered[j].weight, o.how);
      }
      result.set(m, score);
      if (o.limit > 0 && result.size >= o.limit) break;
    }
    return result;
  }
  for (const s of ordered) {
    for (const [m, score] of sourceEntries(s)) {
      const value = weighted(score, s.weight);
      const acc = result.get(m);
      result.set(m, acc === undefined ? value : aggregate(acc, value, o.how));
    }
  }
  return result;
}

function sortedByScore(result: Map<string, number>): Scored[] {
  return [...result].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function setOpReply(ctx: Ctx, argv: string[], op: SetOp): void {
  const o = parseArgs(ctx, argv, 1, op, false, false);
  replyScored(ctx, sortedByScore(compute(op, o)), o.withScores);
}

function setOpStore(ctx: Ctx, argv: string[], op: SetOp): void {
  const o = parseArgs(ctx, argv, 2, op, true, false);
  const result = compute(op, o);
  const z = ZSetValue.create(Infinity, 0);
  let maxMemberLength = 0;
  for (const [m, score] of result) {
    z.set(m, score);
    if (m.length > maxMemberLength) maxMemberLength = m.length;
  }
  storeResult(ctx, argv[1], z, maxMemberLength, `z${op}store`);
}

function zintercard(ctx: Ctx, argv: string[]): void {
  const o = parseArgs(ctx, argv, 1, 'inter', false, true);
  ctx.out.integer(compute('inter', o).size);
}

const UNION_COMPLEXITY =
  'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.';
const INTER_COMPLEXITY =
  'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.';
const DIFF_COMPLEXITY =
  'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.';
const STORE_FLAGS: CommandDef['flags'] = ['write', 'denyoom'];
const STORE_KEYS = numkeysSpec(2, [1]);
const READ_KEYS = numkeysSpec(1);

export const zsetSetOpCommands: CommandDef[] = [
  zdef('zunion', -3, ['readonly'], READ_KEYS, '6.2.0', 'Add multiple sorted sets', UNION_COMPLEXITY,
    (ctx, argv) => setOpReply(ctx, argv, 'union')),
  zdef('zinter', -3, ['readonly'], READ_KEYS, '6.2.0', 'Intersect multiple sorted sets', INTER_COMPLEXITY,
    (ctx, argv) => setOpReply(ctx, argv, 'inter')),
  zdef('zdiff', -3, ['readonly'], READ_KEYS, '6.2.0', 'Subtract multiple sorted sets', DIFF_COMPLEXITY,
    (ctx, argv) => setOpReply(ctx, argv, 'diff')),
  zdef('zunionstore', -4, STORE_FLAGS, STORE_KEYS, '2.0.0',
    'Add multiple sorted sets and store the resulting sorted set in a new key',
    'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
    (ctx, argv) => setOpStore(ctx, argv, 'union')),
  zdef('zinterstore', -4, STORE_FLAGS, STORE_KEYS, '2.0.0',
    'Intersect multiple sorted sets and store the resulting sorted set in a new key', INTER_COMPLEXITY,
    (ctx, argv) => setOpStore(ctx, argv, 'inter')),
  zdef('zdiffstore', -4, STORE_FLAGS, STORE_KEYS, '6.2.0',
    'Subtract multiple sorted sets and store the resulting sorted set in a new key', DIFF_COMPLEXITY,
    (ctx, argv) => setOpStore(ctx, argv, 'diff')),
  zdef('zintercard', -3, ['readonly'], READ_KEYS, '7.0.0',
    'Intersect multiple sorted sets and return the cardinality of the result',
    'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
    zintercard),
];
