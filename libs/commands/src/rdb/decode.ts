/**
 * Reading one RDB object (rdbLoadObject) into a Value. Every object type Redis 7.0 writes or
 * loads is accepted except streams and modules. Collections that Redis would refuse (empty,
 * duplicate members, NaN scores) are refused here too.
 */
import { HashValue, ListValue, SetValue, ZSetValue, Value } from '../types/values';
import { ByteReader, corrupt } from './bytes';
import {
  QUICKLIST_NODE_PACKED,
  QUICKLIST_NODE_PLAIN,
  RdbType,
  readAsciiDouble,
  readCount,
  readString,
  readStringBytes,
} from './format';
import { parseIntset } from './intset';
import type { EncodingLimits } from './limits';
import { parseListpack } from './listpack';
import { canonicalInt64, strtod } from './numbers';
import { parseZiplist } from './ziplist';
import { parseZipmap } from './zipmap';

type Loader = (r: ByteReader, limits: EncodingLimits) => Value;

function blob(r: ByteReader): Buffer {
  return readStringBytes(r);
}

function list(items: Iterable<string>): ListValue {
  const l = new ListValue();
  for (const it of items) l.items.pushBack(it);
  if (l.items.length === 0) corrupt('empty list');
  return l;
}

function hash(pairs: Iterable<[string, string]>, limits: EncodingLimits): HashValue {
  const h = new HashValue();
  let longest = 0;
  for (const [f, v] of pairs) {
    if (h.map.has(f)) corrupt('duplicate hash field');
    h.map.set(f, v);
    longest = Math.max(longest, f.length, v.length);
  }
  if (h.map.size === 0) corrupt('empty hash');
  h.compact = h.map.size <= limits.hashMaxListpackEntries && longest <= limits.hashMaxListpackValue;
  return h;
}

function set(members: Iterable<string>, intsetBlob: boolean, limits: EncodingLimits): SetValue {
  const s = new SetValue();
  let allInts = true;
  for (const m of members) {
    if (s.set.has(m)) corrupt('duplicate set member');
    s.set.add(m);
    if (allInts && !intsetBlob && canonicalInt64(m) === null) allInts = false;
  }
  if (s.set.size === 0) corrupt('empty set');
  s.encoding = allInts && s.set.size <= limits.setMaxIntsetEntries ? 'intset' : 'hashtable';
  return s;
}

function zset(pairs: Iterable<[string, number]>, limits: EncodingLimits): ZSetValue {
  const z = new ZSetValue();
  let longest = 0;
  for (const [m, score] of pairs) {
    if (Number.isNaN(score)) corrupt('NaN score');
    if (z.dict.has(m)) corrupt('duplicate sorted set member');
    z.set(m, score);
    longest = Math.max(longest, m.length);
  }
  if (z.size === 0) corrupt('empty sorted set');
  z.compact = z.size <= limits.zsetMaxListpackEntries && longest <= limits.zsetMaxListpackValue;
  return z;
}

function* pairsOf(flat: string[]): Generator<[string, string]> {
  if (flat.length % 2 !== 0) corrupt('odd number of elements');
  for (let i = 0; i < flat.length; i += 2) yield [flat[i], flat[i + 1]];
}

function* scoredPairsOf(flat: string[]): Generator<[string, number]> {
  for (const [m, s] of pairsOf(flat)) yield [m, strtod(s)];
}

function* counted<T>(r: ByteReader, each: () => T): Generator<T> {
  const n = readCount(r);
  for (let i = 0; i < n; i++) yield each();
}

function* quicklist(r: ByteReader, version: 1 | 2): Generator<string> {
  const nodes = readCount(r);
  for (let i = 0; i < nodes; i++) {
    const container = version === 2 ? readCount(r) : QUICKLIST_NODE_PACKED;
    if (container === QUICKLIST_NODE_PLAIN) {
      yield readString(r);
      continue;
    }
    if (container !== QUICKLIST_NODE_PACKED) corrupt('unknown quicklist container');
    const node = blob(r);
    // Redis skips empty nodes rather than failing the whole list.
    yield* version === 2 ? parseListpack(node) : parseZiplist(node);
  }
}

const loaders = new Map<number, Loader>([
  [RdbType.STRING, (r) => readString(r)],
  [RdbType.LIST, (r) => list(counted(r, () => readString(r)))],
  [RdbType.LIST_ZIPLIST, (r) => list(parseZiplist(blob(r)))],
  [RdbType.LIST_QUICKLIST, (r) => list(quicklist(r, 1))],
  [RdbType.LIST_QUICKLIST_2, (r) => list(quicklist(r, 2))],
  [RdbType.SET, (r, l) => set(counted(r, () => readString(r)), false, l)],
  [RdbType.SET_INTSET, (r, l) => set(parseIntset(blob(r)), true, l)],
  [RdbType.HASH, (r, l) => hash(counted(r, () => [readString(r), readString(r)] as [string, string]), l)],
  [RdbType.HASH_ZIPMAP, (r, l) => hash(parseZipmap(blob(r)), l)],
  [RdbType.HASH_ZIPLIST, (r, l) => hash(pairsOf(parseZiplist(blob(r))), l)],
  [RdbType.HASH_LISTPACK, (r, l) => hash(pairsOf(parseListpack(blob(r))), l)],
  [RdbType.ZSET, (r, l) => zset(counted(r, () => [readString(r), readAsciiDouble(r)] as [string, number]), l)],
  [RdbType.ZSET_2, (r, l) => zset(counted(r, () => [readString(r), r.f64le()] as [string, number]), l)],
  [RdbType.ZSET_ZIPLIST, (r, l) => zset(scoredPairsOf(parseZiplist(blob(r))), l)],
  [RdbType.ZSET_LISTPACK, (r, l) => zset(scoredPairsOf(parseListpack(blob(r))), l)],
]);

/** Reads the type byte and the object after it. Streams and modules are not supported (yet). */
export function readObject(r: ByteReader, limits: EncodingLimits): Value {
  const type = r.u8();
  const load = loaders.get(type);
  if (load === undefined) corrupt(`unsupported RDB object type ${type}`);
  return load(r, limits);
}
