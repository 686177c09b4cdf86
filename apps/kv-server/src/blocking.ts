import { BlockOn, Command } from '@strata/commands';
import type { Connection } from './connection';
import type { KvServer } from './server';

function slotKey(db: number, key: string): string {
  return `${db}:${key}`;
}

/**
 * Clients parked by blocking commands, per key in arrival order. A write to such a key marks it
 * ready; after the command that wrote it finishes (a whole EXEC or script included), the waiting
 * clients' commands run again, first come first served, until one of them blocks again.
 */
export class BlockedClients {
  private readonly byKey = new Map<string, Connection[]>();
  private readonly ready = new Set<string>();
  private serving = false;

  constructor(private readonly server: KvServer) {}

  get count(): number {
    let n = 0;
    for (const c of this.server.clients.values()) if (c.blocked) n++;
    return n;
  }

  /** Called for every write: only keys someone waits on matter. */
  keyWritten(db: number, key: string): void {
    if (this.byKey.size === 0) return;
    const k = slotKey(db, key);
    if (this.byKey.has(k)) this.ready.add(k);
  }

  block(conn: Connection, cmd: Command, argv: string[], db: number, block: BlockOn): void {
    conn.blocked = { cmd, argv: block.retryArgv ?? argv, db, block };
    for (const key of block.keys) {
      const k = slotKey(db, key);
      let q = this.byKey.get(k);
      if (!q) this.byKey.set(k, (q = []));
      if (!q.includes(conn)) q.push(conn);
    }
    if (block.deadline > 0) {
      const wait = Math.max(0, block.deadline - Date.now());
      conn.blocked.timer = setTimeout(() => this.timeout(conn), wait);
    }
  }

  /** Removes a client from every queue (served, timed out, unblocked, or gone). */
  unblock(conn: Connection): void {
    const b = conn.blocked;
    if (!b) return;
    if (b.timer) clearTimeout(b.timer);
    for (const key of b.block.keys) {
      const k = slotKey(b.db, key);
      const q = this.byKey.get(k);
      if (!q) continue;
      const i = q.indexOf(conn);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) this.byKey.delete(k);
    }
    conn.blocked = null;
  }

  /** CLIENT UNBLOCK: the timeout reply, or an UNBLOCKED error. */
  unblockWith(conn: Connection, withError: boolean): boolean {
    const b = conn.blocked;
    if (!b) return false;
    this.unblock(conn);
    if (withError) conn.writer.error('UNBLOCKED client unblocked via CLIENT UNBLOCK');
    else b.block.onTimeout(conn.writer);
    conn.runPending();
    return true;
  }

  private timeout(conn: Connection): void {
    const b = conn.blocked;
    if (!b || conn.isClosed) return;
    this.unblock(conn);
    b.block.onTimeout(conn.writer);
    conn.runPending();
    this.server.flushScheduled();
  }

  /** Serves clients waiting on keys that were written; loops because serving may write more keys. */
  serveReady(): void {
    if (this.serving || this.ready.size === 0) return;
    this.serving = true;
    try {
      while (this.ready.size > 0) {
        const keys = [...this.ready];
        this.ready.clear();
        for (const k of keys) {
          const waiting = this.byKey.get(k);
          if (!waiting) continue;
          for (const conn of [...waiting]) {
            const b = conn.blocked;
            if (!b) continue;
            this.unblock(conn);
            const stillBlocked = this.server.dispatcher.retryBlocked(conn, b);
            if (stillBlocked) continue;
            conn.runPending();
          }
        }
      }
    } finally {
      this.serving = false;
    }
  }
}
