// List commands (non-blocking) as Redis 7.0 has them. The moves between lists (RPOPLPUSH, LMOVE,
// LMPOP) are in list-moves.ts.
import { intArg, isKeyword, parseInt64 } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import { ListValue } from '../types/values';
import { LONG_MIN, positiveLongArg } from './list-hash-set-args';
import { listMoveCommands } from './list-moves';
import { afterPop, listOf, signalListPush } from './list-util';
import { clampRange, getList, lookupTyped } from './util';

const K1 = { first: 1, last: 1, step: 1 };

function push(ctx: Ctx, argv: string[], left: boolean, onlyIfExists: boolean): void {
  const key = argv[1];
  const e = lookupTyped(ctx, key, ListValue);
  if (e === undefined && onlyIfExists) return ctx.out.integer(0);
  const list = e === undefined ? new ListValue() : listOf(e);
  const items = list.items;
  if (left) for (let i = 2; i < argv.length; i++) items.pushFront(argv[i]);
  else for (let i = 2; i < argv.length; i++) items.pushBack(argv[i]);
  if (e === undefined) ctx.db.set(key, list);
  else ctx.db.written(key, e);
  ctx.out.integer(items.length);
  ctx.notify('l', left ? 'lpush' : 'rpush', key);
  signalListPush(ctx, key);
}

function pop(ctx: Ctx, argv: string[], left: boolean): void {
  if (argv.length > 3) fail(Err.arity(left ? 'lpop' : 'rpop'));
  const key = argv[1];
  const withCount = argv.length === 3;
  const count = withCount ? positiveLongArg(argv[2]) : 1;
  const e = lookupTyped(ctx, key, ListValue);
  if (e === undefined) return withCount ? ctx.out.nullArray() : ctx.out.nullBulk();
  if (withCount && count === 0) return ctx.out.array(0);
  const items = listOf(e).items;
  if (!withCount) ctx.out.bulk((left ? items.popFront() : items.popBack()) as string);
  else {
    const n = Math.min(count, items.length);
    ctx.out.array(n);
    for (let i = 0; i < n; i++) ctx.out.bulk((left ? items.popFront() : items.popBack()) as string);
  }
  afterPop(ctx, key, e, left ? 'lpop' : 'rpop');
}

function llen(ctx: Ctx, argv: string[]): void {
  ctx.out.integer(getList(ctx, argv[1])?.items.length ?? 0);
}

function lrange(ctx: Ctx, argv: string[]): void {
  const start = intArg(argv[2]);
  const end = intArg(argv[3]);
  const list = getList(ctx, argv[1]);
  const range = list === undefined ? null : clampRange(start, end, list.items.length);
  if (list === undefined || range === null) return ctx.out.array(0);
  const items = list.items;
  ctx.out.array(range[1] - range[0] + 1);
  for (let i = range[0]; i <= range[1]; i++) ctx.out.bulk(items.at(i));
}

/** A list index (negative from the tail) as a position, or -1 when out of range. */
function position(index: number, len: number): number {
  const i = index < 0 ? len + index : index;
  return i >= 0 && i < len ? i : -1;
}

function lindex(ctx: Ctx, argv: string[]): void {
  const list = getList(ctx, argv[1]);
  if (list === undefined) return ctx.out.nullBulk();
  const i = position(intArg(argv[2]), list.items.length);
  if (i < 0) ctx.out.nullBulk();
  else ctx.out.bulk(list.items.at(i));
}

function lset(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const e = lookupTyped(ctx, key, ListValue);
  if (e === undefined) fail(Err.noSuchKey);
  const items = listOf(e).items;
  const i = position(intArg(argv[2]), items.length);
  if (i < 0) fail(Err.indexOutOfRange);
  items.setAt(i, argv[3]);
  ctx.db.written(key, e);
  ctx.out.ok();
  ctx.notify('l', 'lset', key);
}

function linsert(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  let after: boolean;
  if (isKeyword(argv[2], 'AFTER')) after = true;
  else if (isKeyword(argv[2], 'BEFORE')) after = false;
  else fail(Err.syntax);
  const e = lookupTyped(ctx, key, ListValue);
  if (e === undefined) return ctx.out.integer(0);
  const items = listOf(e).items;
  const pivot = argv[3];
  let at = -1;
  for (let i = 0; i < items.length; i++) {
    if (items.at(i) === pivot) {
      at = i;
      break;
    }
  }
  if (at < 0) return ctx.out.integer(-1);
  items.insertAt(after ? at + 1 : at, argv[4]);
  ctx.db.written(key, e);
  ctx.notify('l', 'linsert', key);
  ctx.out.integer(items.length);
}

function lrem(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const count = intArg(argv[2]);
  const e = lookupTyped(ctx, key, ListValue);
  if (e === undefined) return ctx.out.integer(0);
  const items = listOf(e).items;
  const element = argv[3];
  const limit = count === 0 ? Infinity : Math.abs(count);
  const n = items.length;
  let removed = 0;
  // Compacts in place, from the head (count >= 0) or from the tail (count < 0).
  if (count >= 0) {
    let w = 0;
    for (let r = 0; r < n; r++) {
      const v = items.at(r);
      if (removed < limit && v === element) removed++;
      else items.setAt(w++, v);
    }
    items.dropBack(removed);
  } else {
    let w = n - 1;
    for (let r = n - 1; r >= 0; r--) {
      const v = items.at(r);
      if (removed < limit && v === element) removed++;
      else items.setAt(w--, v);
    }
    items.dropFront(removed);
  }
  if (removed > 0) {
    ctx.notify('l', 'lrem', key);
    if (items.length === 0) {
      ctx.db.delete(key);
      ctx.notify('g', 'del', key);
    } else ctx.db.written(key, e);
  }
  ctx.out.integer(removed);
}

function ltrim(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  let start = intArg(argv[2]);
  let end = intArg(argv[3]);
  const e = lookupTyped(ctx, key, ListValue);
  if (e === undefined) return ctx.out.ok();
  const items = listOf(e).items;
  const len = items.length;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) items.dropFront(len);
  else {
    if (end >= len) end = len - 1;
    items.dropBack(len - end - 1);
    items.dropFront(start);
  }
  ctx.notify('l', 'ltrim', key);
  if (items.length === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  } else ctx.db.written(key, e);
  ctx.out.ok();
}

const RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";

function lpos(ctx: Ctx, argv: string[]): void {
  let rank = 1;
  let count = -1; // -1: no COUNT option (single reply); 0: every match
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toUpperCase();
    const more = j + 1 < argv.length;
    if (opt === 'RANK' && more) {
      const big = parseInt64(argv[++j]);
      if (big === null) fail(Err.notInteger);
      // Redis negates LLONG_MIN into itself, which then behaves as "first match from the tail".
      rank = big === LONG_MIN ? -1 : intArg(argv[j]);
      if (rank === 0) fail(RANK_ZERO);
    } else if (opt === 'COUNT' && more) {
      count = positiveLongArg(argv[++j], "COUNT can't be negative");
    } else if (opt === 'MAXLEN' && more) {
      maxlen = positiveLongArg(argv[++j], "MAXLEN can't be negative");
    } else fail(Err.syntax);
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const list = getList(ctx, argv[1]);
  if (list === undefined) return count !== -1 ? ctx.out.array(0) : ctx.out.nullBulk();
  const items = list.items;
  const len = items.length;
  const element = argv[2];
  const found: number[] = [];
  let matches = 0;
  for (let index = 0; index < len && (maxlen === 0 || index < maxlen); index++) {
    const pos = fromTail ? len - 1 - index : index;
    if (items.at(pos) !== element || ++matches < rank) continue;
    found.push(pos);
    if (count === -1 || (count > 0 && found.length >= count)) break;
  }
  if (count !== -1) {
    ctx.out.array(found.length);
    for (const p of found) ctx.out.integer(p);
  } else if (found.length > 0) ctx.out.integer(found[0]);
  else ctx.out.nullBulk();
}

function def(
  name: string,
  arity: number,
  flags: CommandDef['flags'],
  handler: CommandDef['handler'],
  summary: string,
  since: string,
  complexity: string,
): CommandDef {
  return { name, arity, flags, keys: K1, acl: ['list'], group: 'list', since, summary, complexity, handler };
}

const PUSH_COMPLEXITY =
  'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.';

export const listCommands: CommandDef[] = [
  def('lpush', -3, ['write', 'denyoom', 'fast'], (c, a) => push(c, a, true, false), 'Prepend one or multiple elements to a list', '1.0.0', PUSH_COMPLEXITY),
  def('rpush', -3, ['write', 'denyoom', 'fast'], (c, a) => push(c, a, false, false), 'Append one or multiple elements to a list', '1.0.0', PUSH_COMPLEXITY),
  def('lpushx', -3, ['write', 'denyoom', 'fast'], (c, a) => push(c, a, true, true), 'Prepend an element to a list, only if the list exists', '2.2.0', PUSH_COMPLEXITY),
  def('rpushx', -3, ['write', 'denyoom', 'fast'], (c, a) => push(c, a, false, true), 'Append an element to a list, only if the list exists', '2.2.0', PUSH_COMPLEXITY),
  def('lpop', -2, ['write', 'fast'], (c, a) => pop(c, a, true), 'Remove and get the first elements in a list', '1.0.0', 'O(N) where N is the number of elements returned'),
  def('rpop', -2, ['write', 'fast'], (c, a) => pop(c, a, false), 'Remove and get the last elements in a list', '1.0.0', 'O(N) where N is the number of elements returned'),
  def('llen', 2, ['readonly', 'fast'], llen, 'Get the length of a list', '1.0.0', 'O(1)'),
  def('lrange', 4, ['readonly'], lrange, 'Get a range of elements from a list', '1.0.0', 'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.'),
  def('lindex', 3, ['readonly'], lindex, 'Get an element from a list by its index', '1.0.0', 'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).'),
  def('lset', 4, ['write', 'denyoom'], lset, 'Set the value of an element in a list by its index', '1.0.0', 'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).'),
  def('linsert', 5, ['write', 'denyoom'], linsert, 'Insert an element before or after another element in a list', '2.2.0', 'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).'),
  def('lrem', 4, ['write'], lrem, 'Remove elements from a list', '1.0.0', 'O(N+M) where N is the length of the list and M is the number of elements removed.'),
  def('ltrim', 4, ['write'], ltrim, 'Trim a list to the specified range', '1.0.0', 'O(N) where N is the number of elements to be removed by the operation.'),
  def('lpos', -3, ['readonly'], lpos, 'Return the index of matching elements on a list', '6.0.6', 'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.'),
  ...listMoveCommands,
];
