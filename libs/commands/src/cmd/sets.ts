// Set commands on one set as Redis 7.0 has them; the multi-set algebra (SINTER & co.) is in
// set-ops.ts. Every change to a SetValue goes through set-members.ts.
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { Entry } from '../keyspace';
import type { CommandDef } from '../table';
import { SetValue } from '../types/values';
import { LONG_MAX, positiveLongArg, rangeLongArg, replyScan, scanCursorArg, scanOptions } from './list-hash-set-args';
import {
  addMember,
  freshEncoding,
  newSetFor,
  orderedMembers,
  randomMember,
  removeMember,
  setLog,
} from './set-members';
import { setOpCommands } from './set-ops';
import { getSet, globMatch, lookupTyped } from './util';

const K1 = { first: 1, last: 1, step: 1 };

function setOf(e: Entry): SetValue {
  return e.value as SetValue;
}

/** After members were removed: deletes the emptied set, or records the write. */
function afterRemove(ctx: Ctx, key: string, e: Entry): boolean {
  if (setOf(e).set.size > 0) {
    ctx.db.written(key, e);
    return false;
  }
  ctx.db.delete(key);
  return true;
}

function sadd(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const e = lookupTyped(ctx, key, SetValue);
  const sv = e === undefined ? newSetFor(argv[2]) : setOf(e);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (addMember(sv, argv[i])) added++;
  if (e === undefined) ctx.db.set(key, sv);
  else if (added > 0) ctx.db.written(key, e);
  if (added > 0) ctx.notify('s', 'sadd', key);
  ctx.out.integer(added);
}

function srem(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const e = lookupTyped(ctx, key, SetValue);
  if (e === undefined) return ctx.out.integer(0);
  const sv = setOf(e);
  let removed = 0;
  for (let i = 2; i < argv.length && sv.set.size > 0; i++) if (removeMember(sv, argv[i])) removed++;
  if (removed > 0) {
    const deleted = afterRemove(ctx, key, e);
    ctx.notify('s', 'srem', key);
    if (deleted) ctx.notify('g', 'del', key);
  }
  ctx.out.integer(removed);
}

function scard(ctx: Ctx, argv: string[]): void {
  ctx.out.integer(getSet(ctx, argv[1])?.set.size ?? 0);
}

function sismember(ctx: Ctx, argv: string[]): void {
  ctx.out.integer(getSet(ctx, argv[1])?.set.has(argv[2]) ? 1 : 0);
}

function smismember(ctx: Ctx, argv: string[]): void {
  const set = getSet(ctx, argv[1])?.set;
  ctx.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) ctx.out.integer(set?.has(argv[i]) ? 1 : 0);
}

function smembers(ctx: Ctx, argv: string[]): void {
  const sv = getSet(ctx, argv[1]);
  if (sv === undefined) return ctx.out.set(0);
  ctx.out.set(sv.set.size);
  for (const m of orderedMembers(sv)) ctx.out.bulk(m);
}

function smove(ctx: Ctx, argv: string[]): void {
  const [, src, dst, member] = argv;
  const se = ctx.db.get(src);
  const de = ctx.db.get(dst);
  if (se === undefined) return ctx.out.integer(0);
  if (!(se.value instanceof SetValue) || (de !== undefined && !(de.value instanceof SetValue))) fail(Err.wrongType);
  if (se === de) return ctx.out.integer(se.value.set.has(member) ? 1 : 0);
  if (!removeMember(se.value, member)) return ctx.out.integer(0);
  ctx.notify('s', 'srem', src);
  if (afterRemove(ctx, src, se)) ctx.notify('g', 'del', src);
  const dv = de === undefined ? newSetFor(member) : (de.value as SetValue);
  const added = addMember(dv, member);
  if (de === undefined) ctx.db.set(dst, dv);
  else if (added) ctx.db.written(dst, de);
  if (added) ctx.notify('s', 'sadd', dst);
  ctx.out.integer(1);
}

/** count distinct random members, count < size, in no particular order. */
function distinctMembers(sv: SetValue, count: number): string[] {
  if (count * 3 > sv.set.size) {
    // Close to the whole set: a partial shuffle of all members beats rejection sampling.
    const all = [...sv.set];
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
  while (picked.size < count) picked.add(randomMember(sv));
  return [...picked];
}

function srandmember(ctx: Ctx, argv: string[]): void {
  if (argv.length > 3) fail(Err.syntax);
  if (argv.length === 2) {
    const sv = getSet(ctx, argv[1]);
    if (sv === undefined) return ctx.out.nullBulk();
    return ctx.out.bulk(randomMember(sv));
  }
  const l = rangeLongArg(argv[2], -LONG_MAX, LONG_MAX);
  const sv = getSet(ctx, argv[1]);
  const count = Math.abs(l);
  if (sv === undefined || count === 0) return ctx.out.array(0);
  if (l < 0 || count === 1) {
    ctx.out.array(count);
    for (let i = 0; i < count; i++) ctx.out.bulk(randomMember(sv));
    return;
  }
  if (count >= sv.set.size) {
    ctx.out.array(sv.set.size);
    for (const m of orderedMembers(sv)) ctx.out.bulk(m);
    return;
  }
  const picked = distinctMembers(sv, count);
  ctx.out.array(picked.length);
  for (const m of picked) ctx.out.bulk(m);
}

function spop(ctx: Ctx, argv: string[]): void {
  if (argv.length > 3) fail(Err.syntax);
  if (argv.length === 3) return spopWithCount(ctx, argv[1], positiveLongArg(argv[2]));
  const key = argv[1];
  const e = lookupTyped(ctx, key, SetValue);
  if (e === undefined) return ctx.out.nullBulk();
  const member = randomMember(setOf(e));
  removeMember(setOf(e), member);
  ctx.notify('s', 'spop', key);
  ctx.propagate(['SREM', key, member]);
  ctx.out.bulk(member);
  if (afterRemove(ctx, key, e)) ctx.notify('g', 'del', key);
}

/** spopWithCountCommand; propagated as DEL when the whole set goes, else one SREM per member. */
function spopWithCount(ctx: Ctx, key: string, count: number): void {
  const e = lookupTyped(ctx, key, SetValue);
  if (e === undefined || count === 0) return ctx.out.set(0);
  const sv = setOf(e);
  const size = sv.set.size;
  ctx.notify('s', 'spop', key);
  if (count >= size) {
    ctx.out.set(size);
    for (const m of orderedMembers(sv)) ctx.out.bulk(m);
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
    ctx.propagate(['DEL', key]);
    return;
  }
  ctx.out.set(count);
  const remaining = size - count;
  const pop = (m: string) => {
    removeMember(sv, m);
    ctx.out.bulk(m);
    ctx.propagate(['SREM', key, m]);
  };
  if (remaining * 5 > count) {
    for (let i = 0; i < count; i++) pop(randomMember(sv));
  } else {
    // Redis keeps `remaining` random members in a new set and returns the rest; the new set's
    // encoding is chosen afresh from its members.
    const keep = new Set(distinctMembers(sv, remaining));
    for (const m of [...orderedMembers(sv)]) if (!keep.has(m)) pop(m);
    sv.encoding = freshEncoding(sv);
  }
  ctx.db.written(key, e);
}

/**
 * SSCAN: an intset comes whole in one call with cursor 0, as in Redis; a hashtable set is walked
 * through its member log (see hash-set-log.ts for the cursor scheme).
 */
function sscan(ctx: Ctx, argv: string[]): void {
  const cursor = scanCursorArg(argv[2]);
  const sv = getSet(ctx, argv[1]);
  if (sv === undefined) return replyScan(ctx, 0, []);
  const { match, count } = scanOptions(argv, 3);
  const found: string[] = [];
  const take = (m: string) => {
    if (match === null || globMatch(match, m)) found.push(m);
  };
  let next = 0;
  if (sv.encoding === 'intset') for (const m of orderedMembers(sv)) take(m);
  else next = setLog(sv).scan(cursor, count, take);
  replyScan(ctx, next, found);
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
  return { name, arity, flags, keys: K1, acl: ['set'], group: 'set', since, summary, complexity, handler };
}

export const setCommands: CommandDef[] = [
  def('sadd', -3, ['write', 'denyoom', 'fast'], sadd, 'Add one or more members to a set', '1.0.0', 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.'),
  def('srem', -3, ['write', 'fast'], srem, 'Remove one or more members from a set', '1.0.0', 'O(N) where N is the number of members to be removed.'),
  def('scard', 2, ['readonly', 'fast'], scard, 'Get the number of members in a set', '1.0.0', 'O(1)'),
  def('sismember', 3, ['readonly', 'fast'], sismember, 'Determine if a given value is a member of a set', '1.0.0', 'O(1)'),
  def('smismember', -3, ['readonly', 'fast'], smismember, 'Returns the membership associated with the given elements for a set', '6.2.0', 'O(N) where N is the number of elements being checked for membership'),
  def('smembers', 2, ['readonly'], smembers, 'Get all the members in a set', '1.0.0', 'O(N) where N is the set cardinality.'),
  def('srandmember', -2, ['readonly'], srandmember, 'Get one or multiple random members from a set', '1.0.0', 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.'),
  def('spop', -2, ['write', 'fast'], spop, 'Remove and return one or multiple random members from a set', '1.0.0', 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.'),
  { ...def('smove', 4, ['write', 'fast'], smove, 'Move a member from one set to another', '1.0.0', 'O(1)'), keys: { first: 1, last: 2, step: 1 } },
  ...setOpCommands,
  def('sscan', -3, ['readonly'], sscan, 'Incrementally iterate Set elements', '2.8.0', 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..'),
];
