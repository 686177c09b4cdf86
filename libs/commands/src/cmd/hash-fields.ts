// How hash commands change a HashValue: the listpack→hashtable flag and the member log stay right
// only if every change goes through these helpers.
import { encodingLimits } from '../encoding-limits';
import { HashValue } from '../types/values';
import { MemberLog } from './hash-set-log';

/** Redis 7.0 defaults of hash-max-listpack-entries and hash-max-listpack-value. */

/** hashTypeTryConversion: any argument longer than hash-max-listpack-value ends the listpack. */
export function convertForArgs(hv: HashValue, argv: string[], from: number, to: number): void {
  if (!hv.compact) return;
  for (let i = from; i <= to; i++) {
    if (argv[i].length > encodingLimits.hashMaxListpackValue) {
      hv.compact = false;
      return;
    }
  }
}

/** hashTypeSet: sets a field; true when it is new. */
export function setField(hv: HashValue, field: string, value: string): boolean {
  // As Redis 7.0's hashTypeSet, for HINCRBY* whose value was not seen by convertForArgs.
  if (hv.compact && (field.length > encodingLimits.hashMaxListpackValue || value.length > encodingLimits.hashMaxListpackValue)) hv.compact = false;
  const map = hv.map;
  const before = map.size;
  map.set(field, value);
  if (map.size === before) return false;
  if (hv.log !== null) hv.log.added(field);
  if (hv.compact && map.size > encodingLimits.hashMaxListpackEntries) hv.compact = false;
  return true;
}

/** hashTypeDelete: true when the field existed. */
export function deleteField(hv: HashValue, field: string): boolean {
  if (!hv.map.delete(field)) return false;
  if (hv.log !== null) hv.log.removed(hv.map.size);
  return true;
}

/** The member log of a hash, built on first use. */
export function hashLog(hv: HashValue): MemberLog {
  if (hv.log === null) {
    const map = hv.map;
    hv.log = new MemberLog(map.keys(), (f) => map.has(f));
  }
  return hv.log;
}

/** Below this size a random pick walks the map instead of building a log. */
const SMALL = 32;

/** A random field of a non-empty hash. */
export function randomField(hv: HashValue): string {
  const map = hv.map;
  if (map.size > SMALL) return hashLog(hv).random();
  let i = (Math.random() * map.size) | 0;
  for (const f of map.keys()) if (i-- === 0) return f;
  throw new Error('randomField on an empty hash');
}
