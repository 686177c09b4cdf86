// Set algebra as Redis 7.0's sinterGenericCommand and sunionDiffGenericCommand do it: SINTER,
// SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE.
import { isKeyword } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import { SetValue } from '../types/values';
import { LONG_MAX, numkeysAt1, positiveLongArg, rangeLongArg } from './list-hash-set-args';
import { addMember, orderedMembers } from './set-members';
import { lookupTyped } from './util';

/** The sets of keys, undefined for missing keys; WRONGTYPE if any key holds another type. */
function lookupSets(ctx: Ctx, keys: string[]): (SetValue | undefined)[] {
  return keys.map((k) => lookupTyped(ctx, k, SetValue)?.value as SetValue | undefined);
}

/** Stores a *STORE result: an empty result deletes the destination (with a del event if it existed). */
function store(ctx: Ctx, dst: string, result: SetValue, event: string): void {
  if (result.set.size > 0) {
    ctx.db.set(dst, result);
    ctx.out.integer(result.set.size);
    ctx.notify('s', event, dst);
    return;
  }
  ctx.out.integer(0);
  if (ctx.db.delete(dst)) ctx.notify('g', 'del', dst);
}

/** limit 0: no limit (SINTERCARD). */
function inter(ctx: Ctx, keys: string[], dst: string | null, cardinalityOnly: boolean, limit: number): void {
  const sets = lookupSets(ctx, keys);
  if (sets.some((sv) => sv === undefined)) {
    if (dst !== null) {
      ctx.out.integer(0);
      if (ctx.db.delete(dst)) ctx.notify('g', 'del', dst);
    } else if (cardinalityOnly) ctx.out.integer(0);
    else ctx.out.set(0);
    return;
  }
  // Walk the smallest set and probe the others.
  const sorted = (sets as SetValue[]).slice().sort((a, b) => a.set.size - b.set.size);
  const first = sorted[0];
  const result: string[] = [];
  let cardinality = 0;
  for (const m of orderedMembers(first)) {
    let everywhere = true;
    for (let j = 1; j < sorted.length; j++) {
      if (sorted[j] !== first && !sorted[j].set.has(m)) {
        everywhere = false;
        break;
      }
    }
    if (!everywhere) continue;
    cardinality++;
    if (cardinalityOnly) {
      if (limit > 0 && cardinality >= limit) break;
    } else result.push(m);
  }
  if (cardinalityOnly) return ctx.out.integer(cardinality);
  if (dst === null) {
    ctx.out.set(result.length);
    for (const m of result) ctx.out.bulk(m);
    return;
  }
  const out = new SetValue();
  for (const m of result) addMember(out, m);
  store(ctx, dst, out, 'sinterstore');
}

function unionOrDiff(ctx: Ctx, keys: string[], dst: string | null, diff: boolean): void {
  const sets = lookupSets(ctx, keys);
  const out = new SetValue();
  if (!diff) {
    for (const sv of sets) if (sv !== undefined) for (const m of sv.set) addMember(out, m);
  } else if (sets[0] !== undefined) {
    const first = sets[0];
    for (const m of first.set) {
      // A key named twice subtracts the first set from itself: nothing is left.
      if (sets.every((sv, j) => j === 0 || sv === undefined || (sv !== first && !sv.set.has(m)))) addMember(out, m);
    }
  }
  if (dst !== null) return store(ctx, dst, out, diff ? 'sdiffstore' : 'sunionstore');
  ctx.out.set(out.set.size);
  for (const m of orderedMembers(out)) ctx.out.bulk(m);
}

function sintercard(ctx: Ctx, argv: string[]): void {
  const numkeys = rangeLongArg(argv[1], 1n, LONG_MAX, 'numkeys should be greater than 0');
  if (numkeys > argv.length - 2) fail("ERR Number of keys can't be greater than number of args");
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    if (isKeyword(argv[j], 'LIMIT') && j + 1 < argv.length) limit = positiveLongArg(argv[++j], "LIMIT can't be negative");
    else fail(Err.syntax);
  }
  inter(ctx, argv.slice(2, 2 + numkeys), null, true, limit);
}

const ALL_KEYS = { first: 1, last: -1, step: 1 };
const INTER = 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.';
const UNION = 'O(N) where N is the total number of elements in all given sets.';

function def(
  name: string,
  arity: number,
  flags: CommandDef['flags'],
  handler: CommandDef['handler'],
  summary: string,
  since: string,
  complexity: string,
): CommandDef {
  return { name, arity, flags, keys: ALL_KEYS, acl: ['set'], group: 'set', since, summary, complexity, handler };
}

export const setOpCommands: CommandDef[] = [
  def('sinter', -2, ['readonly'], (c, a) => inter(c, a.slice(1), null, false, 0), 'Intersect multiple sets', '1.0.0', INTER),
  {
    ...def('sintercard', -3, ['readonly'], sintercard, 'Intersect multiple sets and return the cardinality of the result', '7.0.0', INTER),
    keys: { first: 0, last: 0, step: 0, find: numkeysAt1 },
  },
  def('sinterstore', -3, ['write', 'denyoom'], (c, a) => inter(c, a.slice(2), a[1], false, 0), 'Intersect multiple sets and store the resulting set in a key', '1.0.0', INTER),
  def('sunion', -2, ['readonly'], (c, a) => unionOrDiff(c, a.slice(1), null, false), 'Add multiple sets', '1.0.0', UNION),
  def('sunionstore', -3, ['write', 'denyoom'], (c, a) => unionOrDiff(c, a.slice(2), a[1], false), 'Add multiple sets and store the resulting set in a key', '1.0.0', UNION),
  def('sdiff', -2, ['readonly'], (c, a) => unionOrDiff(c, a.slice(1), null, true), 'Subtract multiple sets', '1.0.0', UNION),
  def('sdiffstore', -3, ['write', 'denyoom'], (c, a) => unionOrDiff(c, a.slice(2), a[1], true), 'Subtract multiple sets and store the resulting set in a key', '1.0.0', UNION),
];
