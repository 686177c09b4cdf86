/**
 * Range commands: ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES) and its older spellings,
 * ZRANGESTORE, ZCOUNT, ZLEXCOUNT and ZREMRANGEBYRANK/SCORE/LEX, as Redis 7.0's
 * zrangeGenericCommand and zremrangeGenericCommand. Ranks are found in O(log n) through the
 * skiplist's spans; LIMIT's offset is a rank jump, not a walk.
 */
import { isKeyword } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import { ZSetNode, ZSetValue } from '../types/zset';
import { lexTest, longArg, parseLexRange, parseScoreRange, RangeTest, scoreTest } from './zset-args';
import { afterRemoval, KEY1, propagateNothing, replyScored, Scored, storeResult, zdef, zsetEntry } from './zset-common';
import { ZErr } from './zset-errors';
import { getZSet } from './util';

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

/** Redis's rank normalisation: null when the range is empty. */
function normalizeRanks(start: number, end: number, size: number): [number, number] | null {
  if (start < 0) start = size + start;
  if (end < 0) end = size + end;
  if (start < 0) start = 0;
  if (start > end || start >= size) return null;
  if (end >= size) end = size - 1;
  return [start, end];
}

function rangeByRank(z: ZSetValue, start: number, end: number, reverse: boolean): Scored[] {
  const r = normalizeRanks(start, end, z.size);
  if (r === null) return [];
  return [...(reverse ? z.byRankRev(r[0], r[1]) : z.byRank(r[0], r[1]))];
}

/** The first (or, reversed, last) node in range, or null. */
function rangeStart(z: ZSetValue, t: RangeTest, reverse: boolean): ZSetNode | null {
  if (t.empty) return null;
  if (reverse) {
    const last = z.lastWhere(t.lteMax);
    return last !== null && t.gteMin(last) ? last : null;
  }
  const first = z.firstWhere(t.gteMin);
  return first !== null && t.lteMax(first) ? first : null;
}

/**
 * Members in a score or lex range with Redis's LIMIT semantics: a negative offset gives nothing,
 * a negative count means all.
 */
function rangeByTest(z: ZSetValue, t: RangeTest, offset: number, limit: number, reverse: boolean): Scored[] {
  const out: Scored[] = [];
  if (offset < 0 || (offset > 0 && offset >= z.size)) return out;
  let n = rangeStart(z, t, reverse);
  if (n === null) return out;
  if (offset > 0) {
    const rank = z.rankOfNode(n) + (reverse ? -offset : offset);
    n = z.nodeAtRank(rank);
  }
  const inRange = reverse ? t.gteMin : t.lteMax;
  for (; n !== null && limit !== 0 && inRange(n); n = reverse ? n.prev : n.next[0], limit--) {
    out.push([n.member, n.score]);
  }
  return out;
}

function countInRange(z: ZSetValue, t: RangeTest): number {
  const first = rangeStart(z, t, false);
  if (first === null) return 0;
  const last = z.lastWhere(t.lteMax) as ZSetNode;
  return z.rankOfNode(last) - z.rankOfNode(first) + 1;
}

/** zrangeGenericCommand: argv[argStart] is the source key, then min and max, then options. */
function zrangeGeneric(ctx: Ctx, argv: string[], argStart: number, store: boolean, type: RangeType, dir: Direction): void {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j];
    if (!store && isKeyword(opt, 'WITHSCORES')) withScores = true;
    else if (isKeyword(opt, 'LIMIT') && left >= 2) {
      offset = longArg(argv[j + 1]);
      limit = longArg(argv[j + 2]);
      j += 2;
    } else if (dir === 'auto' && isKeyword(opt, 'REV')) dir = 'reverse';
    else if (type === 'auto' && isKeyword(opt, 'BYLEX')) type = 'lex';
    else if (type === 'auto' && isKeyword(opt, 'BYSCORE')) type = 'score';
    else fail(Err.syntax);
  }
  if (type === 'auto') type = 'rank';
  const reverse = dir === 'reverse';
  // Redis tests the count against -1, so "LIMIT 0 -1" passes with a rank range.
  if (limit !== -1 && type === 'rank') fail(ZErr.limitNeedsByScoreOrLex);
  if (withScores && type === 'lex') fail(ZErr.withscoresWithBylex);
  // BYSCORE and BYLEX ranges are given as max min when reversed.
  let minArg = argv[argStart + 1];
  let maxArg = argv[argStart + 2];
  if (reverse && type !== 'rank') [minArg, maxArg] = [maxArg, minArg];
  let select: (z: ZSetValue) => Scored[];
  if (type === 'rank') {
    const start = longArg(minArg);
    const end = longArg(maxArg);
    select = (z) => rangeByRank(z, start, end, reverse);
  } else {
    const test = type === 'score' ? scoreTest(parseScoreRange(minArg, maxArg)) : lexTest(parseLexRange(minArg, maxArg));
    select = (z) => rangeByTest(z, test, offset, limit, reverse);
  }
  const z = getZSet(ctx, argv[argStart]);
  const items = z === undefined ? [] : select(z);
  if (!store) return replyScored(ctx, items, withScores);
  const result = ZSetValue.create(items.length, 0);
  let maxMemberLength = 0;
  for (const [member, score] of items) {
    result.set(member, score);
    maxMemberLength = Math.max(maxMemberLength, member.length);
  }
  storeResult(ctx, argv[1], result, maxMemberLength, 'zrangestore');
}

function zcount(ctx: Ctx, argv: string[]): void {
  const t = scoreTest(parseScoreRange(argv[2], argv[3]));
  const z = getZSet(ctx, argv[1]);
  ctx.out.integer(z === undefined ? 0 : countInRange(z, t));
}

function zlexcount(ctx: Ctx, argv: string[]): void {
  const t = lexTest(parseLexRange(argv[2], argv[3]));
  const z = getZSet(ctx, argv[1]);
  ctx.out.integer(z === undefined ? 0 : countInRange(z, t));
}

type RemoveBy = 'rank' | 'score' | 'lex';

/** zremrangeGenericCommand: the range is parsed before the key is looked up. */
function zremrangeGeneric(ctx: Ctx, argv: string[], by: RemoveBy): void {
  const key = argv[1];
  let select: (z: ZSetValue) => Scored[];
  if (by === 'rank') {
    const start = longArg(argv[2]);
    const end = longArg(argv[3]);
    select = (z) => rangeByRank(z, start, end, false);
  } else {
    const t = by === 'score' ? scoreTest(parseScoreRange(argv[2], argv[3])) : lexTest(parseLexRange(argv[2], argv[3]));
    select = (z) => rangeByTest(z, t, 0, -1, false);
  }
  const e = zsetEntry(ctx, key);
  const victims = e === undefined ? [] : select(e.value as ZSetValue);
  if (e === undefined || victims.length === 0) {
    propagateNothing(ctx);
    return ctx.out.integer(0);
  }
  const z = e.value as ZSetValue;
  for (const [member] of victims) z.delete(member);
  const keyRemoved = afterRemoval(ctx, key, e);
  ctx.notify('z', `zremrangeby${by}`, key);
  if (keyRemoved) ctx.notify('g', 'del', key);
  ctx.out.integer(victims.length);
}

const RANGE_COMPLEXITY =
  'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.';
const BY_COMPLEXITY =
  'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).';
const REMOVE_COMPLEXITY =
  'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.';
const COUNT_COMPLEXITY = 'O(log(N)) with N being the number of elements in the sorted set.';
const RO: CommandDef['flags'] = ['readonly'];

export const zsetRangeCommands: CommandDef[] = [
  zdef('zrange', -4, RO, KEY1, '6.2.0', 'Return a range of members in a sorted set', RANGE_COMPLEXITY,
    (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'auto', 'auto')),
  zdef('zrangestore', -5, ['write', 'denyoom'], { first: 1, last: 2, step: 1 }, '6.2.0',
    'Store a range of members from sorted set into another key',
    'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.',
    (ctx, argv) => zrangeGeneric(ctx, argv, 2, true, 'auto', 'auto')),
  zdef('zrevrange', -4, RO, KEY1, '1.2.0',
    'Return a range of members in a sorted set, by index, with scores ordered from high to low', RANGE_COMPLEXITY,
    (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'rank', 'reverse')),
  zdef('zrangebyscore', -4, RO, KEY1, '1.0.5', 'Return a range of members in a sorted set, by score', BY_COMPLEXITY,
    (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'score', 'forward')),
  zdef('zrevrangebyscore', -4, RO, KEY1, '2.2.0',
    'Return a range of members in a sorted set, by score, with scores ordered from high to low', BY_COMPLEXITY,
    (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'score', 'reverse')),
  zdef('zrangebylex', -4, RO, KEY1, '2.8.9', 'Return a range of members in a sorted set, by lexicographical range',
    BY_COMPLEXITY, (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'lex', 'forward')),
  zdef('zrevrangebylex', -4, RO, KEY1, '2.8.9',
    'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.',
    BY_COMPLEXITY, (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'lex', 'reverse')),
  zdef('zcount', 4, ['readonly', 'fast'], KEY1, '2.0.0',
    'Count the members in a sorted set with scores within the given values', COUNT_COMPLEXITY, zcount),
  zdef('zlexcount', 4, ['readonly', 'fast'], KEY1, '2.8.9',
    'Count the number of members in a sorted set between a given lexicographical range', COUNT_COMPLEXITY, zlexcount),
  zdef('zremrangebyrank', 4, ['write'], KEY1, '2.0.0', 'Remove all members in a sorted set within the given indexes',
    REMOVE_COMPLEXITY, (ctx, argv) => zremrangeGeneric(ctx, argv, 'rank')),
  zdef('zremrangebyscore', 4, ['write'], KEY1, '1.2.0', 'Remove all members in a sorted set within the given scores',
    REMOVE_COMPLEXITY, (ctx, argv) => zremrangeGeneric(ctx, argv, 'score')),
  zdef('zremrangebylex', 4, ['write'], KEY1, '2.8.9',
    'Remove all members in a sorted set between the given lexicographical range', REMOVE_COMPLEXITY,
    (ctx, argv) => zremrangeGeneric(ctx, argv, 'lex')),
];
