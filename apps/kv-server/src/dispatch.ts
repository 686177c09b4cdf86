import { performance } from 'perf_hooks';
import { Command, CommandError, CommandTable, Err, NeedKeys } from '@strata/commands';
import type { Connection } from './connection';
import type { KvServer } from './server';

/**
 * Runs one parsed command for one connection: lookup, arity and auth checks in Redis's order,
 * the synchronous handler, then statistics and the slow log. Anything asynchronous (cold keys,
 * the WAL, forwarding) will wrap the handler call here, never inside it.
 */
export class Dispatcher {
  constructor(
    private readonly server: KvServer,
    readonly table: CommandTable,
  ) {}

  execute(conn: Connection, argv: string[]): void {
    const out = conn.writer;
    let cmd = this.table.get(argv[0]);
    if (cmd === undefined) {
      return this.reject(conn, Err.unknownCommand(argv[0], argv.slice(1)));
    }
    if (cmd.subcommands !== undefined && argv.length >= 2) {
      const sub = cmd.subcommands.get(argv[1].toLowerCase());
      if (sub === undefined) return this.reject(conn, Err.unknownSubcommand(argv[1], argv[0]), cmd);
      cmd = sub;
    }
    if (!cmd.arityOk(argv.length)) return this.reject(conn, Err.arity(cmd.fullName), cmd);
    if (!conn.authenticated && !cmd.flagSet.has('no_auth')) return this.reject(conn, Err.noAuth, cmd);
    const handler = cmd.handler;
    if (handler === undefined) return this.reject(conn, Err.arity(cmd.fullName), cmd);

    const ks = this.server.keyspace;
    const ctx = conn.ctx;
    ctx.db = ks.dbs[conn.db];
    ks.noTouch = conn.noTouch;
    const before = out.length;
    const t0 = performance.now();
    try {
      handler(ctx, argv);
    } catch (e) {
      out.truncate(before);
      if (e instanceof CommandError) {
        cmd.failedCalls++;
        this.server.countError(e.reply);
        out.error(e.reply);
      } else if (e instanceof NeedKeys) {
        // Every key is resident until cold data exists (issue 6), so this cannot happen yet.
        out.error('ERR internal error: keys not resident');
      } else {
        cmd.failedCalls++;
        this.server.log.error('command failed', { command: cmd.fullName, error: e as Error });
        out.error(`ERR internal error in '${cmd.fullName}': ${(e as Error).message}`.replace(/[\r\n]/g, ' '));
      }
    }
    const micros = (performance.now() - t0) * 1000;
    cmd.calls++;
    cmd.usec += micros;
    conn.lastCommand = cmd.fullName;
    if (conn.authenticated) this.server.slowlog.maybeAdd(micros, argv, conn);
  }

  private reject(conn: Connection, reply: string, cmd?: Command): void {
    if (cmd) cmd.rejectedCalls++;
    this.server.countError(reply);
    conn.writer.error(reply);
  }
}
