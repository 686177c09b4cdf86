/**
 * Sorted-set commands of Redis 7.0. This module holds the single-member commands (ZADD, ZINCRBY,
 * ZSCORE, ZRANK, ZREM, ...); ranges, pops, scans and the set operations live in zset-*.ts.
 * `zsetCommands` is the one table of them all.
 */
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import { ZSetValue } from '../types/zset';
import { doubleArg } from './zset-args';
import { afterRemoval, KEY1, propagateNothing, signalZSetAdd, zdef, zsetEntry } from './zset-common';
import { ZErr } from './zset-errors';
import { zsetPopCommands } from './zset-pop';
import { zsetRangeCommands } from './zset-ranges';
import { zsetScanCommands } from './zset-scan';
import { zsetSetOpCommands } from './zset-setops';
import { getZSet } from './util';

interface ZAddFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

/** zaddGenericCommand: ZADD parses its flags; ZINCRBY is ZADD INCR with the pair at argv[2]. */
function zaddGeneric(ctx: Ctx, argv: string[], scoreIndex: number, f: ZAddFlags): void {
  const key = argv[1];
  const pairsArgs = argv.length - scoreIndex;
  if (pairsArgs === 0 || pairsArgs % 2 !== 0) fail(Err.syntax);
  const pairs = pairsArgs / 2;
  if (f.nx && f.xx) fail(ZErr.xxAndNx);
  if ((f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt)) fail(ZErr.gtLtNx);
  if (f.incr && pairs > 1) fail(ZErr.incrPair);
  const scores: number[] = new Array(pairs);
  let maxMemberLength = 0;
  for (let j = 0; j < pairs; j++) {
    scores[j] = doubleArg(argv[scoreIndex + j * 2]);
    maxMemberLength = Math.max(maxMemberLength, argv[scoreIndex + j * 2 + 1].length);
  }
  const e = zsetEntry(ctx, key);
  if (e === undefined && f.xx) {
    propagateNothing(ctx);
    return f.incr ? ctx.out.nullBulk() : ctx.out.integer(0);
  }
  const z = e === undefined ? ZSetValue.create(pairs, maxMemberLength) : (e.value as ZSetValue);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let lastScore = 0;
  let nanError = false;
  for (let j = 0; j < pairs; j++) {
    const member = argv[scoreIndex + j * 2 + 1];
    let score = scores[j];
    const current = z.score(member);
    if (current !== undefined) {
      if (f.nx) continue;
      if (f.incr) {
        score += current;
        if (Number.isNaN(score)) {
          nanError = true;
          break;
        }
      }
      // GT/LT compare with the final score, so "ZADD GT INCR -1" never updates.
      if ((f.lt && score >= current) || (f.gt && score <= current)) continue;
      if (score !== current) {
        z.set(member, score);
        updated++;
      }
    } else {
      if (f.xx) continue;
      z.set(member, score);
      added++;
    }
    processed++;
    lastScore = z.score(member) as number;
  }
  if (added + updated > 0) {
    if (e === undefined) ctx.db.set(key, z);
    else ctx.db.written(key, e);
    ctx.notify('z', f.incr ? 'zincr' : 'zadd', key);
    if (added > 0) signalZSetAdd(ctx, key);
  } else propagateNothing(ctx);
  if (nanError) fail(ZErr.nanScore);
  if (!f.incr) return ctx.out.integer(f.ch ? added + updated : added);
  if (processed > 0) ctx.out.double(lastScore);
  else ctx.out.nullBulk();
}

function zadd(ctx: Ctx, argv: string[]): void {
  const f: ZAddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: false };
  let i = 2;
  for (; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    if (opt === 'nx' || opt === 'xx' || opt === 'gt' || opt === 'lt' || opt === 'ch' || opt === 'incr') f[opt] = true;
    else break;
  }
  zaddGeneric(ctx, argv, i, f);
}

function zincrby(ctx: Ctx, argv: string[]): void {
  zaddGeneric(ctx, argv, 2, { nx: false, xx: false, gt: false, lt: false, ch: false, incr: true });
}

function zcard(ctx: Ctx, argv: string[]): void {
  ctx.out.integer(getZSet(ctx, argv[1])?.size ?? 0);
}

function zscore(ctx: Ctx, argv: string[]): void {
  const score = getZSet(ctx, argv[1])?.score(argv[2]);
  if (score === undefined) ctx.out.nullBulk();
  else ctx.out.double(score);
}

function zmscore(ctx: Ctx, argv: string[]): void {
  const z = getZSet(ctx, argv[1]);
  ctx.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = z?.score(argv[i]);
    if (score === undefined) ctx.out.nullBulk();
    else ctx.out.double(score);
  }
}

function zrankGeneric(ctx: Ctx, argv: string[], reverse: boolean): void {
  const z = getZSet(ctx, argv[1]);
  const rank = z?.rank(argv[2]);
  if (z === undefined || rank === undefined) return ctx.out.nullBulk();
  ctx.out.integer(reverse ? z.size - 1 - rank : rank);
}

function zrem(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const e = zsetEntry(ctx, key);
  if (e === undefined) {
    propagateNothing(ctx);
    return ctx.out.integer(0);
  }
  const z = e.value as ZSetValue;
  let deleted = 0;
  for (let i = 2; i < argv.length && z.size > 0; i++) if (z.delete(argv[i])) deleted++;
  if (deleted > 0) {
    const keyRemoved = afterRemoval(ctx, key, e);
    ctx.notify('z', 'zrem', key);
    if (keyRemoved) ctx.notify('g', 'del', key);
  } else propagateNothing(ctx);
  ctx.out.integer(deleted);
}

const O_LOG_N = 'O(log(N)) where N is the number of elements in the sorted set.';

export const zsetCommands: CommandDef[] = [
  zdef('zadd', -4, ['write', 'denyoom', 'fast'], KEY1, '1.2.0',
    'Add one or more members to a sorted set, or update its score if it already exists',
    'O(log(N)) for each item added, where N is the number of elements in the sorted set.', zadd),
  zdef('zincrby', 4, ['write', 'denyoom', 'fast'], KEY1, '1.2.0',
    'Increment the score of a member in a sorted set', O_LOG_N, zincrby),
  zdef('zcard', 2, ['readonly', 'fast'], KEY1, '1.2.0', 'Get the number of members in a sorted set', 'O(1)', zcard),
  zdef('zscore', 3, ['readonly', 'fast'], KEY1, '1.2.0',
    'Get the score associated with the given member in a sorted set', 'O(1)', zscore),
  zdef('zmscore', -3, ['readonly', 'fast'], KEY1, '6.2.0',
    'Get the score associated with the given members in a sorted set',
    'O(N) where N is the number of members being requested.', zmscore),
  zdef('zrank', 3, ['readonly', 'fast'], KEY1, '2.0.0', 'Determine the index of a member in a sorted set', 'O(log(N))',
    (ctx, argv) => zrankGeneric(ctx, argv, false)),
  zdef('zrevrank', 3, ['readonly', 'fast'], KEY1, '2.0.0',
    'Determine the index of a member in a sorted set, with scores ordered from high to low', 'O(log(N))',
    (ctx, argv) => zrankGeneric(ctx, argv, true)),
  zdef('zrem', -3, ['write', 'fast'], KEY1, '1.2.0', 'Remove one or more members from a sorted set',
    'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.', zrem),
  ...zsetRangeCommands,
  ...zsetPopCommands,
  ...zsetSetOpCommands,
  ...zsetScanCommands,
];
