import { performance } from 'perf_hooks';
import {
  BlockOn,
  Command,
  CommandError,
  CommandTable,
  Err,
  NeedKeys,
  SUBSCRIBED_MODE_ALLOWED,
  subscribedModeError,
} from '@strata/commands';
import { writeValue, type RespValue } from '@strata/resp';
import type { BlockedState, Connection } from './connection';
import { refusedInTransaction } from './interactive-tx';
import { AsyncReply } from './scripting';
import type { KvServer } from './server';

/** Marks a continuation whose replies were already written (EXEC after a yielding script). */
const NO_REPLY: RespValue = { t: 'null' };

/** Commands that act on an interactive transaction itself. */
const TX_CONTROL_INTERACTIVE = new Set(['begin', 'commit', 'rollback', 'quit', 'reset']);

/** Commands that act on the transaction itself instead of being queued by MULTI. */
const TX_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/**
 * Runs one parsed command for one connection: lookup, arity and auth checks in Redis's order,
 * MULTI queuing, the synchronous handler, then statistics, the slow log, and serving clients
 * blocked on keys the command wrote. Anything asynchronous (cold keys, the WAL, forwarding)
 * will wrap the handler call here, never inside it.
 */
export class Dispatcher {
  constructor(
    private readonly server: KvServer,
    readonly table: CommandTable,
  ) {}

  execute(conn: Connection, argv: string[]): void {
    let cmd = this.table.get(argv[0]);
    if (cmd === undefined) return this.reject(conn, Err.unknownCommand(argv[0], argv.slice(1)));
    if (cmd.subcommands !== undefined && argv.length >= 2) {
      const sub = cmd.subcommands.get(argv[1].toLowerCase());
      if (sub === undefined) return this.reject(conn, Err.unknownSubcommand(argv[1], argv[0]), cmd);
      cmd = sub;
    }
    if (!cmd.arityOk(argv.length) || cmd.handler === undefined) return this.reject(conn, Err.arity(cmd.fullName), cmd);
    if (!conn.authenticated && !cmd.flagSet.has('no_auth')) return this.reject(conn, Err.noAuth, cmd);
    if (this.server.dataStore?.loading === true && !cmd.flagSet.has('loading')) return this.reject(conn, Err.loading, cmd);
    const top = cmd.parent ?? cmd;
    if (conn.proto === 2 && conn.subscriptions.any && !SUBSCRIBED_MODE_ALLOWED.has(top.def.name)) {
      return this.reject(conn, subscribedModeError(cmd.fullName), cmd);
    }
    const scripting = this.server.scripting;
    if (scripting !== undefined && scripting.running && !cmd.flagSet.has('allow_busy')) {
      // A script that yielded holds the dataset: others are told BUSY (Redis's rule).
      return this.reject(conn, (scripting.engine?.busyError() as { s: string }).s, cmd);
    }
    if (conn.multi !== null && !TX_CONTROL.has(top.def.name)) {
      if (cmd.flagSet.has('no_multi')) return this.reject(conn, 'ERR Command not allowed inside a transaction', cmd);
      conn.multi.queue.push({ cmd, argv });
      conn.writer.simple('QUEUED');
      return;
    }
    if (top.def.name === 'ping' && conn.proto === 2 && conn.subscriptions.any) {
      // RESP2 subscribers get PING's answer in the shape of a message.
      conn.writer.array(2);
      conn.writer.bulk('pong');
      conn.writer.bulk(argv.length > 1 ? argv[1] : '');
      return;
    }
    const async = this.run(conn, cmd, argv, true);
    if (async !== undefined) return this.await(conn, async.promise, (v) => v !== NO_REPLY && writeValue(conn.writer, v));
    this.server.blocking.serveReady();
  }

  /** Parks a connection until a late reply is written (see AsyncReply). */
  private await(conn: Connection, promise: Promise<RespValue>, write: (v: RespValue) => void): void {
    conn.awaiting = true;
    promise
      .then(write, (e: Error) => conn.writer.error(`ERR ${e.message}`.replace(/[\r\n]/g, ' ')))
      .finally(() => {
        conn.awaiting = false;
        this.server.blocking.serveReady();
        conn.runPending();
        this.server.flushScheduled();
      });
  }

  /** EXEC: the queued commands run back to back; their replies form one array. */
  exec(conn: Connection): void {
    const m = conn.multi;
    if (m === null) throw new CommandError('ERR EXEC without MULTI');
    conn.multi = null;
    const dirty = conn.watchDirty || this.server.watches.expiredSinceWatch(conn, this.server);
    this.server.watches.unwatchAll(conn);
    if (m.aborted) throw new CommandError('EXECABORT Transaction discarded because of previous errors.');
    if (dirty) return conn.writer.nullArray();
    conn.writer.array(m.queue.length);
    this.execFrom(conn, m.queue, 0);
  }

  /** Runs queued commands from index i; a script that yields continues the rest when it ends. */
  private execFrom(conn: Connection, queue: { cmd: Command; argv: string[] }[], i: number): void {
    for (; i < queue.length; i++) {
      const async = this.run(conn, queue[i].cmd, queue[i].argv, false);
      if (async !== undefined) {
        const next = i + 1;
        // Thrown to the EXEC's own run(), which parks the connection; the rest runs in the
        // promise's continuation, before any other client's command (the script holds BUSY).
        throw new AsyncReply(
          async.promise.then((v) => {
            writeValue(conn.writer, v);
            this.execFrom(conn, queue, next);
            return NO_REPLY;
          }),
        );
      }
    }
  }

  discardTransaction(conn: Connection): void {
    conn.multi = null;
    this.server.watches.unwatchAll(conn);
    conn.tx?.discard();
    conn.tx = null;
  }

  /** Runs a blocked client's command again; true when it is still blocked. */
  retryBlocked(conn: Connection, b: BlockedState): boolean {
    const saved = conn.db;
    conn.db = b.db;
    this.run(conn, b.cmd, b.argv, true, b.block);
    conn.db = saved;
    return conn.blocked !== null;
  }

  private run(conn: Connection, cmd: Command, argv: string[], canBlock: boolean, previous?: BlockOn): AsyncReply | undefined {
    let async: AsyncReply | undefined;
    const out = conn.writer;
    const ks = this.server.keyspace;
    const ctx = conn.ctx;
    ctx.db = ks.dbs[conn.db];
    ctx.canBlock = canBlock;
    const tx = conn.tx;
    if (tx !== null && TX_CONTROL_INTERACTIVE.has((cmd.parent ?? cmd).def.name) === false) {
      const keyIdx = cmd.keyIndexes(argv);
      const refusal = refusedInTransaction(cmd, keyIdx.length);
      if (refusal !== null) {
        this.reject(conn, refusal, cmd);
        return undefined;
      }
      if (keyIdx.length > 0) {
        tx.touch(conn.db, keyIdx.map((i) => argv[i]));
        ctx.db = tx.shadow.dbs[conn.db];
        ctx.canBlock = false;
      }
    }
    ks.noTouch = conn.noTouch;
    const before = out.length;
    const t0 = performance.now();
    try {
      (cmd.handler as NonNullable<Command['handler']>)(ctx, argv);
    } catch (e) {
      if (e instanceof AsyncReply) async = e;
      else this.failed(conn, cmd, argv, e, before, previous);
    }
    const micros = (performance.now() - t0) * 1000;
    cmd.calls++;
    cmd.usec += micros;
    conn.lastCommand = cmd.fullName;
    if (conn.authenticated && !cmd.flagSet.has('skip_slowlog')) this.server.slowlog.maybeAdd(micros, argv, conn);
    return async;
  }

  /** A handler threw: park a blocking command, or reply the error in place of its partial reply. */
  private failed(conn: Connection, cmd: Command, argv: string[], e: unknown, before: number, previous?: BlockOn): void {
    const out = conn.writer;
    out.truncate(before);
    if (e instanceof BlockOn) {
      // Keep the first deadline when a retried command blocks again.
      const block = previous ? new BlockOn(e.keys, previous.deadline, e.onTimeout, e.retryArgv) : e;
      this.server.blocking.block(conn, cmd, argv, conn.db, block);
    } else if (e instanceof CommandError) {
      cmd.failedCalls++;
      this.server.countError(e.reply);
      out.error(e.reply);
    } else if (e instanceof NeedKeys) {
      // Every key is resident until cold data exists, so this cannot happen yet.
      out.error('ERR internal error: keys not resident');
    } else {
      cmd.failedCalls++;
      this.server.log.error('command failed', { command: cmd.fullName, error: e as Error });
      out.error(`ERR internal error in '${cmd.fullName}': ${(e as Error).message}`.replace(/[\r\n]/g, ' '));
    }
  }

  private reject(conn: Connection, reply: string, cmd?: Command): void {
    if (cmd) cmd.rejectedCalls++;
    if (conn.multi !== null) conn.multi.aborted = true;
    this.server.countError(reply);
    conn.writer.error(reply);
  }
}
