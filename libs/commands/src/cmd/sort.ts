/**
 * SORT and SORT_RO, as Redis 7.0's sortCommandGeneric: lists, sets and sorted sets; numeric or
 * ALPHA order, LIMIT, BY (a pattern, or a constant for "no sort"), GET patterns, STORE. Ties and
 * partial sorts come out as Redis orders them: full sorts are stable (glibc's merge sort), a BY
 * sort cut by LIMIT uses Redis's partial quicksort.
 *
 * Not reproduced: the ACL and cluster-mode refusals of BY/GET patterns (no ACLs or cluster mode
 * here yet), and the forced ALPHA order of an unsorted set inside scripts.
 */
import { intArg, isKeyword } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef, KeySpec } from '../table';
import { HashValue, ListValue, SetValue, Value, ZSetValue } from '../types/values';
import { pqsort } from './sort-pqsort';
import { strtod } from './zset-args';

interface SortItem {
  obj: string;
  /** numeric sort: the weight (0 when the BY key is missing) */
  score: number;
  /** ALPHA with BY: the weight text, null when the BY key is missing */
  cmpobj: string | null;
}

/**
 * lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by it, and
 * "->field" after the '*' reads a hash field. Only strings (or hash fields) give a value.
 */
function lookupByPattern(ctx: Ctx, pattern: string, subst: string): string | null {
  if (pattern === '#') return subst;
  const star = pattern.indexOf('*');
  if (star < 0) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const field = arrow >= 0 && arrow + 2 < pattern.length ? pattern.slice(arrow + 2) : null;
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, field === null ? pattern.length : arrow);
  // NeedKeys: these keys are only known while SORT runs. When the keyspace can hold keys that are
  // not resident (cold in the store), this is where a miss must `throw new NeedKeys(ctx.db.index,
  // [key])` so that the dispatcher loads the key and runs SORT again from the start. Every key is
  // resident for now, so a miss means the key does not exist.
  const e = ctx.db.get(key);
  if (e === undefined) return null;
  if (field !== null) return e.value instanceof HashValue ? e.value.map.get(field) ?? null : null;
  return typeof e.value === 'string' ? e.value : null;
}

/** strtod over the whole value (a C string: it ends at a NUL byte); null as SORT's conversion error. */
function sortWeight(s: string): number | null {
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  const r = strtod(s);
  if (r.end !== s.length || r.outOfRange || Number.isNaN(r.value)) return null;
  return r.value;
}

/** memcmp order of two byte strings (compareStringObjects; strcoll in the C locale agrees). */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** sortCompare */
function comparator(alpha: boolean, byPattern: boolean, desc: boolean): (a: SortItem, b: SortItem) => number {
  let cmp: (a: SortItem, b: SortItem) => number;
  if (!alpha) cmp = (a, b) => (a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.obj, b.obj));
  else if (byPattern) {
    cmp = (a, b) => {
      if (a.cmpobj === null || b.cmpobj === null) return a.cmpobj === b.cmpobj ? 0 : a.cmpobj === null ? -1 : 1;
      return compareBytes(a.cmpobj, b.cmpobj);
    };
  } else cmp = (a, b) => compareBytes(a.obj, b.obj);
  return desc ? (a, b) => -cmp(a, b) : cmp;
}

/** The elements SORT starts from; with `ranged`, only [start, end] in the value's own order. */
function loadElements(value: Value, dontsort: boolean, desc: boolean, start: number, end: number): string[] {
  if (value instanceof ListValue) {
    if (!dontsort) return value.items.toArray();
    if (end < start) return [];
    const len = value.items.length;
    const out: string[] = [];
    for (let i = start; i <= end; i++) out.push(value.items.at(desc ? len - 1 - i : i));
    return out;
  }
  if (value instanceof ZSetValue) {
    if (!dontsort) return [...value.dict.keys()];
    if (end < start) return [];
    const out: string[] = [];
    for (const [member] of desc ? value.byRankRev(start, end) : value.byRank(start, end)) out.push(member);
    return out;
  }
  const members = [...(value as SetValue).set];
  // An intset iterates in ascending order; a hashtable in its own order (insertion order here).
  if ((value as SetValue).encoding === 'intset') members.sort((a, b) => Number(a) - Number(b));
  return members;
}

function sortGeneric(ctx: Ctx, argv: string[], readOnly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortBy: string | null = null;
  let storeKey: string | null = null;
  const getPatterns: string[] = [];
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j];
    if (isKeyword(opt, 'ASC')) desc = false;
    else if (isKeyword(opt, 'DESC')) desc = true;
    else if (isKeyword(opt, 'ALPHA')) alpha = true;
    else if (isKeyword(opt, 'LIMIT') && left >= 2) {
      limitStart = intArg(argv[j + 1]);
      limitCount = intArg(argv[j + 2]);
      j += 2;
    } else if (!readOnly && isKeyword(opt, 'STORE') && left >= 1) storeKey = argv[++j];
    else if (isKeyword(opt, 'BY') && left >= 1) {
      sortBy = argv[++j];
      // A BY pattern without '*' is a constant: nothing to sort by.
      dontsort = !sortBy.includes('*');
    } else if (isKeyword(opt, 'GET') && left >= 1) getPatterns.push(argv[++j]);
    else fail(Err.syntax);
  }

  const e = ctx.db.get(argv[1]);
  let value: Value = new ListValue();
  if (e !== undefined) {
    if (!(e.value instanceof ListValue || e.value instanceof SetValue || e.value instanceof ZSetValue)) fail(Err.wrongType);
    value = e.value;
  }
  // An unsorted set would be stored in an arbitrary order: Redis sorts it ALPHA instead.
  if (dontsort && value instanceof SetValue && storeKey !== null) {
    dontsort = false;
    alpha = true;
    sortBy = null;
  }
  // Redis converts a sorted set to its skiplist encoding for SORT, for good.
  if (value instanceof ZSetValue) value.compact = false;

  let vectorLen =
    value instanceof ListValue ? value.items.length : value instanceof SetValue ? value.set.size : (value as ZSetValue).size;
  // LIMIT sanity as Redis: clamp to the object's size.
  let start = Math.min(Math.max(limitStart, 0), vectorLen);
  const count = Math.min(Math.max(limitCount, -1), vectorLen);
  let end = count < 0 ? vectorLen - 1 : start + count - 1;
  if (start >= vectorLen) {
    start = vectorLen - 1;
    end = vectorLen - 2;
  }
  if (end >= vectorLen) end = vectorLen - 1;
  // Lists and sorted sets keep their own order without sorting: load just the LIMIT range.
  const ranged = (value instanceof ZSetValue || value instanceof ListValue) && dontsort;
  const elements = loadElements(value, dontsort, desc, start, end);
  if (ranged) {
    vectorLen = elements.length;
    end -= start;
    start = 0;
  }
  const vector: SortItem[] = elements.map((obj) => ({ obj, score: 0, cmpobj: null }));

  let conversionError = false;
  if (!dontsort) {
    for (const item of vector) {
      let byval: string | null;
      if (sortBy !== null) {
        byval = lookupByPattern(ctx, sortBy, item.obj);
        if (byval === null) continue;
      } else byval = item.obj;
      if (alpha) {
        if (sortBy !== null) item.cmpobj = byval;
      } else {
        const w = sortWeight(byval);
        if (w === null) conversionError = true;
        else item.score = w;
      }
    }
    const cmp = comparator(alpha, sortBy !== null, desc);
    if (sortBy !== null && (start !== 0 || end !== vectorLen - 1)) pqsort(vector, cmp, start, end);
    else vector.sort(cmp);
  }

  const rows = end - start + 1;
  const outputLen = getPatterns.length > 0 ? getPatterns.length * rows : rows;
  if (conversionError) fail("ERR One or more scores can't be converted into double");
  if (storeKey === null) {
    ctx.out.array(outputLen);
    for (let j = start; j <= end; j++) {
      const obj = vector[j].obj;
      if (getPatterns.length === 0) ctx.out.bulk(obj);
      for (const p of getPatterns) {
        const v = lookupByPattern(ctx, p, obj);
        if (v === null) ctx.out.nullBulk();
        else ctx.out.bulk(v);
      }
    }
    return;
  }
  const stored = new ListValue();
  for (let j = start; j <= end; j++) {
    const obj = vector[j].obj;
    if (getPatterns.length === 0) stored.items.pushBack(obj);
    for (const p of getPatterns) stored.items.pushBack(lookupByPattern(ctx, p, obj) ?? '');
  }
  if (outputLen > 0) {
    ctx.db.set(storeKey, stored);
    ctx.notify('l', 'sortstore', storeKey);
  } else if (ctx.db.delete(storeKey)) ctx.notify('g', 'del', storeKey);
  else ctx.propagate([]);
  ctx.out.integer(outputLen);
}

/**
 * sortGetKeys: the sorted key, and the destination of the last STORE. Options are assumed to take
 * no argument except LIMIT (2), GET and BY (1); the word after STORE is looked at again, as Redis does.
 */
function sortKeys(argv: string[]): number[] {
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (isKeyword(a, 'LIMIT')) i += 2;
    else if (isKeyword(a, 'GET') || isKeyword(a, 'BY')) i += 1;
    else if (isKeyword(a, 'STORE') && i + 1 < argv.length) store = i + 1;
  }
  return store === -1 ? [1] : [1, store];
}

const SORT_KEYS: KeySpec = { first: 1, last: 1, step: 1, find: sortKeys };
/** SORT_RO's BY/GET keys are unknown until it runs, which COMMAND reports as movable keys. */
const SORT_RO_KEYS: KeySpec = { first: 1, last: 1, step: 1, find: () => [1] };
const COMPLEXITY =
  'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).';
const ACL = ['set', 'sortedset', 'list', 'dangerous'];

export const sortCommands: CommandDef[] = [
  {
    name: 'sort', arity: -2, flags: ['write', 'denyoom'], keys: SORT_KEYS, acl: ACL, group: 'generic', since: '1.0.0',
    summary: 'Sort the elements in a list, set or sorted set', complexity: COMPLEXITY,
    handler: (ctx, argv) => sortGeneric(ctx, argv, false),
  },
  {
    name: 'sort_ro', arity: -2, flags: ['readonly'], keys: SORT_RO_KEYS, acl: ACL, group: 'generic', since: '7.0.0',
    summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.', complexity: COMPLEXITY,
    handler: (ctx, argv) => sortGeneric(ctx, argv, true),
  },
];
