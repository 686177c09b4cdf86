/**
 * The member log of a large hash or set: what HSCAN/SSCAN cursors and random picks (HRANDFIELD,
 * SRANDMEMBER, SPOP) walk, since a JS Map/Set has neither stable positions nor random access.
 *
 * Cursor scheme. Every member gets a sequence number when it is added (numbers start at 1, only
 * grow, and are never reused). The log keeps the members in sequence order; a member that is
 * removed stays in the log as a dead entry (readers skip entries whose member is not in the
 * object), and a member removed and added again gets a second entry. A cursor is the sequence
 * number to resume from, so it stays valid however the object changes: a member present for the
 * whole scan has an entry that is neither moved nor renumbered, and the scan reaches it exactly
 * once (a member re-added during the scan may come twice, which SCAN allows). Compaction drops
 * dead entries and later duplicates (keeping the earliest live entry of each member) but keeps
 * the sequence numbers of what remains, so outstanding cursors keep their meaning.
 *
 * The log is built on first need (a scan or random pick on a large object) and from then on the
 * mutation helpers of hashes.ts and sets.ts keep it: every member added to an object that has a
 * log must be reported with `added`, every removal with `removed`.
 */
export class MemberLog {
  private members: string[] = [];
  /** seqs[i] is the sequence number of members[i], strictly increasing. */
  private seqs: number[] = [];
  private nextSeq = 1;

  constructor(
    initial: Iterable<string>,
    /** Whether the member is still in the object. */
    private readonly has: (member: string) => boolean,
  ) {
    for (const m of initial) this.added(m);
  }

  get length(): number {
    return this.members.length;
  }

  added(member: string): void {
    this.members.push(member);
    this.seqs.push(this.nextSeq++);
  }

  /** After a removal: compacts once dead entries outnumber live ones (amortised O(1)). */
  removed(liveSize: number): void {
    if (this.members.length > 2 * liveSize + 32) this.compact();
  }

  /**
   * Visits entries from `cursor` until `count` live members were emitted (or 10 × count entries
   * were examined, like Redis's empty-bucket limit); returns the next cursor, 0 at the end.
   */
  scan(cursor: number, count: number, emit: (member: string) => void): number {
    const n = this.members.length;
    let i = this.lowerBound(cursor);
    let emitted = 0;
    for (let examined = 0; i < n && emitted < count && examined < count * 10; examined++, i++) {
      const m = this.members[i];
      if (this.has(m)) {
        emit(m);
        emitted++;
      }
    }
    return i >= n ? 0 : this.seqs[i];
  }

  /** A random live member (the caller checked the object is not empty). */
  random(): string {
    const n = this.members.length;
    // Compaction keeps at least a third of the entries live: a handful of tries almost always hits.
    for (let tries = 0; tries < 64; tries++) {
      const m = this.members[(Math.random() * n) | 0];
      if (this.has(m)) return m;
    }
    this.compact();
    return this.members[(Math.random() * this.members.length) | 0];
  }

  private compact(): void {
    const seen = new Set<string>();
    let w = 0;
    for (let r = 0; r < this.members.length; r++) {
      const m = this.members[r];
      if (!this.has(m) || seen.has(m)) continue;
      seen.add(m);
      this.members[w] = m;
      this.seqs[w] = this.seqs[r];
      w++;
    }
    this.members.length = w;
    this.seqs.length = w;
  }

  /** Index of the first entry whose sequence number is >= seq. */
  private lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
