/**
 * A stream: entries ordered by ID in nodes of up to 100 entries (see stream-node.ts), plus the
 * consumer groups.
 *
 * Complexity: append O(1) amortized (push onto the tail node, or a new node); lookup and seek by
 * ID O(log n) (binary search over the nodes' first IDs, then within a node); removing a whole node
 * (trimming, or XDEL of a node's last live entry) splices the node array, O(n/100).
 */
import { ID_MAX, ID_ZERO, StreamId } from './stream-id';
import { ConsumerGroup, ENTRIES_READ_INVALID } from './stream-group';
import { StreamNode } from './stream-node';

export type StreamEntry = [id: StreamId, pairs: readonly string[]];

export interface TrimSpec {
  strategy: 'maxlen' | 'minid';
  maxlen: number;
  minid: StreamId;
  approx: boolean;
  /** 0 = no limit on the entries removed. */
  limit: number;
}

export class StreamValue {
  readonly kind = 'stream';
  nodes: StreamNode[] = [];
  /** Live entries. */
  length = 0;
  lastId: StreamId = ID_ZERO;
  /** recorded-first-entry-id: the first live entry's ID, 0-0 when empty. */
  firstId: StreamId = ID_ZERO;
  maxDeletedId: StreamId = ID_ZERO;
  entriesAdded = 0;
  /** By name; XINFO lists them bytewise-sorted (see sortedGroups). */
  readonly groups = new Map<string, ConsumerGroup>();

  /** Adds an entry whose ID the caller has checked is above lastId. */
  append(id: StreamId, pairs: readonly string[]): void {
    let tail: StreamNode | undefined = this.nodes[this.nodes.length - 1];
    if (tail !== undefined) {
      let payload = 0;
      for (const s of pairs) payload += s.length;
      if (tail.isFull(payload)) tail = undefined;
    }
    if (tail === undefined) {
      const names: string[] = [];
      for (let i = 0; i < pairs.length; i += 2) names.push(pairs[i]);
      tail = new StreamNode(id, names);
      this.nodes.push(tail);
    }
    tail.append(id, pairs);
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /** Index of the node that would hold id: the last node whose first ID is <= id (or 0). */
  private nodeFor(id: StreamId): number {
    const nodes = this.nodes;
    let lo = 0;
    let hi = nodes.length - 1;
    if (hi < 0 || id < nodes[0].master) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (nodes[mid].master <= id) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The fields of a live entry, or undefined. */
  get(id: StreamId): readonly string[] | undefined {
    const node = this.nodes[this.nodeFor(id)];
    if (node === undefined) return undefined;
    const i = node.lowerBound(id);
    return node.ids[i] === id ? (node.fields[i] ?? undefined) : undefined;
  }

  /** Live entries with start <= id <= end, ascending (or descending when rev). */
  *range(start: StreamId, end: StreamId, rev = false): Generator<StreamEntry> {
    if (start > end || this.length === 0) return;
    const nodes = this.nodes;
    if (!rev) {
      let n = this.nodeFor(start);
      let i = nodes[n].lowerBound(start);
      for (; n < nodes.length; n++, i = 0) {
        const node = nodes[n];
        for (; i < node.ids.length; i++) {
          const id = node.ids[i];
          if (id > end) return;
          const f = node.fields[i];
          if (f !== null) yield [id, f];
        }
      }
    } else {
      let n = this.nodeFor(end);
      let i = nodes[n].lowerBound(end);
      if (i === nodes[n].ids.length || nodes[n].ids[i] > end) i--;
      for (; n >= 0; n--, i = n >= 0 ? nodes[n].ids.length - 1 : 0) {
        const node = nodes[n];
        for (; i >= 0; i--) {
          const id = node.ids[i];
          if (id < start) return;
          const f = node.fields[i];
          if (f !== null) yield [id, f];
        }
      }
    }
  }

  /** The first (or last) live entry's ID; with tombstones, the first (or last) stored one. */
  edgeId(first: boolean, skipTombstones: boolean): StreamId | undefined {
    const nodes = this.nodes;
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[first ? k : nodes.length - 1 - k];
      for (let j = 0; j < node.ids.length; j++) {
        const i = first ? j : node.ids.length - 1 - j;
        if (!skipTombstones || node.fields[i] !== null) return node.ids[i];
      }
    }
    return undefined;
  }

  /** streamLastValidID: the last live entry's ID, or 0-0. */
  lastValidId(): StreamId {
    return this.edgeId(false, true) ?? ID_ZERO;
  }

  /** Deletes a live entry (XDEL); a node left without live entries goes. */
  delete(id: StreamId): boolean {
    const n = this.nodeFor(id);
    const node = this.nodes[n];
    if (node === undefined) return false;
    const i = node.lowerBound(id);
    if (node.ids[i] !== id || node.fields[i] === null) return false;
    if (node.live === 1) this.nodes.splice(n, 1);
    else node.tombstone(i);
    this.length--;
    return true;
  }

  /** streamTrim: removes entries from the head; returns how many. */
  trim(t: TrimSpec): number {
    let deleted = 0;
    let removeNodes = 0;
    const nodes = this.nodes;
    for (let n = 0; n < nodes.length; n++) {
      if (t.strategy === 'maxlen' && this.length <= t.maxlen) break;
      const node = nodes[n];
      const entries = node.live;
      if (t.limit !== 0 && deleted + entries > t.limit) break;
      const whole = t.strategy === 'maxlen' ? this.length - entries >= t.maxlen : node.lastId < t.minid;
      if (whole) {
        removeNodes++;
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (t.approx) break;
      for (let i = 0; i < node.ids.length; i++) {
        const stop = t.strategy === 'maxlen' ? this.length <= t.maxlen : node.ids[i] >= t.minid;
        if (stop) break;
        if (node.fields[i] !== null) {
          node.tombstone(i);
          this.length--;
          deleted++;
        }
      }
      break;
    }
    if (removeNodes > 0) nodes.splice(0, removeNodes);
    this.firstId = this.length === 0 ? ID_ZERO : (this.edgeId(true, true) as StreamId);
    return deleted;
  }

  /** The first ID stored, tombstones included, or the maximum ID when empty (streamGetEdgeID). */
  firstStoredIdOrMax(): StreamId {
    return this.edgeId(true, false) ?? ID_MAX;
  }

  sortedGroups(): [string, ConsumerGroup][] {
    return [...this.groups].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /**
   * streamEstimateDistanceFromFirstEverEntry: the logical read counter of id (how many entries
   * were added up to it), or ENTRIES_READ_INVALID when deletions make it unknowable.
   */
  estimateEntriesRead(id: StreamId): number {
    if (this.entriesAdded === 0) return 0;
    if (this.length === 0 && id <= this.lastId) return this.entriesAdded;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return ENTRIES_READ_INVALID;
    if (this.maxDeletedId === ID_ZERO || this.maxDeletedId < this.firstId) {
      if (id < this.firstId) return this.entriesAdded - this.length;
      if (id === this.firstId) return this.entriesAdded - this.length + 1;
    }
    return ENTRIES_READ_INVALID;
  }

  /** streamRangeHasTombstones: whether a deleted entry may lie in [start, end]. */
  rangeHasTombstones(start: StreamId, end: StreamId = ID_MAX): boolean {
    if (this.length === 0 || this.maxDeletedId === ID_ZERO) return false;
    if (this.firstId > this.maxDeletedId) return false;
    return start <= this.maxDeletedId && this.maxDeletedId <= end;
  }

  /** The group's lag (XINFO), or null when it cannot be known. */
  lag(g: ConsumerGroup): number | null {
    if (this.entriesAdded === 0) return 0;
    if (g.entriesRead !== ENTRIES_READ_INVALID && !this.rangeHasTombstones(g.lastId)) return this.entriesAdded - g.entriesRead;
    const read = this.estimateEntriesRead(g.lastId);
    return read === ENTRIES_READ_INVALID ? null : this.entriesAdded - read;
  }

  /** The number of nodes of Redis's radix tree (rax numnodes) holding these node keys. */
  raxNodeCount(): number {
    const keys = this.nodes.map((n) => raxKey(n.master));
    if (keys.length === 0) return 1;
    return countRaxNodes(keys, 0, keys.length, 0, false);
  }

  /**
   * Redis's order of magnitude for MEMORY USAGE: the stream struct and rax, each node's listpack
   * bytes plus its rax node, and per group and consumer their structs, with 16-byte rax keys and a
   * NACK (32 bytes) per pending entry in the group PEL plus the consumer PEL's key.
   */
  memoryEstimate(): number {
    let bytes = 64 + 24 * this.raxNodeCount();
    for (const n of this.nodes) bytes += n.bytes + 16;
    for (const [name, g] of this.groups) {
      bytes += 64 + name.length + g.pel.size * (16 + 32 + 16);
      for (const c of g.consumers.values()) bytes += 48 + c.name.length;
    }
    return bytes;
  }

  clone(): StreamValue {
    const c = new StreamValue();
    c.nodes = this.nodes.map((n) => n.clone());
    c.length = this.length;
    c.lastId = this.lastId;
    c.firstId = this.firstId;
    c.maxDeletedId = this.maxDeletedId;
    c.entriesAdded = this.entriesAdded;
    for (const [name, g] of this.groups) c.groups.set(name, g.clone());
    return c;
  }
}

/** The 16 big-endian bytes Redis uses as the rax key of a node. */
function raxKey(id: StreamId): number[] {
  const bytes = new Array<number>(16);
  let v = id;
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return bytes;
}

/**
 * Nodes of a compressed radix tree of equal-length sorted keys: the root, every key, every
 * branching position and every child of a branching position (runs between them are compressed).
 */
function countRaxNodes(keys: number[][], lo: number, hi: number, depth: number, parentBranches: boolean): number {
  if (depth === 16) return 1;
  const groups: [number, number][] = [];
  for (let i = lo; i < hi; ) {
    let j = i + 1;
    while (j < hi && keys[j][depth] === keys[i][depth]) j++;
    groups.push([i, j]);
    i = j;
  }
  const branches = groups.length > 1;
  let count = depth === 0 || parentBranches || branches ? 1 : 0;
  for (const [a, b] of groups) count += countRaxNodes(keys, a, b, depth + 1, branches);
  return count;
}
