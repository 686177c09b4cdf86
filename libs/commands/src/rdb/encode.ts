/**
 * Writing one value as the RDB object Redis 7.0's rdbSaveObject writes for it: the type byte
 * follows the value's encoding (listpack/intset when compact, else the plain types), lists are
 * quicklists of packed listpack nodes split as list-max-listpack-size -2 (8 KB) splits them.
 */
import { HashValue, ListValue, SetValue, StreamValue, Value, ZSetValue } from '../types/values';
import { ByteWriter } from './bytes';
import { QUICKLIST_NODE_PACKED, RdbType, writeLength, writeString, writeStringBytes } from './format';
import { writeIntset } from './intset';
import { ListpackWriter } from './listpack';
import { canonicalInt64, formatScore } from './numbers';

/** list-max-listpack-size -2: a node's listpack stays within 8 KB. */
const LIST_NODE_MAX_BYTES = 8192;
/** quicklist.c's SIZE_ESTIMATE_OVERHEAD: what it adds to an element's length when estimating. */
const ENTRY_OVERHEAD_ESTIMATE = 8;

/** Thrown for values that have no RDB encoding here yet (streams). */
export class UnsupportedValueError extends Error {}

function writeList(w: ByteWriter, l: ListValue): void {
  const nodes: Buffer[] = [];
  let node: ListpackWriter | null = null;
  const n = l.items.length;
  for (let i = 0; i < n; i++) {
    const item = l.items.at(i);
    if (node !== null && node.size + item.length + ENTRY_OVERHEAD_ESTIMATE > LIST_NODE_MAX_BYTES) {
      nodes.push(node.finish());
      node = null;
    }
    if (node === null) node = new ListpackWriter();
    node.append(item);
  }
  if (node !== null) nodes.push(node.finish());
  w.u8(RdbType.LIST_QUICKLIST_2);
  writeLength(w, nodes.length);
  for (const lp of nodes) {
    writeLength(w, QUICKLIST_NODE_PACKED);
    writeStringBytes(w, lp);
  }
}

function writeSet(w: ByteWriter, s: SetValue): void {
  let intset = s.encoding === 'intset';
  if (intset) for (const m of s.set) if (canonicalInt64(m) === null) intset = false;
  if (intset) {
    w.u8(RdbType.SET_INTSET);
    writeStringBytes(w, writeIntset(s.set));
    return;
  }
  w.u8(RdbType.SET);
  writeLength(w, s.set.size);
  for (const m of s.set) writeString(w, m);
}

function writeHash(w: ByteWriter, h: HashValue): void {
  if (h.compact) {
    const lp = new ListpackWriter();
    for (const [f, v] of h.map) {
      lp.append(f);
      lp.append(v);
    }
    w.u8(RdbType.HASH_LISTPACK);
    writeStringBytes(w, lp.finish());
    return;
  }
  w.u8(RdbType.HASH);
  writeLength(w, h.map.size);
  for (const [f, v] of h.map) {
    writeString(w, f);
    writeString(w, v);
  }
}

function writeZSet(w: ByteWriter, z: ZSetValue): void {
  if (z.compact) {
    const lp = new ListpackWriter();
    for (const [m, score] of z.entries()) {
      lp.append(m);
      lp.append(formatScore(score));
    }
    w.u8(RdbType.ZSET_LISTPACK);
    writeStringBytes(w, lp.finish());
    return;
  }
  // Highest score first, as Redis writes it, so that loading inserts at the skiplist's head.
  w.u8(RdbType.ZSET_2);
  writeLength(w, z.size);
  for (let node = z.last(); node !== null; node = node.prev) {
    writeString(w, node.member);
    w.f64le(node.score);
  }
}

/** Appends the type byte and the object. */
export function writeObject(w: ByteWriter, v: Value): void {
  if (typeof v === 'string') {
    w.u8(RdbType.STRING);
    writeString(w, v);
  } else if (v instanceof ListValue) writeList(w, v);
  else if (v instanceof SetValue) writeSet(w, v);
  else if (v instanceof HashValue) writeHash(w, v);
  else if (v instanceof ZSetValue) writeZSet(w, v);
  else if ((v as StreamValue).kind === 'stream') throw new UnsupportedValueError('stream values have no RDB encoding yet');
  else throw new UnsupportedValueError('unknown value type');
}
