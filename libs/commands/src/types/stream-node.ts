/**
 * One node of a stream: a run of consecutive entries, as one listpack under a rax key in Redis.
 * The node boundaries are kept as Redis keeps them (stream-node-max-entries 100,
 * stream-node-max-bytes 4096 measured in listpack bytes) because they are visible: `~` trimming
 * removes only whole nodes, and XINFO STREAM reports the node count.
 *
 * Deleted entries stay as tombstones (their fields dropped) until their node goes, as in Redis:
 * they still count towards the node's capacity and MINID trimming looks at them.
 */
import { parseInt64 } from '../args';
import type { StreamId } from './stream-id';

/** Redis's defaults for stream-node-max-entries and stream-node-max-bytes. */
export const STREAM_NODE_MAX_ENTRIES = 100;
export const STREAM_NODE_MAX_BYTES = 4096;

const U64_MASK = (1n << 64n) - 1n;

/** Bytes of a listpack element's encoding plus its back-length. */
function withBacklen(l: number): number {
  return l + (l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5);
}

function intBytes(v: number | bigint): number {
  const n = typeof v === 'bigint' ? v : BigInt(v);
  const enc = n >= 0n && n <= 127n ? 1
    : n >= -4096n && n <= 4095n ? 2
    : n >= -32768n && n <= 32767n ? 3
    : n >= -8388608n && n <= 8388607n ? 4
    : n >= -2147483648n && n <= 2147483647n ? 5 : 9;
  return withBacklen(enc);
}

/** lpAppend of a string: integers in string2ll form are stored as integers. */
function strBytes(s: string): number {
  if (s.length > 0 && s.length <= 20) {
    const n = parseInt64(s);
    if (n !== null) return intBytes(n);
  }
  const l = s.length;
  return withBacklen(l <= 63 ? 1 + l : l <= 4095 ? 2 + l : 5 + l);
}

/** Entry ID deltas are stored as int64, so a smaller seq wraps to a negative delta. */
function deltaBytes(a: bigint, b: bigint): number {
  return intBytes(BigInt.asIntN(64, (a - b) & U64_MASK));
}

export class StreamNode {
  /** Every entry ever added to the node, tombstones included, ascending. */
  readonly ids: StreamId[] = [];
  /** field, value, field, value ... per entry; null for a tombstone. */
  readonly fields: (readonly string[] | null)[] = [];
  live = 0;
  deleted = 0;
  /** Listpack bytes of everything but the live/deleted counters. */
  private bytesWithoutCounters: number;

  /** `master` is the ID of the node's first entry (its rax key), `masterFields` that entry's fields. */
  constructor(
    readonly master: StreamId,
    readonly masterFields: readonly string[],
  ) {
    // header (6) + terminator (1) + num-fields + master field names + master terminator 0
    let b = 7 + intBytes(masterFields.length) + intBytes(0);
    for (const f of masterFields) b += strBytes(f);
    this.bytesWithoutCounters = b;
  }

  /** lpBytes of the node as Redis would have it. */
  get bytes(): number {
    return this.bytesWithoutCounters + intBytes(this.live) + intBytes(this.deleted);
  }

  /** Whether Redis would open a new node for an entry whose strings total `payloadBytes`. */
  isFull(payloadBytes: number): boolean {
    return this.bytes + payloadBytes >= STREAM_NODE_MAX_BYTES || this.live + this.deleted >= STREAM_NODE_MAX_ENTRIES;
  }

  /** Appends an entry; `pairs` is field, value, ... and is kept (never mutated afterwards). */
  append(id: StreamId, pairs: readonly string[]): void {
    const m = this.master;
    const masterMs = m >> 64n;
    const masterSeq = m & U64_MASK;
    const nf = pairs.length / 2;
    let same = nf === this.masterFields.length;
    for (let i = 0; same && i < nf; i++) same = pairs[2 * i] === this.masterFields[i];
    // flags, ms delta, seq delta, [num-fields, fields], values, lp-count
    let b = intBytes(same ? 2 : 0) + deltaBytes(id >> 64n, masterMs) + deltaBytes(id & U64_MASK, masterSeq);
    if (!same) b += intBytes(nf);
    for (let i = 0; i < pairs.length; i++) if (!same || (i & 1) === 1) b += strBytes(pairs[i]);
    b += intBytes(same ? nf + 3 : 2 * nf + 4);
    this.bytesWithoutCounters += b;
    this.ids.push(id);
    this.fields.push(pairs);
    this.live++;
  }

  /** Marks entry i deleted; its flag keeps its one-byte size. */
  tombstone(i: number): void {
    this.fields[i] = null;
    this.live--;
    this.deleted++;
  }

  /** Index of the first entry (tombstone or not) with id >= target, or ids.length. */
  lowerBound(target: StreamId): number {
    const ids = this.ids;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get lastId(): StreamId {
    return this.ids[this.ids.length - 1];
  }

  clone(): StreamNode {
    const c = new StreamNode(this.master, this.masterFields);
    c.ids.push(...this.ids);
    c.fields.push(...this.fields);
    c.live = this.live;
    c.deleted = this.deleted;
    c.bytesWithoutCounters = this.bytesWithoutCounters;
    return c;
  }
}
