// Commands that move elements out of one list into another or to the client: RPOPLPUSH, LMOVE,
// LMPOP. Their blocking variants (BRPOPLPUSH, BLMOVE, BLMPOP) come with the blocking issue and can
// reuse moveElement and popFirstNonEmpty.
import { isKeyword } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import { ListValue } from '../types/values';
import { LONG_MAX, numkeysAt1, rangeLongArg } from './list-hash-set-args';
import { afterPop, listOf, signalListPush } from './list-util';
import { lookupTyped } from './util';

/** Redis's getListPositionFromObjectOrReply: LEFT is the head. */
function leftArg(arg: string): boolean {
  if (isKeyword(arg, 'LEFT')) return true;
  if (isKeyword(arg, 'RIGHT')) return false;
  fail(Err.syntax);
}

/** Pops from src and pushes onto dst (which may be src: a rotation); replies the element. */
export function moveElement(ctx: Ctx, src: string, dst: string, fromLeft: boolean, toLeft: boolean): void {
  const se = lookupTyped(ctx, src, ListValue);
  if (se === undefined) return ctx.out.nullBulk();
  const de = lookupTyped(ctx, dst, ListValue);
  const value = (fromLeft ? listOf(se).items.popFront() : listOf(se).items.popBack()) as string;
  // Push before the source can be deleted: when src === dst the list must survive.
  const dl = de === undefined ? new ListValue() : listOf(de);
  if (toLeft) dl.items.pushFront(value);
  else dl.items.pushBack(value);
  if (de === undefined) ctx.db.set(dst, dl);
  else ctx.db.written(dst, de);
  ctx.notify('l', toLeft ? 'lpush' : 'rpush', dst);
  signalListPush(ctx, dst);
  ctx.out.bulk(value);
  afterPop(ctx, src, se, fromLeft ? 'lpop' : 'rpop');
}

/**
 * Pops up to count elements from the first non-empty list of keys, replying [key, [elements]], or
 * false when every list is missing. Propagated as LPOP/RPOP key n, as Redis does.
 */
export function popFirstNonEmpty(ctx: Ctx, keys: string[], left: boolean, count: number): boolean {
  for (const key of keys) {
    const e = lookupTyped(ctx, key, ListValue);
    if (e === undefined) continue;
    const items = listOf(e).items;
    const n = Math.min(count, items.length);
    ctx.out.array(2);
    ctx.out.bulk(key);
    ctx.out.array(n);
    for (let i = 0; i < n; i++) ctx.out.bulk((left ? items.popFront() : items.popBack()) as string);
    afterPop(ctx, key, e, left ? 'lpop' : 'rpop');
    ctx.propagate([left ? 'LPOP' : 'RPOP', key, String(n)]);
    return true;
  }
  return false;
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count], parsed as lmpopGenericCommand does. */
function lmpop(ctx: Ctx, argv: string[]): void {
  const numkeys = rangeLongArg(argv[1], 1n, LONG_MAX, 'numkeys should be greater than 0');
  const whereAt = 2 + numkeys;
  if (whereAt >= argv.length) fail(Err.syntax);
  const left = leftArg(argv[whereAt]);
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && isKeyword(argv[j], 'COUNT') && j + 1 < argv.length) {
      count = rangeLongArg(argv[++j], 1n, LONG_MAX, 'count should be greater than 0');
    } else fail(Err.syntax);
  }
  if (!popFirstNonEmpty(ctx, argv.slice(2, whereAt), left, count === -1 ? 1 : count)) ctx.out.nullArray();
}

const K12 = { first: 1, last: 2, step: 1 };

export const listMoveCommands: CommandDef[] = [
  {
    name: 'rpoplpush', arity: 3, flags: ['write', 'denyoom'], keys: K12, acl: ['list'], group: 'list', since: '1.2.0',
    summary: 'Remove the last element in a list, prepend it to another list and return it', complexity: 'O(1)',
    handler: (c, a) => moveElement(c, a[1], a[2], false, true),
  },
  {
    name: 'lmove', arity: 5, flags: ['write', 'denyoom'], keys: K12, acl: ['list'], group: 'list', since: '6.2.0',
    summary: 'Pop an element from a list, push it to another list and return it', complexity: 'O(1)',
    handler: (c, a) => {
      const fromLeft = leftArg(a[3]);
      moveElement(c, a[1], a[2], fromLeft, leftArg(a[4]));
    },
  },
  {
    name: 'lmpop', arity: -4, flags: ['write'], keys: { first: 0, last: 0, step: 0, find: numkeysAt1 }, acl: ['list'],
    group: 'list', since: '7.0.0', summary: 'Pop elements from a list',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.', handler: lmpop,
  },
];
