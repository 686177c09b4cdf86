// HRANDFIELD and HSCAN: the hash commands that pick or walk fields without a field name.
import { isKeyword, parseInt64 } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import type { HashValue } from '../types/values';
import { hashLog, randomField } from './hash-fields';
import { LONG_MAX, rangeLongArg, replyScan, scanCursorArg, scanOptions } from './list-hash-set-args';
import { getHash, globMatch } from './util';

const K1 = { first: 1, last: 1, step: 1 };

function hrandfield(ctx: Ctx, argv: string[]): void {
  if (argv.length >= 3) {
    const l = rangeLongArg(argv[2], -LONG_MAX, LONG_MAX);
    if (argv.length > 4 || (argv.length === 4 && !isKeyword(argv[3], 'WITHVALUES'))) fail(Err.syntax);
    const withValues = argv.length === 4;
    // Redis bounds the count so that count * 2 reply elements cannot overflow.
    const big = parseInt64(argv[2]) as bigint;
    if (withValues && (big < -LONG_MAX / 2n || big > LONG_MAX / 2n)) fail(Err.outOfRange);
    return randomFieldsWithCount(ctx, argv[1], l, withValues);
  }
  const hv = getHash(ctx, argv[1]);
  if (hv === undefined) return ctx.out.nullBulk();
  ctx.out.bulk(randomField(hv));
}

/**
 * hrandfieldWithCountCommand: a negative count may repeat fields; a positive one returns distinct
 * fields, the whole hash when count >= size. RESP3 WITHVALUES replies [field, value] pairs.
 */
function randomFieldsWithCount(ctx: Ctx, key: string, l: number, withValues: boolean): void {
  const hv = getHash(ctx, key);
  if (hv === undefined) return ctx.out.array(0);
  const count = Math.abs(l);
  if (count === 0) return ctx.out.array(0);
  const map = hv.map;
  const pairs = withValues && ctx.out.proto === 3;
  const header = (n: number) => ctx.out.array(withValues && !pairs ? n * 2 : n);
  const emit = (f: string) => {
    if (pairs) ctx.out.array(2);
    ctx.out.bulk(f);
    if (withValues) ctx.out.bulk(map.get(f) as string);
  };
  if (l < 0 || count === 1) {
    header(count);
    for (let i = 0; i < count; i++) emit(randomField(hv));
    return;
  }
  if (count >= map.size) {
    header(map.size);
    for (const f of map.keys()) emit(f);
    return;
  }
  const picked = distinctFields(hv, count);
  header(picked.length);
  for (const f of picked) emit(f);
}

/** count distinct random fields, count < size. */
function distinctFields(hv: HashValue, count: number): string[] {
  if (count * 3 > hv.map.size) {
    // Close to the whole hash: a partial shuffle of all fields beats rejection sampling.
    const all = [...hv.map.keys()];
    for (let i = 0; i < count; i++) {
      const j = i + ((Math.random() * (all.length - i)) | 0);
      const t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    all.length = count;
    return all;
  }
  const picked = new Set<string>();
  while (picked.size < count) picked.add(randomField(hv));
  return [...picked];
}

/**
 * HSCAN. A listpack-encoded (compact) hash is returned whole in one call with cursor 0, as Redis
 * does; a larger one is walked through its member log (see hash-set-log.ts for the cursor scheme).
 * As in Redis, options are only parsed once the key is known to exist.
 */
function hscan(ctx: Ctx, argv: string[]): void {
  const cursor = scanCursorArg(argv[2]);
  const hv = getHash(ctx, argv[1]);
  if (hv === undefined) return replyScan(ctx, 0, []);
  const { match, count } = scanOptions(argv, 3);
  const map = hv.map;
  const found: string[] = [];
  const take = (f: string) => {
    if (match === null || globMatch(match, f)) found.push(f, map.get(f) as string);
  };
  let next = 0;
  if (hv.compact) for (const f of map.keys()) take(f);
  else next = hashLog(hv).scan(cursor, count, take);
  replyScan(ctx, next, found);
}

export const hashScanCommands: CommandDef[] = [
  {
    name: 'hrandfield', arity: -2, flags: ['readonly'], keys: K1, acl: ['hash'], group: 'hash', since: '6.2.0',
    summary: 'Get one or multiple random fields from a hash', complexity: 'O(N) where N is the number of fields returned',
    handler: hrandfield,
  },
  {
    name: 'hscan', arity: -3, flags: ['readonly'], keys: K1, acl: ['hash'], group: 'hash', since: '2.8.0',
    summary: 'Incrementally iterate hash fields and associated values',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    handler: hscan,
  },
];
