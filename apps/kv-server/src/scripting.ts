import {
  ClientState,
  CommandDef,
  CommandError,
  Ctx,
  Err,
  fail,
  NO_KEYS,
  replyHelp,
  Subscriptions,
  type KeySpec,
} from '@strata/commands';
import { ValueCollector, writeValue, type RespValue } from '@strata/resp';
import { ScriptEngine, ScriptErr, splitKeys, type ScriptCallContext, type ScriptKind } from '@strata/scripting';
import type { KvServer } from './server';

/**
 * A reply that arrives later: a script that ran past busy-reply-threshold yields to the event
 * loop (so that others can be told BUSY and SCRIPT KILL can arrive). The dispatcher parks the
 * client until the promise settles, as it does for blocking commands.
 */
export class AsyncReply {
  constructor(readonly promise: Promise<RespValue>) {}
}

/** The script's own client: SELECT inside a script does not change the caller's database. */
class ScriptClient implements ClientState {
  readonly id = 0;
  name = '';
  db = 0;
  proto: 2 | 3 = 2;
  authenticated = true;
  user = 'default';
  replyMode: 'on' | 'off' | 'skip' = 'on';
  noEvict = false;
  noTouch = false;
  readonly createdAt = Date.now();
  closeAfterReply = false;
  readonly subscriptions = new Subscriptions();
  deliver(): void {}
  setProtocol(p: 2 | 3): void {
    this.proto = p;
  }
  reset(): void {}
}

/** EVAL, EVALSHA, SCRIPT, FUNCTION and FCALL over the Lua engine of libs/scripting. */
export class Scripting {
  readonly client = new ScriptClient();
  private readonly collector = new ValueCollector(2);
  readonly ctx: Ctx;
  /** The Lua engine, loaded on the first scripting command: it costs ~23 MB that a server without scripts need not pay. */
  engine?: ScriptEngine;
  private loading?: Promise<ScriptEngine>;

  constructor(private readonly server: KvServer) {
    const scripting = this;
    this.ctx = {
      ks: server.keyspace,
      db: server.keyspace.dbs[0],
      out: this.collector,
      client: this.client,
      server: server.api,
      notify(cls, event, key, db) {
        server.notify(cls, event, key, db ?? scripting.client.db);
      },
      propagate() {},
      canBlock: false,
    };
  }

  /** True while a script runs (or has yielded): others get BUSY, the expiry cycle waits. */
  get running(): boolean {
    return this.engine !== undefined && this.engine.running;
  }

  private load(): Promise<ScriptEngine> {
    if (this.loading === undefined) {
      const server = this.server;
      this.loading = ScriptEngine.create({
        call: (argv, sctx) => this.call(argv, sctx),
        log: (level, message) => server.log.info('script log', { level, message }),
        busyThresholdMs: server.settings.busy_reply_threshold as number,
      }).then((engine) => {
        this.engine = engine;
        server.log.info('script engine loaded');
        return engine;
      });
    }
    return this.loading;
  }

  /** Runs fn with the engine now, or (first use) once it has loaded, the client waiting meanwhile. */
  private withEngine(ctx: Ctx, fn: (engine: ScriptEngine) => RespValue | Promise<RespValue>): void {
    if (this.engine !== undefined) return this.reply(ctx, fn(this.engine));
    throw new AsyncReply(this.load().then(fn));
  }

  /** redis.call / redis.pcall: one command as the script's client, its reply as a value. */
  private call(argv: string[], sctx: ScriptCallContext): RespValue {
    const err = (s: string): RespValue => ({ t: 'error', s });
    if (argv.length === 0) return err(ScriptErr.wrongArity);
    let cmd = this.server.dispatcher.table.get(argv[0]);
    if (cmd === undefined) return err(ScriptErr.unknownCommand);
    if (cmd.subcommands !== undefined && argv.length >= 2) {
      const sub = cmd.subcommands.get(argv[1].toLowerCase());
      if (sub === undefined) return err(Err.unknownSubcommand(argv[1], argv[0]));
      cmd = sub;
    }
    if (!cmd.arityOk(argv.length) || cmd.handler === undefined) return err(ScriptErr.wrongArity);
    if (cmd.flagSet.has('noscript') || (cmd.parent ?? cmd).flagSet.has('noscript')) return err(ScriptErr.notAllowed);
    if (cmd.isWrite) {
      if (sctx.readOnly) return err(ScriptErr.writeInReadOnly);
      sctx.markWrite();
    }
    const out = this.collector;
    out.proto = sctx.resp;
    this.client.proto = sctx.resp;
    const ctx = this.ctx;
    ctx.db = this.server.keyspace.dbs[this.client.db];
    try {
      cmd.handler(ctx, argv);
    } catch (e) {
      out.take();
      if (e instanceof CommandError) return err(e.reply);
      throw e;
    }
    cmd.calls++;
    const values = out.take();
    return values.length === 1 ? values[0] : { t: 'error', s: `ERR internal error: ${values.length} replies from '${cmd.fullName}'` };
  }

  /** Runs a script for a client; a RespValue now, or AsyncReply when it yields. */
  private reply(ctx: Ctx, r: RespValue | Promise<RespValue>): void {
    if (r instanceof Promise) throw new AsyncReply(r);
    writeValue(ctx.out, r);
  }

  private begin(ctx: Ctx): void {
    this.client.db = ctx.client.db;
    this.ctx.db = this.server.keyspace.dbs[this.client.db];
  }

  commands(): CommandDef[] {
    const evalGeneric = (kind: 'eval' | 'evalsha', readOnly: boolean) => (ctx: Ctx, argv: string[]) => {
      const split = splitKeys(argv[2], argv.slice(3), 'eval');
      if (!('keys' in split)) return writeValue(ctx.out, split);
      this.withEngine(ctx, (engine) => {
        this.begin(ctx);
        return kind === 'eval' ? engine.eval(argv[1], split.keys, split.args, { readOnly }) : engine.evalsha(argv[1], split.keys, split.args, { readOnly });
      });
    };
    const fcallGeneric = (readOnly: boolean) => (ctx: Ctx, argv: string[]) => {
      const split = splitKeys(argv[2], argv.slice(3), 'function');
      if (!('keys' in split)) return writeValue(ctx.out, split);
      this.withEngine(ctx, (engine) => {
        this.begin(ctx);
        return engine.fcall(argv[1], split.keys, split.args, { readOnly });
      });
    };
    const numkeysKeys: KeySpec = {
      first: 0, last: 0, step: 0,
      find: (argv) => {
        const n = Number(argv[2]);
        if (!Number.isSafeInteger(n) || n <= 0 || 3 + n > argv.length) return [];
        return Array.from({ length: n }, (_, i) => 3 + i);
      },
    };
    const def = (name: string, arity: number, flags: CommandDef['flags'], handler: CommandDef['handler'], summary: string, since: string, keys: KeySpec = NO_KEYS): CommandDef => ({
      name, arity, flags, keys, acl: ['scripting'], group: 'scripting', since, summary, complexity: 'Depends on the script that is executed.', handler,
    });
    const flush = (argv: string[]) => {
      if (argv.length > 3) fail(Err.syntax);
      if (argv.length === 3 && !['ASYNC', 'SYNC'].includes(argv[2].toUpperCase())) fail(Err.syntax);
    };
    // KILL needs no engine when none was ever loaded: nothing can be running.
    const kill = (kind: ScriptKind) => (ctx: Ctx) => writeValue(ctx.out, this.engine ? this.engine.kill(kind) : { t: 'error', s: ScriptErr.notBusy });
    const run = (fn: (engine: ScriptEngine, ctx: Ctx, argv: string[]) => RespValue) => (ctx: Ctx, argv: string[]) => this.withEngine(ctx, (engine) => fn(engine, ctx, argv));
    return [
      def('eval', -3, ['noscript', 'skip_monitor', 'may_replicate', 'no_mandatory_keys', 'stale'], evalGeneric('eval', false), 'Executes a server-side Lua script.', '2.6.0', numkeysKeys),
      def('evalsha', -3, ['noscript', 'skip_monitor', 'may_replicate', 'no_mandatory_keys', 'stale'], evalGeneric('evalsha', false), 'Executes a server-side Lua script by SHA1 digest.', '2.6.0', numkeysKeys),
      def('eval_ro', -3, ['readonly', 'noscript', 'skip_monitor', 'no_mandatory_keys', 'stale'], evalGeneric('eval', true), 'Executes a read-only server-side Lua script.', '7.0.0', numkeysKeys),
      def('evalsha_ro', -3, ['readonly', 'noscript', 'skip_monitor', 'no_mandatory_keys', 'stale'], evalGeneric('evalsha', true), 'Executes a read-only server-side Lua script by SHA1 digest.', '7.0.0', numkeysKeys),
      def('fcall', -3, ['noscript', 'skip_monitor', 'may_replicate', 'no_mandatory_keys', 'stale'], fcallGeneric(false), 'Invokes a function.', '7.0.0', numkeysKeys),
      def('fcall_ro', -3, ['readonly', 'noscript', 'skip_monitor', 'no_mandatory_keys', 'stale'], fcallGeneric(true), 'Invokes a read-only function.', '7.0.0', numkeysKeys),
      {
        ...def('script', -2, [], undefined, 'A container for Lua scripts management commands.', '2.6.0'),
        subcommands: [
          def('load', 3, ['noscript', 'stale'], run((e, _c, a) => e.load(a[2])), 'Loads a server-side Lua script to the script cache.', '2.6.0'),
          def('exists', -3, ['noscript'], run((e, _c, a) => ({ t: 'array', items: e.exists(a.slice(2)).map((f): RespValue => ({ t: 'int', n: f ? 1 : 0 })) })), 'Determines whether server-side Lua scripts exist in the script cache.', '2.6.0'),
          def('flush', -2, ['noscript'], (c, a) => {
            flush(a);
            this.engine?.flush();
            c.out.ok();
          }, 'Removes all server-side Lua scripts from the script cache.', '2.6.0'),
          def('kill', 2, ['noscript', 'allow_busy'], kill('eval'), 'Terminates a server-side Lua script during execution.', '2.6.0'),
          def('help', 2, ['loading', 'stale'], (c) => replyHelp(c, SCRIPT_HELP), 'Returns helpful text about the different subcommands.', '5.0.0'),
        ],
      },
      {
        ...def('function', -2, [], undefined, 'A container for function commands.', '7.0.0'),
        subcommands: [
          def('load', -3, ['write', 'denyoom', 'noscript'], (c, a) => {
            let replace = false;
            if (a.length === 4) {
              if (a[2].toUpperCase() !== 'REPLACE') fail(`ERR Unknown option given: ${a[2]}`);
              replace = true;
            } else if (a.length > 4) fail(Err.syntax);
            this.withEngine(c, (e) => e.functions.load(a[a.length - 1], replace));
          }, 'Creates a library.', '7.0.0'),
          def('list', -2, ['noscript'], (c, a) => {
            let withCode = false;
            let pattern: string | undefined;
            for (let i = 2; i < a.length; i++) {
              const o = a[i].toUpperCase();
              if (o === 'WITHCODE' && !withCode) withCode = true;
              else if (o === 'LIBRARYNAME' && pattern === undefined && i + 1 < a.length) pattern = a[++i];
              else fail(`ERR Unknown argument ${a[i]}`);
            }
            this.withEngine(c, (e) => e.functions.list({ withCode, pattern }));
          }, 'Returns information about all libraries.', '7.0.0'),
          def('delete', 3, ['write', 'noscript'], run((e, _c, a) => e.functions.delete(a[2])), 'Deletes a library and its functions.', '7.0.0'),
          def('flush', -2, ['write', 'noscript'], (c, a) => {
            flush(a);
            this.withEngine(c, (e) => e.functions.flush());
          }, 'Deletes all libraries and functions.', '7.0.0'),
          def('dump', 2, ['noscript'], run((e) => ({ t: 'bulk', s: e.functions.dump() })), 'Dumps all libraries into a serialized binary payload.', '7.0.0'),
          def('restore', -3, ['write', 'denyoom', 'noscript'], (c, a) => {
            let policy: 'APPEND' | 'REPLACE' | 'FLUSH' = 'APPEND';
            if (a.length === 4) {
              const p = a[3].toUpperCase();
              if (p !== 'APPEND' && p !== 'REPLACE' && p !== 'FLUSH') fail('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
              policy = p;
            } else if (a.length > 4) fail(Err.syntax);
            this.withEngine(c, (e) => e.functions.restore(a[2], policy));
          }, 'Restores all libraries from a payload.', '7.0.0'),
          def('stats', 2, ['noscript', 'allow_busy'], run((e) => e.functions.stats(e.runningScript())), 'Returns information about a function during execution.', '7.0.0'),
          def('kill', 2, ['noscript', 'allow_busy'], kill('function'), 'Terminates a function during execution.', '7.0.0'),
          def('help', 2, ['loading', 'stale'], (c) => replyHelp(c, FUNCTION_HELP), 'Returns helpful text about the different subcommands.', '7.0.0'),
        ],
      },
    ];
  }
}

const SCRIPT_HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Print this help.',
];

const FUNCTION_HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously delete the libraries.',
  '    * SYNC: Synchronously delete the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (Notice that on collision it will also override functions).',
  'HELP',
  '    Print this help.',
];
