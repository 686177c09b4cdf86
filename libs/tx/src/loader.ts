import { SLOT_COUNT } from '@strata/cluster';
import { decodeValue, encodingLimits, type Keyspace } from '@strata/commands';
import type { StorageAdapter } from '@strata/store';
import type { Logger } from '@strata/telemetry';
import type { HybridClock } from './clock';
import { tableName } from './checkpointer';
import type { DirtyTracker } from './dirty';

export interface LoadProgress {
  loaded: number;
  /** Stored already expired: left out. */
  expired: number;
  /** Stored bytes that do not decode: left out and logged. */
  undecodable: number;
  /** Highest commitTs seen. */
  maxTs: number;
}

export interface LoadOptions {
  keyspace: Keyspace;
  adapter: StorageAdapter;
  clock: HybridClock;
  tracker: DirtyTracker;
  log: Logger;
  pageSize?: number;
  /** Called after each page (INFO shows the count while loading). */
  onProgress?: (p: LoadProgress) => void;
}

/**
 * Loads every stored key into the keyspace: every table db0..db<n-1>, all slots, page by page
 * (each page is an await, so the server answers -LOADING meanwhile). The installed keys are not
 * dirty: they are what the store holds. The clock moves above the highest commitTs seen.
 *
 * This is the data store stage's simplification: the whole dataset is resident. The cold-data
 * stage replaces it by fetching keys on demand per slot (the dispatcher's fetch of missing keys,
 * per-slot fully-resident flags) and loads nothing up front.
 */
export async function loadAll(o: LoadOptions): Promise<LoadProgress> {
  const p: LoadProgress = { loaded: 0, expired: 0, undecodable: 0, maxTs: 0 };
  const limit = o.pageSize ?? 1000;
  let lastLog = Date.now();
  o.tracker.suspended = true;
  try {
    for (let dbIndex = 0; dbIndex < o.keyspace.dbs.length; dbIndex++) {
      const db = o.keyspace.dbs[dbIndex];
      let cursor: Buffer | undefined;
      do {
        const page = await o.adapter.scan({ table: tableName(dbIndex), slotFrom: 0, slotTo: SLOT_COUNT - 1, cursor, limit });
        cursor = page.cursor;
        const now = Date.now();
        for (const item of page.items) {
          if (item.commitTs > p.maxTs) p.maxTs = item.commitTs;
          if (item.expireAt !== 0 && item.expireAt <= now) {
            p.expired++;
            continue;
          }
          const key = item.key.toString('latin1');
          let value;
          try {
            value = decodeValue(item.value, encodingLimits);
          } catch (e) {
            p.undecodable++;
            o.log.error('stored value does not decode; key left out', { db: dbIndex, key, error: (e as Error).message });
            continue;
          }
          const e = db.set(key, value);
          if (item.expireAt !== 0) db.setExpire(key, e, item.expireAt);
          p.loaded++;
        }
        o.onProgress?.(p);
        if (Date.now() - lastLog >= 1000) {
          lastLog = Date.now();
          o.log.info('loading', { db: dbIndex, keys: p.loaded });
        }
      } while (cursor !== undefined);
    }
  } finally {
    o.tracker.suspended = false;
  }
  o.clock.observe(p.maxTs);
  return p;
}
