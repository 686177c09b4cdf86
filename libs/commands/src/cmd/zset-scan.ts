/** ZSCAN and ZRANDMEMBER: the commands that visit members in no particular order. */
import { formatDouble } from '@strata/resp';
import { isKeyword } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import type { ZSetNode, ZSetValue } from '../types/zset';
import { int64Arg, longArg, parseScanCursor } from './zset-args';
import { KEY1, replyScored, Scored, zdef } from './zset-common';
import { ZErr } from './zset-errors';
import { getZSet, globMatch } from './util';

/**
 * Where an unfinished ZSCAN of a skiplist-encoded set resumes. The cursor handed out is the rank of
 * the next member, and the member itself is remembered under that cursor: members deleted before
 * it would otherwise shift ranks and make the scan skip members that were present all along.
 * A forgotten cursor (too many scans, or from another server) falls back to the rank.
 */
const resumePoints = new WeakMap<ZSetValue, Map<number, [score: number, member: string]>>();
const MAX_RESUME_POINTS = 64;

function resumeNode(z: ZSetValue, cursor: number): ZSetNode | null {
  if (cursor === 0) return z.first();
  const point = resumePoints.get(z)?.get(cursor);
  return point === undefined ? z.nodeAtRank(cursor) : z.firstAtOrAfter(point[0], point[1]);
}

function rememberResumePoint(z: ZSetValue, cursor: number, next: ZSetNode): void {
  let points = resumePoints.get(z);
  if (points === undefined) resumePoints.set(z, (points = new Map()));
  const known = points.get(cursor);
  points.delete(cursor); // re-inserted last: the map's order is least recently used first
  // Two scans handed the same rank keep the earlier member: duplicates are allowed, misses are not.
  const keepKnown = known !== undefined && (known[0] < next.score || (known[0] === next.score && known[1] < next.member));
  points.set(cursor, keepKnown ? known : [next.score, next.member]);
  if (points.size > MAX_RESUME_POINTS) points.delete(points.keys().next().value as number);
}

/** ZSCAN key cursor [MATCH pattern] [COUNT count] */
function zscan(ctx: Ctx, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  const z = getZSet(ctx, argv[1]);
  if (z === undefined) {
    ctx.out.array(2);
    ctx.out.bulk('0');
    ctx.out.array(0);
    return;
  }
  let count = 10;
  let pattern: string | undefined;
  for (let i = 3; i < argv.length; i += 2) {
    if (argv.length - i < 2) fail(Err.syntax);
    if (isKeyword(argv[i], 'COUNT')) {
      count = longArg(argv[i + 1]);
      if (count < 1) fail(Err.syntax);
    } else if (isKeyword(argv[i], 'MATCH')) {
      pattern = argv[i + 1] === '*' ? undefined : argv[i + 1];
    } else fail(Err.syntax);
  }
  const found: Scored[] = [];
  let nextCursor = 0;
  if (z.compact) {
    // A listpack is returned whole in one call, as Redis does.
    for (const pair of z.entries()) found.push(pair);
  } else {
    let n = resumeNode(z, cursor);
    for (let i = 0; n !== null && i < count; i++, n = n.next[0]) found.push([n.member, n.score]);
    if (n !== null) {
      nextCursor = z.rankOfNode(n);
      rememberResumePoint(z, nextCursor, n);
    }
  }
  const shown = pattern === undefined ? found : found.filter(([m]) => globMatch(pattern as string, m));
  ctx.out.array(2);
  ctx.out.bulk(String(nextCursor));
  ctx.out.array(shown.length * 2);
  for (const [member, score] of shown) {
    ctx.out.bulk(member);
    ctx.out.bulk(formatDouble(score));
  }
}

function randomNode(z: ZSetValue): ZSetNode {
  return z.nodeAtRank(Math.floor(Math.random() * z.size)) as ZSetNode;
}

const LONG_MAX = 9223372036854775807n;

/** ZRANDMEMBER key [count [WITHSCORES]] */
function zrandmember(ctx: Ctx, argv: string[]): void {
  if (argv.length < 3) {
    const z = getZSet(ctx, argv[1]);
    if (z === undefined) ctx.out.nullBulk();
    else ctx.out.bulk(randomNode(z).member);
    return;
  }
  const l = int64Arg(argv[2]);
  if (l < -LONG_MAX) fail(ZErr.randCountRange);
  if (argv.length > 4 || (argv.length === 4 && !isKeyword(argv[3], 'WITHSCORES'))) fail(Err.syntax);
  const withScores = argv.length === 4;
  // Redis's guard against overflowing the reply length (count * 2).
  if (withScores && (l < -LONG_MAX / 2n || l > LONG_MAX / 2n)) fail(Err.outOfRange);
  const z = getZSet(ctx, argv[1]);
  const unique = l >= 0;
  const abs = unique ? l : -l;
  const count = abs > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(abs);
  if (z === undefined || count === 0) return ctx.out.array(0);
  if (!unique || count === 1) {
    // With repetitions: each pick is an independent O(log n) rank lookup, streamed.
    const out = ctx.out;
    const nested = withScores && out.proto === 3;
    out.array(withScores && !nested ? count * 2 : count);
    for (let i = 0; i < count; i++) {
      const n = randomNode(z);
      if (nested) out.array(2);
      out.bulk(n.member);
      if (withScores) out.double(n.score);
    }
    return;
  }
  if (count >= z.size) {
    // The whole set; Redis 7.0 walks a listpack from its tail here.
    const all: Scored[] = [];
    for (let n = z.last(); n !== null; n = n.prev) all.push([n.member, n.score]);
    return replyScored(ctx, all, withScores);
  }
  replyScored(ctx, sampleUnique(z, count), withScores);
}

/** count distinct members in random order, count < size. */
function sampleUnique(z: ZSetValue, count: number): Scored[] {
  if (count * 3 > z.size) {
    // Many of them: a partial Fisher-Yates shuffle of all members (Redis: copy, then remove).
    const all = [...z.entries()];
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (all.length - i));
      [all[i], all[j]] = [all[j], all[i]];
    }
    return all.slice(0, count);
  }
  // Few of them: random ranks until enough distinct ones (Redis: add random members to a dict).
  const picked = new Map<string, number>();
  while (picked.size < count) {
    const n = randomNode(z);
    picked.set(n.member, n.score);
  }
  return [...picked];
}

export const zsetScanCommands: CommandDef[] = [
  zdef('zscan', -3, ['readonly'], KEY1, '2.8.0', 'Incrementally iterate sorted sets elements and associated scores',
    'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    zscan),
  zdef('zrandmember', -2, ['readonly'], KEY1, '6.2.0', 'Get one or multiple random elements from a sorted set',
    'O(N) where N is the number of elements returned', zrandmember),
];
