// The blocking list and sorted-set pops: BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP BZPOPMIN BZPOPMAX
// BZMPOP. Each serves at once when a key has data; otherwise it throws BlockOn and the dispatcher
// runs it again when one of its keys is written (or answers a null array at the deadline, as
// Redis's replyToBlockedClientTimedOut does). Inside MULTI and scripts they never block.
import { isKeyword } from '../args';
import { BlockOn, blockDeadline } from '../blocking';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import { ListValue, ZSetValue } from '../types/values';
import { LONG_MAX, rangeLongArg } from './list-hash-set-args';
import { moveElement, popFirstNonEmpty } from './list-moves';
import { genericZpop, type Where } from './zset-pop';
import { positiveLongArg } from './zset-args';
import { ZErr } from './zset-errors';
import { lookupTyped } from './util';

const timedOut = (out: Ctx['out']) => out.nullArray();

function leftArg(arg: string): boolean {
  if (isKeyword(arg, 'LEFT')) return true;
  if (isKeyword(arg, 'RIGHT')) return false;
  fail(Err.syntax);
}

function block(ctx: Ctx, keys: string[], deadline: number, onDenied: () => void): void {
  if (!ctx.canBlock) return onDenied();
  throw new BlockOn(keys, deadline, timedOut);
}

/** BLPOP/BRPOP key [key ...] timeout */
function bpop(ctx: Ctx, argv: string[], left: boolean): void {
  const deadline = blockDeadline(argv[argv.length - 1], ctx.ks.now);
  const keys = argv.slice(1, -1);
  for (const key of keys) {
    const e = lookupTyped(ctx, key, ListValue);
    if (e === undefined) continue;
    const items = (e.value as ListValue).items;
    const v = (left ? items.popFront() : items.popBack()) as string;
    ctx.out.array(2);
    ctx.out.bulk(key);
    ctx.out.bulk(v);
    ctx.notify('l', left ? 'lpop' : 'rpop', key);
    if (items.length === 0) {
      ctx.db.delete(key);
      ctx.notify('g', 'del', key);
    } else ctx.db.written(key, e);
    ctx.propagate([left ? 'LPOP' : 'RPOP', key]);
    return;
  }
  block(ctx, keys, deadline, () => ctx.out.nullArray());
}

/** BLMOVE src dst LEFT|RIGHT LEFT|RIGHT timeout, BRPOPLPUSH src dst timeout */
function bmove(ctx: Ctx, src: string, dst: string, fromLeft: boolean, toLeft: boolean, timeoutArg: string): void {
  const deadline = blockDeadline(timeoutArg, ctx.ks.now);
  if (lookupTyped(ctx, src, ListValue) !== undefined) {
    moveElement(ctx, src, dst, fromLeft, toLeft);
    ctx.propagate([fromLeft === false && toLeft ? 'RPOPLPUSH' : 'LMOVE', src, dst, ...(fromLeft === false && toLeft ? [] : [fromLeft ? 'LEFT' : 'RIGHT', toLeft ? 'LEFT' : 'RIGHT'])]);
    return;
  }
  block(ctx, [src], deadline, () => ctx.out.nullBulk());
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] */
function blmpop(ctx: Ctx, argv: string[]): void {
  const deadline = blockDeadline(argv[1], ctx.ks.now);
  const numkeys = rangeLongArg(argv[2], 1n, LONG_MAX, 'numkeys should be greater than 0');
  const whereAt = 3 + numkeys;
  if (whereAt >= argv.length) fail(Err.syntax);
  const left = leftArg(argv[whereAt]);
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && isKeyword(argv[j], 'COUNT') && j + 1 < argv.length) count = rangeLongArg(argv[++j], 1n, LONG_MAX, 'count should be greater than 0');
    else fail(Err.syntax);
  }
  const keys = argv.slice(3, whereAt);
  if (popFirstNonEmpty(ctx, keys, left, count === -1 ? 1 : count)) return;
  block(ctx, keys, deadline, () => ctx.out.nullArray());
}

function hasZSet(ctx: Ctx, keys: string[]): boolean {
  for (const k of keys) if (lookupTyped(ctx, k, ZSetValue) !== undefined) return true;
  return false;
}

/** BZPOPMIN/BZPOPMAX key [key ...] timeout */
function bzpop(ctx: Ctx, argv: string[], where: Where): void {
  const deadline = blockDeadline(argv[argv.length - 1], ctx.ks.now);
  const keys = argv.slice(1, -1);
  if (hasZSet(ctx, keys)) {
    const key = genericZpop(ctx, keys, where, -1, { emitKey: true, nested: false, nilWhenEmpty: true });
    if (key !== undefined) ctx.propagate([where === 'min' ? 'ZPOPMIN' : 'ZPOPMAX', key]);
    return;
  }
  block(ctx, keys, deadline, () => ctx.out.nullArray());
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] */
function bzmpop(ctx: Ctx, argv: string[]): void {
  const deadline = blockDeadline(argv[1], ctx.ks.now);
  const numkeys = positiveLongArg(argv[2], ZErr.numkeysPositive);
  const whereAt = 3 + numkeys;
  if (whereAt >= argv.length) fail(Err.syntax);
  let where: Where;
  if (isKeyword(argv[whereAt], 'MIN')) where = 'min';
  else if (isKeyword(argv[whereAt], 'MAX')) where = 'max';
  else fail(Err.syntax);
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && isKeyword(argv[j], 'COUNT') && j + 1 < argv.length) count = positiveLongArg(argv[++j], ZErr.countPositive);
    else fail(Err.syntax);
  }
  const keys = argv.slice(3, whereAt);
  if (hasZSet(ctx, keys)) {
    const n = count === -1 ? 1 : count;
    const key = genericZpop(ctx, keys, where, n, { emitKey: true, nested: true, nilWhenEmpty: true });
    if (key !== undefined) ctx.propagate([where === 'min' ? 'ZPOPMIN' : 'ZPOPMAX', key, String(n)]);
    return;
  }
  block(ctx, keys, deadline, () => ctx.out.nullArray());
}

/** Keys of BLMPOP/BZMPOP: numkeys at index 2, keys from 3. */
function numkeysAt2(argv: string[]): number[] {
  const n = Number(argv[2]);
  if (!Number.isSafeInteger(n) || n <= 0 || 3 + n > argv.length) return [];
  return Array.from({ length: n }, (_, i) => 3 + i);
}

const BLOCKING: CommandDef['flags'] = ['write', 'noscript', 'blocking'];
const BLOCKING_OOM: CommandDef['flags'] = ['write', 'denyoom', 'noscript', 'blocking'];
const ALL_BUT_LAST = { first: 1, last: -2, step: 1 };

function b(name: string, arity: number, flags: CommandDef['flags'], keys: CommandDef['keys'], acl: 'list' | 'sortedset', handler: CommandDef['handler'], summary: string, since: string): CommandDef {
  return { name, arity, flags, keys, acl: [acl], group: acl === 'list' ? 'list' : 'sorted-set', since, summary, complexity: 'O(N) where N is the number of provided keys.', handler };
}

export const blockingPopCommands: CommandDef[] = [
  b('blpop', -3, BLOCKING, ALL_BUT_LAST, 'list', (c, a) => bpop(c, a, true), 'Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.', '2.0.0'),
  b('brpop', -3, BLOCKING, ALL_BUT_LAST, 'list', (c, a) => bpop(c, a, false), 'Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.', '2.0.0'),
  b('brpoplpush', 4, BLOCKING_OOM, { first: 1, last: 2, step: 1 }, 'list', (c, a) => bmove(c, a[1], a[2], false, true, a[3]), 'Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.', '2.2.0'),
  b('blmove', 6, BLOCKING_OOM, { first: 1, last: 2, step: 1 }, 'list', (c, a) => {
    const from = leftArg(a[3]);
    bmove(c, a[1], a[2], from, leftArg(a[4]), a[5]);
  }, 'Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.', '6.2.0'),
  b('blmpop', -5, BLOCKING, { first: 0, last: 0, step: 0, find: numkeysAt2 }, 'list', blmpop, 'Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.', '7.0.0'),
  b('bzpopmin', -3, ['write', 'noscript', 'blocking', 'fast'], ALL_BUT_LAST, 'sortedset', (c, a) => bzpop(c, a, 'min'), 'Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.', '5.0.0'),
  b('bzpopmax', -3, ['write', 'noscript', 'blocking', 'fast'], ALL_BUT_LAST, 'sortedset', (c, a) => bzpop(c, a, 'max'), 'Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.', '5.0.0'),
  b('bzmpop', -5, BLOCKING, { first: 0, last: 0, step: 0, find: numkeysAt2 }, 'sortedset', bzmpop, 'Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.', '7.0.0'),
];
