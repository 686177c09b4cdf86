import { cloneValue, CommandDef, Ctx, fail, Keyspace, NO_KEYS, type Command, type NotifyClass } from '@strata/commands';
import type { Connection, WatchedKey } from './connection';
import type { KvServer } from './server';
import type { Watcher } from './tx';

/**
 * An interactive transaction (EloqKV's BEGIN ... COMMIT | ROLLBACK), with optimistic concurrency.
 *
 * Each command runs at once, against a private copy of the keys it names (copied from the
 * database the first time the transaction touches them), so the transaction sees its own writes
 * and nobody else sees them. Every touched key is watched: COMMIT fails, applying nothing, if
 * another client wrote one of them (or it expired) since the transaction first touched it;
 * otherwise the transaction's writes are applied in one step, which the single-threaded event
 * loop makes atomic.
 *
 * Isolation: serializable for commands that name their keys. Keyless reads (DBSIZE, KEYS, SCAN,
 * RANDOMKEY) look at the committed database and are not part of the read set; keyless writes
 * (FLUSHDB, SWAPDB, ...) and scripts, whose keys are not all declared, are refused inside a
 * transaction.
 */
export class InteractiveTx implements Watcher {
  watched: WatchedKey[] = [];
  watchDirty = false;
  conflict?: string;
  readonly shadow: Keyspace;
  private readonly touched = new Set<string>();
  private readonly written = new Set<string>();
  private readonly notifications: [NotifyClass, string, string, number][] = [];
  private copying = false;

  constructor(private readonly server: KvServer) {
    this.shadow = new Keyspace(server.keyspace.dbs.length);
    this.shadow.observer = {
      modified: (db, key) => {
        if (!this.copying) this.written.add(`${db}\0${key}`);
      },
      expired: () => {},
    };
  }

  /** Copies the keys of a command into the private keyspace on first touch, and watches them. */
  touch(db: number, keys: string[]): void {
    const real = this.server.keyspace.dbs[db];
    const mine = this.shadow.dbs[db];
    this.shadow.tick(this.server.keyspace.now);
    for (const key of keys) {
      const id = `${db}\0${key}`;
      if (this.touched.has(id)) continue;
      this.touched.add(id);
      const e = real.peek(key);
      this.server.watches.watch(this, db, key, false);
      if (e === undefined) continue;
      this.copying = true;
      const copy = mine.set(key, cloneValue(e.value));
      if (e.expireAt) mine.setExpire(key, copy, e.expireAt);
      this.copying = false;
    }
  }

  notify(cls: NotifyClass, event: string, key: string, db: number): void {
    this.notifications.push([cls, event, key, db]);
  }

  /** Applies the buffered writes; returns the conflicting key instead when validation fails. */
  commit(): string | null {
    const server = this.server;
    if (this.watchDirty || server.watches.expiredSinceWatch(this, server)) return this.conflict ?? '?';
    server.watches.unwatchAll(this);
    for (const id of this.written) {
      const sep = id.indexOf('\0');
      const db = Number(id.slice(0, sep));
      const key = id.slice(sep + 1);
      const mine = this.shadow.dbs[db].peekRaw(key);
      const real = server.keyspace.dbs[db];
      if (mine === undefined || (mine.expireAt !== 0 && mine.expireAt <= server.keyspace.now)) {
        real.delete(key);
      } else {
        const e = real.set(key, mine.value);
        if (mine.expireAt) real.setExpire(key, e, mine.expireAt);
      }
    }
    for (const [cls, event, key, db] of this.notifications) server.notify(cls, event, key, db);
    return null;
  }

  discard(): void {
    this.server.watches.unwatchAll(this);
  }
}

/** Why a command cannot run inside an interactive transaction, or null when it can. */
export function refusedInTransaction(cmd: Command, keyCount: number): string | null {
  const top = cmd.parent ?? cmd;
  const name = top.def.name;
  if (name === 'multi' || name === 'exec' || name === 'watch' || name === 'discard' || name === 'unwatch')
    return `ERR ${name.toUpperCase()} is not allowed inside BEGIN ... COMMIT`;
  if (top.def.group === 'scripting') return `ERR ${name.toUpperCase()} is not allowed inside BEGIN ... COMMIT (scripts may use undeclared keys)`;
  if (cmd.isWrite && keyCount === 0) return `ERR ${cmd.fullName.toUpperCase()} is not allowed inside BEGIN ... COMMIT`;
  return null;
}

function def(name: string, handler: CommandDef['handler'], summary: string): CommandDef {
  return { name, arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], keys: NO_KEYS, acl: ['transaction'], group: 'transactions', since: '0.1.0', summary, complexity: 'O(N) for the keys the transaction wrote', handler };
}

export function interactiveTxCommands(server: KvServer): CommandDef[] {
  const conn = (ctx: Ctx) => ctx.client as Connection;
  return [
    def('begin', (ctx) => {
      const c = conn(ctx);
      if (c.tx) fail('ERR BEGIN calls can not be nested');
      if (c.multi) fail('ERR BEGIN is not allowed inside MULTI');
      c.tx = new InteractiveTx(server);
      ctx.out.ok();
    }, 'Starts an interactive transaction (StrataKV/EloqKV extension).'),
    def('commit', (ctx) => {
      const c = conn(ctx);
      const tx = c.tx;
      if (!tx) fail('ERR COMMIT without BEGIN');
      c.tx = null;
      const conflict = tx.commit();
      if (conflict !== null) {
        tx.discard();
        fail(`ERR transaction aborted: key '${conflict}' was changed by another client; nothing was applied`);
      }
      ctx.out.ok();
    }, 'Commits an interactive transaction, or fails if another client changed a key it used.'),
    def('rollback', (ctx) => {
      const c = conn(ctx);
      if (!c.tx) fail('ERR ROLLBACK without BEGIN');
      c.tx.discard();
      c.tx = null;
      ctx.out.ok();
    }, 'Discards an interactive transaction.'),
  ];
}
