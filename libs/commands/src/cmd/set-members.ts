// How set commands change a SetValue: the intset→hashtable encoding and the member log stay right
// only if every change goes through these helpers. Redis 7.0 has two set encodings: intset
// (sorted integers, while every member is a string2ll integer and there are at most
// set-max-intset-entries) and hashtable.
import { encodingLimits } from '../encoding-limits';
import { SetValue } from '../types/values';
import { MemberLog } from './hash-set-log';
import { isInt64String } from './list-hash-set-args';

/** Redis 7.0 default of set-max-intset-entries. */

/** setTypeCreate: an empty set whose encoding suits its first member. */
export function newSetFor(first: string): SetValue {
  const sv = new SetValue();
  if (!isInt64String(first)) sv.encoding = 'hashtable';
  return sv;
}

/** setTypeAdd: true when the member is new. */
export function addMember(sv: SetValue, member: string): boolean {
  const set = sv.set;
  const before = set.size;
  set.add(member);
  if (set.size === before) return false;
  if (sv.log !== null) sv.log.added(member);
  if (sv.encoding === 'intset' && (set.size > encodingLimits.setMaxIntsetEntries || !isInt64String(member))) sv.encoding = 'hashtable';
  return true;
}

/** setTypeRemove: true when the member was there. */
export function removeMember(sv: SetValue, member: string): boolean {
  if (!sv.set.delete(member)) return false;
  if (sv.log !== null) sv.log.removed(sv.set.size);
  return true;
}

/** The member log of a set, built on first use. */
export function setLog(sv: SetValue): MemberLog {
  if (sv.log === null) {
    const set = sv.set;
    sv.log = new MemberLog(set, (m) => set.has(m));
  }
  return sv.log;
}

/** Below this size a random pick walks the set instead of building a log. */
const SMALL = 32;

/** A random member of a non-empty set. */
export function randomMember(sv: SetValue): string {
  const set = sv.set;
  if (set.size > SMALL) return setLog(sv).random();
  let i = (Math.random() * set.size) | 0;
  for (const m of set) if (i-- === 0) return m;
  throw new Error('randomMember on an empty set');
}

/** Integers in numeric order (both are string2ll integers). */
function compareInts(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (x !== y) return x - y;
  if (a === b) return 0;
  // Equal as doubles, different as int64 (beyond 2^53).
  return BigInt(a) < BigInt(b) ? -1 : 1;
}

/** The members in the order Redis walks them: an intset is sorted; a hashtable's order is its own. */
export function orderedMembers(sv: SetValue): Iterable<string> {
  return sv.encoding === 'intset' ? [...sv.set].sort(compareInts) : sv.set;
}

/** The encoding Redis gives a set it builds afresh from these members (SPOP's rebuilt remainder). */
export function freshEncoding(sv: SetValue): 'intset' | 'hashtable' {
  if (sv.set.size > encodingLimits.setMaxIntsetEntries) return 'hashtable';
  for (const m of sv.set) if (!isInt64String(m)) return 'hashtable';
  return 'intset';
}
