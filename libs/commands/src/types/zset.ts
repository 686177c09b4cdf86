import { encodingLimits } from '../encoding-limits';
/**
 * Sorted set: a member → score map plus a skiplist ordered by (score, member) with spans, so rank
 * and range are O(log n) as in Redis.
 */
const MAX_LEVEL = 32;
const P = 0.25;

/** Redis's zset-max-listpack-entries / zset-max-listpack-value defaults. */

class Node {
  readonly next: (Node | null)[];
  readonly span: number[];
  prev: Node | null = null;
  constructor(
    readonly member: string,
    public score: number,
    level: number,
  ) {
    this.next = new Array<Node | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

function less(score: number, member: string, node: Node): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

export class ZSetValue {
  readonly dict = new Map<string, number>();
  /** false once the set exceeded zset-max-listpack-entries/value (listpack → skiplist). */
  compact = true;
  private readonly head = new Node('', -Infinity, MAX_LEVEL);
  private tail: Node | null = null;
  private level = 1;

  /** A new set encoded as Redis's zsetTypeCreate would pick for the expected size and longest member. */
  static create(sizeHint: number, maxMemberLength: number): ZSetValue {
    const z = new ZSetValue();
    z.compact = sizeHint <= encodingLimits.zsetMaxListpackEntries && maxMemberLength <= encodingLimits.zsetMaxListpackValue;
    return z;
  }

  get size(): number {
    return this.dict.size;
  }

  /** Redis's zsetConvertToListpackIfNeeded, applied to the result of a store command. */
  fitEncoding(maxMemberLength: number): void {
    this.compact = this.size <= encodingLimits.zsetMaxListpackEntries && maxMemberLength <= encodingLimits.zsetMaxListpackValue;
  }

  score(member: string): number | undefined {
    return this.dict.get(member);
  }

  /** Inserts or moves a member. */
  set(member: string, score: number): void {
    const old = this.dict.get(member);
    if (old !== undefined) {
      if (old === score) return; // 0 and -0 are equal: no update, as in Redis
      this.unlink(member, old);
    } else if (this.compact && (this.dict.size + 1 > encodingLimits.zsetMaxListpackEntries || member.length > encodingLimits.zsetMaxListpackValue)) {
      this.compact = false; // one-way, as Redis's listpack → skiplist conversion
    }
    // A listpack stores -0 as the integer 0; a skiplist keeps the double's sign.
    if (score === 0 && this.compact) score = 0;
    this.dict.set(member, score);
    this.insert(member, score);
  }

  delete(member: string): boolean {
    const old = this.dict.get(member);
    if (old === undefined) return false;
    this.dict.delete(member);
    this.unlink(member, old);
    return true;
  }

  /** 0-based rank in ascending order, or undefined. */
  rank(member: string): number | undefined {
    const score = this.dict.get(member);
    if (score === undefined) return undefined;
    let x = this.head;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i];
      while (n && (less(score, member, n) || (n.score === score && n.member === member))) {
        rank += x.span[i];
        x = n;
        n = x.next[i];
      }
      if (x.member === member && x !== this.head) return rank - 1;
    }
    return undefined;
  }

  /** Members with ranks [start, end] (inclusive, already clamped), ascending. */
  *byRank(start: number, end: number): Generator<[string, number]> {
    let n = this.nodeAtRank(start);
    for (let r = start; n && r <= end; r++, n = n.next[0]) yield [n.member, n.score];
  }

  /** Members with ranks [start, end] counted from the highest score, descending. */
  *byRankRev(start: number, end: number): Generator<[string, number]> {
    const size = this.size;
    let n = this.nodeAtRank(size - 1 - start);
    for (let r = start; n && r <= end; r++, n = n.prev) yield [n.member, n.score];
  }

  /**
   * The first node for which `inRange` holds, given that it is false for a prefix of the order and
   * true after it (e.g. "score >= min"); null if it holds for none.
   */
  firstWhere(inRange: (n: Node) => boolean): Node | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i];
      while (n && !inRange(n)) {
        x = n;
        n = x.next[i];
      }
    }
    return x.next[0];
  }

  /** The last node for which `inRange` holds, given that it holds for a prefix of the order. */
  lastWhere(inRange: (n: Node) => boolean): Node | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i];
      while (n && inRange(n)) {
        x = n;
        n = x.next[i];
      }
    }
    return x === this.head ? null : x;
  }

  /** First node whose score is >= score (> with `exclusive`). */
  firstAtOrAbove(score: number, exclusive: boolean): Node | null {
    return this.firstWhere(exclusive ? (n) => n.score > score : (n) => n.score >= score);
  }

  /** Last node whose score is <= score (< with `exclusive`). */
  lastAtOrBelow(score: number, exclusive: boolean): Node | null {
    return this.lastWhere(exclusive ? (n) => n.score < score : (n) => n.score <= score);
  }

  /** First node not ordered before (score, member): where an interrupted walk resumes. */
  firstAtOrAfter(score: number, member: string): Node | null {
    return this.firstWhere((n) => !less(score, member, n));
  }

  first(): Node | null {
    return this.head.next[0];
  }

  last(): Node | null {
    return this.tail;
  }

  /** Rank of a node known to be in the set. */
  rankOfNode(node: Node): number {
    return this.rank(node.member) as number;
  }

  nodeAtRank(rank: number): Node | null {
    if (rank < 0 || rank >= this.size) return null;
    let x = this.head;
    let traversed = 0;
    const target = rank + 1;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && traversed + x.span[i] <= target) {
        traversed += x.span[i];
        x = x.next[i] as Node;
      }
      if (traversed === target) return x;
    }
    return null;
  }

  /** Checks the skiplist against the dict (tests): order, spans, back links, tail. */
  validate(): void {
    const fail = (what: string): never => {
      throw new Error(`zset invariant: ${what}`);
    };
    let count = 0;
    let prev: Node | null = null;
    for (let n = this.head.next[0]; n; n = n.next[0]) {
      if (n.prev !== prev) fail('prev link');
      if (prev && !less(n.score, n.member, prev)) fail('order');
      if (this.dict.get(n.member) !== n.score) fail('dict');
      prev = n;
      count++;
    }
    if (count !== this.dict.size) fail('size');
    if (this.tail !== prev) fail('tail');
    const rankOf = new Map<Node, number>();
    let r = 0;
    for (let n = this.head.next[0]; n; n = n.next[0]) rankOf.set(n, ++r);
    for (let i = 0; i < this.level; i++) {
      let rank = 0;
      for (let x: Node = this.head; ; ) {
        const n = x.next[i];
        if (!n) break; // the span after a level's last node is never read
        const nr = rankOf.get(n) as number;
        if (rank + x.span[i] !== nr) fail(`span at level ${i}`);
        rank = nr;
        x = n;
      }
    }
  }

  *entries(): Generator<[string, number]> {
    for (let n = this.head.next[0]; n; n = n.next[0]) yield [n.member, n.score];
  }

  private randomLevel(): number {
    let l = 1;
    while (l < MAX_LEVEL && Math.random() < P) l++;
    return l;
  }

  private insert(member: string, score: number): void {
    const update = new Array<Node>(MAX_LEVEL);
    const rank = new Array<number>(MAX_LEVEL);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      let n = x.next[i];
      while (n && less(score, member, n)) {
        rank[i] += x.span[i];
        x = n;
        n = x.next[i];
      }
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        this.head.span[i] = this.size - 1; // size already includes the new member
      }
      this.level = level;
    }
    const node = new Node(member, score, level);
    for (let i = 0; i < level; i++) {
      node.next[i] = update[i].next[i];
      update[i].next[i] = node;
      node.span[i] = update[i].span[i] - (rank[0] - rank[i]);
      update[i].span[i] = rank[0] - rank[i] + 1;
    }
    for (let i = level; i < this.level; i++) update[i].span[i]++;
    node.prev = update[0] === this.head ? null : update[0];
    if (node.next[0]) (node.next[0] as Node).prev = node;
    else this.tail = node;
  }

  private unlink(member: string, score: number): void {
    const update = new Array<Node>(MAX_LEVEL);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i];
      while (n && less(score, member, n)) {
        x = n;
        n = x.next[i];
      }
      update[i] = x;
    }
    const node = x.next[0];
    if (!node || node.member !== member) throw new Error('zset: skiplist and dict disagree');
    for (let i = 0; i < this.level; i++) {
      if (update[i].next[i] === node) {
        update[i].span[i] += node.span[i] - 1;
        update[i].next[i] = node.next[i];
      } else {
        update[i].span[i]--;
      }
    }
    if (node.next[0]) (node.next[0] as Node).prev = node.prev;
    else this.tail = node.prev;
    while (this.level > 1 && this.head.next[this.level - 1] === null) this.level--;
  }
}

export type ZSetNode = Node;
