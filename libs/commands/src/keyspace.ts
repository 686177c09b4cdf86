import { keySlot, SLOT_COUNT } from '@strata/cluster';
import { Value } from './types/values';

/** One key's object: the value plus what expiry, WATCH, checkpoints and eviction need. */
export class Entry {
  /** ms since the epoch; 0 = no expiry. */
  expireAt = 0;
  /** From the keyspace's write counter: changes on every write (interactive transactions, checkpoints). */
  version: number;
  /** LRU clock in seconds at the last access (OBJECT IDLETIME, eviction). */
  lru: number;
  /** Redis's LFU counter, kept for OBJECT FREQ. */
  freq = 5;
  constructor(
    public value: Value,
    version: number,
    lru: number,
  ) {
    this.version = version;
    this.lru = lru;
  }
}

/** What the keyspace tells the layers around it; the server wires WATCH, notifications, the WAL. */
export interface KeyspaceObserver {
  /** A key of db was written or deleted (Redis's signalModifiedKey). */
  modified(db: number, key: string): void;
  /** A key expired on access or in the active cycle; it has already been removed. */
  expired(db: number, key: string): void;
  /**
   * The whole of db was emptied (FLUSHDB, FLUSHALL), after modified() was called for its keys: a
   * data store clears the table in O(1) instead of writing a tombstone per key.
   */
  onFlush?(db: number): void;
  /** Databases a and b exchanged their data (SWAPDB): a data store swaps the two tables. */
  onSwap?(a: number, b: number): void;
}

const NO_OBSERVER: KeyspaceObserver = { modified() {}, expired() {} };

/** The data of one database; swapped whole by SWAPDB. */
class DbData {
  /** Keys per cluster slot, created on first use: SCAN walks slots, slot moves take one map. */
  readonly slots: (Map<string, Entry> | undefined)[] = new Array(SLOT_COUNT);
  size = 0;
  /** Keys that have an expiry, for the active expire cycle and INFO keyspace. */
  readonly volatile = new Map<string, Entry>();
}

/**
 * One database of one shard. Handlers read and write through it so that every write is seen by
 * WATCH, keyspace notifications and (later) the write-ahead log.
 */
export class Db {
  private data = new DbData();

  constructor(
    readonly index: number,
    private readonly ks: Keyspace,
  ) {}

  get size(): number {
    return this.data.size;
  }

  get volatileCount(): number {
    return this.data.volatile.size;
  }

  /** Looks a key up for reading or writing: expires it lazily, updates its LRU clock. */
  get(key: string): Entry | undefined {
    const map = this.data.slots[keySlot(key)];
    if (map === undefined) return undefined;
    const e = map.get(key);
    if (e === undefined) return undefined;
    if (e.expireAt !== 0 && e.expireAt <= this.ks.now) {
      if (this.ks.expiryPaused) return e;
      this.removeExpired(map, key, e);
      return undefined;
    }
    if (!this.ks.noTouch) e.lru = this.ks.lruClock;
    return e;
  }

  /** Like get, but leaves the LRU clock alone (OBJECT, TYPE-free inspection, TTL). */
  peek(key: string): Entry | undefined {
    const map = this.data.slots[keySlot(key)];
    const e = map?.get(key);
    if (e === undefined) return undefined;
    if (e.expireAt !== 0 && e.expireAt <= this.ks.now && !this.ks.expiryPaused) {
      this.removeExpired(map as Map<string, Entry>, key, e);
      return undefined;
    }
    return e;
  }

  /** The entry as stored, expired or not, with no side effect (WATCH bookkeeping). */
  peekRaw(key: string): Entry | undefined {
    return this.data.slots[keySlot(key)]?.get(key);
  }

  has(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /** Sets a key's value; the expiry is cleared unless keepTtl. Returns the entry. */
  set(key: string, value: Value, keepTtl = false): Entry {
    const slot = keySlot(key);
    let map = this.data.slots[slot];
    if (map === undefined) map = this.data.slots[slot] = new Map();
    let e = map.get(key);
    if (e === undefined) {
      e = new Entry(value, this.ks.nextVersion(), this.ks.lruClock);
      map.set(key, e);
      this.data.size++;
    } else {
      if (e.expireAt !== 0 && e.expireAt <= this.ks.now && !this.ks.expiryPaused) keepTtl = false;
      e.value = value;
      e.version = this.ks.nextVersion();
      e.lru = this.ks.lruClock;
      if (!keepTtl && e.expireAt !== 0) {
        e.expireAt = 0;
        this.data.volatile.delete(key);
      }
    }
    this.ks.observer.modified(this.index, key);
    return e;
  }

  /** Records an in-place change of a key's value (LPUSH onto an existing list, HSET, ...). */
  written(key: string, e: Entry): void {
    e.version = this.ks.nextVersion();
    this.ks.observer.modified(this.index, key);
  }

  delete(key: string): boolean {
    const map = this.data.slots[keySlot(key)];
    if (map === undefined) return false;
    const e = map.get(key);
    if (e === undefined) return false;
    map.delete(key);
    this.data.size--;
    if (e.expireAt !== 0) this.data.volatile.delete(key);
    const live = e.expireAt === 0 || e.expireAt > this.ks.now;
    this.ks.observer.modified(this.index, key);
    return live;
  }

  /** Sets (at > 0) or clears (at = 0) a key's expiry; the caller has checked that the key exists. */
  setExpire(key: string, e: Entry, at: number): void {
    e.expireAt = at;
    if (at === 0) this.data.volatile.delete(key);
    else this.data.volatile.set(key, e);
    this.written(key, e);
  }

  /** Every live key, slot by slot. */
  *keys(): Generator<string> {
    const now = this.ks.now;
    for (const map of this.data.slots) {
      if (map === undefined) continue;
      for (const [k, e] of map) if (e.expireAt === 0 || e.expireAt > now) yield k;
    }
  }

  /** The keys of one slot (SCAN's unit of work). */
  slotKeys(slot: number): Map<string, Entry> | undefined {
    return this.data.slots[slot];
  }

  /** A random live key, or undefined. */
  randomKey(): string | undefined {
    for (let tries = 0; tries < 100 && this.data.size > 0; tries++) {
      const start = (Math.random() * SLOT_COUNT) | 0;
      for (let s = 0; s < SLOT_COUNT; s++) {
        const map = this.data.slots[(start + s) & (SLOT_COUNT - 1)];
        if (map === undefined || map.size === 0) continue;
        let i = (Math.random() * map.size) | 0;
        for (const [k] of map) {
          if (i-- > 0) continue;
          const e = this.peek(k);
          if (e !== undefined) return k;
          break;
        }
        break;
      }
    }
    return undefined;
  }

  /** Removes everything; returns how many keys there were. */
  flush(): number {
    const n = this.data.size;
    const keys = n > 0 ? [...this.keysIncludingExpired()] : [];
    this.data = new DbData();
    for (const k of keys) this.ks.observer.modified(this.index, k);
    this.ks.observer.onFlush?.(this.index);
    return n;
  }

  swapWith(other: Db): void {
    const d = this.data;
    this.data = other.data;
    other.data = d;
    this.ks.observer.onSwap?.(this.index, other.index);
  }

  /** Runs one step of the active expire cycle on up to `budget` volatile keys; returns expired count. */
  expireSome(budget: number): { sampled: number; expired: number } {
    let sampled = 0;
    let expired = 0;
    const now = this.ks.now;
    const vol = this.data.volatile;
    let it = this.ks.cursorFor(this.index, vol);
    while (sampled < budget) {
      let r = it.next();
      if (r.done) {
        it = this.ks.resetCursor(this.index, vol);
        r = it.next();
        if (r.done) break;
      }
      sampled++;
      const [key, e] = r.value;
      if (e.expireAt !== 0 && e.expireAt <= now) {
        const map = this.data.slots[keySlot(key)];
        if (map !== undefined && map.get(key) === e) {
          this.removeExpired(map, key, e);
          expired++;
        } else vol.delete(key);
      }
    }
    return { sampled, expired };
  }

  private *keysIncludingExpired(): Generator<string> {
    for (const map of this.data.slots) if (map !== undefined) yield* map.keys();
  }

  private removeExpired(map: Map<string, Entry>, key: string, e: Entry): void {
    map.delete(key);
    this.data.size--;
    if (e.expireAt !== 0) this.data.volatile.delete(key);
    this.ks.observer.expired(this.index, key);
    this.ks.observer.modified(this.index, key);
  }
}

/** All databases of one shard, plus the clocks every command reads. */
export class Keyspace {
  readonly dbs: Db[];
  observer: KeyspaceObserver = NO_OBSERVER;
  /** The time commands see: set once per dispatched command (scripts see one time). */
  now = Date.now();
  /** LRU clock, seconds. */
  lruClock = Math.floor(Date.now() / 1000);
  /** Set while a client with CLIENT NO-TOUCH runs a command. */
  noTouch = false;
  /** Set while loading or in a replica: keys are not expired on access. */
  expiryPaused = false;
  private version = 0;
  private readonly expireCursors = new Map<number, { map: Map<string, Entry>; it: Iterator<[string, Entry]> }>();

  constructor(databases: number) {
    this.dbs = Array.from({ length: databases }, (_, i) => new Db(i, this));
  }

  nextVersion(): number {
    return ++this.version;
  }

  tick(nowMs: number): void {
    this.now = nowMs;
    this.lruClock = Math.floor(nowMs / 1000);
  }

  /** A persistent iterator over a db's volatile keys, so the active cycle resumes where it stopped. */
  cursorFor(db: number, map: Map<string, Entry>): Iterator<[string, Entry]> {
    const c = this.expireCursors.get(db);
    if (c !== undefined && c.map === map) return c.it;
    return this.resetCursor(db, map);
  }

  resetCursor(db: number, map: Map<string, Entry>): Iterator<[string, Entry]> {
    const it = map.entries();
    this.expireCursors.set(db, { map, it });
    return it;
  }

  get totalKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }
}
