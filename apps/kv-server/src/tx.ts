import { CommandDef, Ctx, fail, NO_KEYS } from '@strata/commands';
import type { Connection, WatchedKey } from './connection';
import type { KvServer } from './server';

/** Anything that watches keys: a WATCHing connection, or an interactive transaction. */
export interface Watcher {
  watched: WatchedKey[];
  watchDirty: boolean;
  /** The first watched key written by someone else, for the error that names it. */
  conflict?: string;
}

function watchKey(db: number, key: string): string {
  return `${db}:${key}`;
}

/** WATCH bookkeeping: which clients watch which keys; a write to a watched key dooms their EXEC. */
export class Watches {
  private readonly byKey = new Map<string, Set<Watcher>>();

  keyWritten(db: number, key: string): void {
    if (this.byKey.size === 0) return;
    const set = this.byKey.get(watchKey(db, key));
    if (!set) return;
    for (const c of set) {
      if (!c.watchDirty) c.conflict = key;
      c.watchDirty = true;
    }
  }

  watch(conn: Watcher, db: number, key: string, expiredAtWatch: boolean): void {
    const k = watchKey(db, key);
    let set = this.byKey.get(k);
    if (!set) this.byKey.set(k, (set = new Set()));
    if (set.has(conn)) return;
    set.add(conn);
    conn.watched.push({ db, key, expiredAtWatch });
  }

  unwatchAll(conn: Watcher): void {
    for (const w of conn.watched) {
      const k = watchKey(w.db, w.key);
      const set = this.byKey.get(k);
      if (!set) continue;
      set.delete(conn);
      if (set.size === 0) this.byKey.delete(k);
    }
    conn.watched = [];
    conn.watchDirty = false;
  }

  /** Redis's isWatchedKeyExpired: a watched key that was live at WATCH and has expired since. */
  expiredSinceWatch(conn: Watcher, server: KvServer): boolean {
    const now = server.keyspace.now;
    for (const w of conn.watched) {
      if (w.expiredAtWatch) continue;
      const e = server.keyspace.dbs[w.db].peekRaw(w.key);
      if (e !== undefined && e.expireAt !== 0 && e.expireAt <= now) {
        conn.conflict = w.key;
        return true;
      }
    }
    return false;
  }
}

const TX_FLAGS: CommandDef['flags'] = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'];

function tx(name: string, arity: number, flags: CommandDef['flags'], handler: CommandDef['handler'], summary: string, since: string, keys = NO_KEYS): CommandDef {
  return { name, arity, flags, keys, acl: ['transaction'], group: 'transactions', since, summary, complexity: 'O(1)', handler };
}

/** MULTI EXEC DISCARD WATCH UNWATCH: they act on the connection, so the server defines them. */
export function transactionCommands(server: KvServer): CommandDef[] {
  const conn = (ctx: Ctx) => ctx.client as Connection;
  return [
    tx('multi', 1, TX_FLAGS, (ctx) => {
      const c = conn(ctx);
      if (c.multi) fail('ERR MULTI calls can not be nested');
      c.multi = { queue: [], aborted: false };
      ctx.out.ok();
    }, 'Starts a transaction.', '1.2.0'),
    tx('exec', 1, ['noscript', 'loading', 'stale', 'skip_slowlog'], (ctx) => server.dispatcher.exec(conn(ctx)), 'Executes all commands in a transaction.', '1.2.0'),
    tx('discard', 1, TX_FLAGS, (ctx) => {
      const c = conn(ctx);
      if (!c.multi) fail('ERR DISCARD without MULTI');
      server.dispatcher.discardTransaction(c);
      ctx.out.ok();
    }, 'Discards a transaction.', '2.0.0'),
    tx('watch', -2, TX_FLAGS, (ctx, argv) => {
      const c = conn(ctx);
      if (c.multi) fail('ERR WATCH inside MULTI is not allowed');
      for (let i = 1; i < argv.length; i++) {
        const e = ctx.db.peekRaw(argv[i]);
        server.watches.watch(c, c.db, argv[i], e !== undefined && e.expireAt !== 0 && e.expireAt <= server.keyspace.now);
      }
      ctx.out.ok();
    }, 'Monitors changes to keys to determine the execution of a transaction.', '2.2.0', { first: 1, last: -1, step: 1 }),
    tx('unwatch', 1, TX_FLAGS, (ctx) => {
      server.watches.unwatchAll(conn(ctx));
      ctx.out.ok();
    }, 'Forgets about watched keys of a transaction.', '2.2.0'),
  ];
}
