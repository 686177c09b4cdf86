/** ZPOPMIN, ZPOPMAX and ZMPOP, as Redis 7.0's genericZpopCommand. */
import { isKeyword } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import type { Entry } from '../keyspace';
import type { ZSetNode, ZSetValue } from '../types/zset';
import { nonNegativeLongArg, positiveLongArg } from './zset-args';
import { afterRemoval, KEY1, numkeysSpec, propagateNothing, zdef, zsetEntry } from './zset-common';
import { ZErr } from './zset-errors';

export type Where = 'min' | 'max';

export interface PopReply {
  /** BZPOP/ZMPOP name the key in the reply. */
  emitKey: boolean;
  /** Each element as a [member, score] array (RESP3 ZPOPMIN with COUNT, ZMPOP always). */
  nested: boolean;
  /** ZMPOP replies a null array when every key is empty; ZPOPMIN an empty array. */
  nilWhenEmpty: boolean;
}

/**
 * Pops up to count members (count -1: no COUNT given, one member) from the first non-empty key.
 * Returns the key popped from, or undefined.
 */
export function genericZpop(ctx: Ctx, keys: string[], where: Where, count: number, shape: PopReply): string | undefined {
  const out = ctx.out;
  let key: string | undefined;
  let entry: Entry | undefined;
  for (const k of keys) {
    entry = zsetEntry(ctx, k); // WRONGTYPE on the first wrong key before a non-empty one
    if (entry === undefined) continue;
    key = k;
    break;
  }
  if (key === undefined || entry === undefined) {
    propagateNothing(ctx);
    if (shape.nilWhenEmpty) out.nullArray();
    else out.array(0);
    return undefined;
  }
  if (count === 0) {
    propagateNothing(ctx);
    out.array(0);
    return undefined;
  }
  const z = entry.value as ZSetValue;
  const n = Math.min(count === -1 ? 1 : count, z.size);
  if (shape.emitKey) {
    out.array(shape.nested ? 2 : n * 2 + 1);
    out.bulk(key);
    if (shape.nested) out.array(n);
  } else {
    out.array(shape.nested ? n : n * 2);
  }
  for (let i = 0; i < n; i++) {
    const node = (where === 'min' ? z.first() : z.last()) as ZSetNode;
    const { member, score } = node;
    z.delete(member);
    if (shape.nested) out.array(2);
    out.bulk(member);
    out.double(score);
  }
  const keyRemoved = afterRemoval(ctx, key, entry);
  ctx.notify('z', where === 'min' ? 'zpopmin' : 'zpopmax', key);
  if (keyRemoved) ctx.notify('g', 'del', key);
  return key;
}

function zpopMinMax(ctx: Ctx, argv: string[], where: Where): void {
  if (argv.length > 3) fail(Err.syntax);
  const count = argv.length === 3 ? nonNegativeLongArg(argv[2]) : -1;
  genericZpop(ctx, [argv[1]], where, count, {
    emitKey: false,
    nested: ctx.out.proto === 3 && count !== -1,
    nilWhenEmpty: false,
  });
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] */
function zmpop(ctx: Ctx, argv: string[]): void {
  const numkeys = positiveLongArg(argv[1], ZErr.numkeysPositive);
  const whereIndex = 1 + numkeys + 1;
  if (whereIndex >= argv.length) fail(Err.syntax);
  let where: Where;
  if (isKeyword(argv[whereIndex], 'MIN')) where = 'min';
  else if (isKeyword(argv[whereIndex], 'MAX')) where = 'max';
  else fail(Err.syntax);
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    if (count === -1 && isKeyword(argv[j], 'COUNT') && j + 1 < argv.length) {
      count = positiveLongArg(argv[++j], ZErr.countPositive);
    } else fail(Err.syntax);
  }
  if (count === -1) count = 1;
  const key = genericZpop(ctx, argv.slice(2, 2 + numkeys), where, count, { emitKey: true, nested: true, nilWhenEmpty: true });
  // Replicated as the ZPOPMIN/ZPOPMAX it amounts to, with the requested count.
  if (key !== undefined) ctx.propagate([where === 'min' ? 'ZPOPMIN' : 'ZPOPMAX', key, String(count)]);
}

const POP_COMPLEXITY =
  'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.';

export const zsetPopCommands: CommandDef[] = [
  zdef('zpopmin', -2, ['write', 'fast'], KEY1, '5.0.0', 'Remove and return members with the lowest scores in a sorted set',
    POP_COMPLEXITY, (ctx, argv) => zpopMinMax(ctx, argv, 'min')),
  zdef('zpopmax', -2, ['write', 'fast'], KEY1, '5.0.0', 'Remove and return members with the highest scores in a sorted set',
    POP_COMPLEXITY, (ctx, argv) => zpopMinMax(ctx, argv, 'max')),
  zdef('zmpop', -4, ['write'], numkeysSpec(1), '7.0.0', 'Remove and return members with scores in a sorted set',
    'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    zmpop),
];
