/**
 * Consumer groups: a group's last-delivered ID and read counter, its consumers, and the pending
 * entries lists (PEL) of the group and of each consumer, which share one Nack per entry.
 */
import type { StreamId } from './stream-id';

/** Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown. */
export const ENTRIES_READ_INVALID = -1;

/** A delivered, not yet acknowledged entry. */
export class Nack {
  constructor(
    /** ms since the epoch of the last delivery. */
    public deliveryTime: number,
    public deliveryCount: number,
    /** null only transiently, for an entry XCLAIM FORCE is creating. */
    public consumer: Consumer | null,
  ) {}
}

/**
 * IDs in ascending order with their Nacks. Lookup O(1) (map) and seek O(log n) (binary search);
 * insertion and removal splice the sorted array, O(1) at its ends (the usual case: new entries
 * are delivered in ID order and acknowledged oldest first) and O(n) in the middle.
 */
export class PendingList {
  private readonly order: StreamId[] = [];
  private readonly byId = new Map<StreamId, Nack>();

  get size(): number {
    return this.order.length;
  }

  get(id: StreamId): Nack | undefined {
    return this.byId.get(id);
  }

  /** Adds id unless present; returns whether it was added. */
  insert(id: StreamId, nack: Nack): boolean {
    if (this.byId.has(id)) return false;
    this.byId.set(id, nack);
    const o = this.order;
    if (o.length === 0 || o[o.length - 1] < id) o.push(id);
    else o.splice(this.lowerBound(id), 0, id);
    return true;
  }

  delete(id: StreamId): boolean {
    if (!this.byId.delete(id)) return false;
    const o = this.order;
    if (o[0] === id) o.shift();
    else o.splice(this.lowerBound(id), 1);
    return true;
  }

  /** Index of the first id >= target. */
  lowerBound(target: StreamId): number {
    const o = this.order;
    let lo = 0;
    let hi = o.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (o[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The id at a position (from lowerBound); undefined past the end. */
  at(i: number): StreamId | undefined {
    return this.order[i];
  }

  first(): StreamId | undefined {
    return this.order[0];
  }

  last(): StreamId | undefined {
    return this.order[this.order.length - 1];
  }

  *entries(): Generator<[StreamId, Nack]> {
    for (const id of this.order) yield [id, this.byId.get(id) as Nack];
  }
}

export class Consumer {
  readonly pel = new PendingList();
  constructor(
    readonly name: string,
    /** ms since the epoch of the last interaction (XINFO's idle and seen-time). */
    public seenTime: number,
  ) {}
}

export class ConsumerGroup {
  readonly pel = new PendingList();
  readonly consumers = new Map<string, Consumer>();
  constructor(
    public lastId: StreamId,
    /** Entries the group has read in the stream's logical order, or ENTRIES_READ_INVALID. */
    public entriesRead: number,
  ) {}

  /** Consumers in Redis's rax order (bytewise by name). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Removes a consumer and its pending entries from the group PEL too (XGROUP DELCONSUMER). */
  deleteConsumer(c: Consumer): void {
    for (const [id] of c.pel.entries()) this.pel.delete(id);
    this.consumers.delete(c.name);
  }

  /** A deep copy: Nacks are copied once and shared by the copies of both lists. */
  clone(): ConsumerGroup {
    const g = new ConsumerGroup(this.lastId, this.entriesRead);
    const copies = new Map<Consumer, Consumer>();
    for (const c of this.consumers.values()) {
      const cc = new Consumer(c.name, c.seenTime);
      copies.set(c, cc);
      g.consumers.set(cc.name, cc);
    }
    for (const [id, n] of this.pel.entries()) {
      const owner = n.consumer === null ? null : (copies.get(n.consumer) as Consumer);
      const copy = new Nack(n.deliveryTime, n.deliveryCount, owner);
      g.pel.insert(id, copy);
      owner?.pel.insert(id, copy);
    }
    return g;
  }
}
