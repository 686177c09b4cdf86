import { parseSafeInteger } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import { NO_KEYS, type CommandDef } from '../table';
import { replyHelp } from './connection';

function dbsize(ctx: Ctx): void {
  ctx.out.integer(ctx.db.size);
}

function flushMode(argv: string[], from: number): void {
  if (argv.length > from + 1) fail(Err.syntax);
  if (argv.length === from + 1) {
    const m = argv[from].toUpperCase();
    if (m !== 'ASYNC' && m !== 'SYNC') fail(Err.syntax);
  }
}

function flushdb(ctx: Ctx, argv: string[]): void {
  flushMode(argv, 1);
  ctx.db.flush();
  ctx.out.ok();
}

function flushall(ctx: Ctx, argv: string[]): void {
  flushMode(argv, 1);
  for (const db of ctx.ks.dbs) db.flush();
  ctx.out.ok();
}

function swapdb(ctx: Ctx, argv: string[]): void {
  const a = parseSafeInteger(argv[1]);
  const b = parseSafeInteger(argv[2]);
  if (a === null) fail('ERR invalid first DB index');
  if (b === null) fail('ERR invalid second DB index');
  if (a < 0 || a >= ctx.ks.dbs.length || b < 0 || b >= ctx.ks.dbs.length) fail(Err.dbIndexOutOfRange);
  if (a !== b) {
    const da = ctx.ks.dbs[a];
    const db = ctx.ks.dbs[b];
    // WATCHers of every key in either database are touched, as Redis does (touchAllWatchedKeysInDb).
    const touched = [...da.keys(), ...db.keys()];
    da.swapWith(db);
    for (const k of touched) {
      ctx.ks.observer.modified(a, k);
      ctx.ks.observer.modified(b, k);
    }
  }
  ctx.out.ok();
}

function time(ctx: Ctx): void {
  const now = Date.now();
  const micros = Number(process.hrtime.bigint() / 1000n % 1000n);
  ctx.out.array(2);
  ctx.out.bulk(String(Math.floor(now / 1000)));
  ctx.out.bulk(String((now % 1000) * 1000 + micros));
}

function info(ctx: Ctx, argv: string[]): void {
  ctx.out.verbatim(ctx.server.info(argv.slice(1).map((s) => s.toLowerCase())), 'txt');
}

function configGet(ctx: Ctx, argv: string[]): void {
  const pairs = ctx.server.configGet(argv.slice(2));
  ctx.out.map(pairs.length);
  for (const [k, v] of pairs) {
    ctx.out.bulk(k);
    ctx.out.bulk(v);
  }
}

function configSet(ctx: Ctx, argv: string[]): void {
  if (argv.length % 2 !== 0) fail(Err.arity('config|set'));
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i].toLowerCase(), argv[i + 1]]);
  const err = ctx.server.configSet(pairs);
  if (err !== null) fail(err);
  ctx.out.ok();
}

const CONFIG_HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Print this help.',
];

function slowlogGet(ctx: Ctx, argv: string[]): void {
  let count = 10;
  if (argv.length === 3) {
    const n = parseSafeInteger(argv[2]);
    if (n === null || n < -1) fail('ERR count should be greater than or equal to -1');
    count = n === -1 ? Number.MAX_SAFE_INTEGER : n;
  }
  const entries = ctx.server.slowlog.get(count);
  ctx.out.array(entries.length);
  for (const e of entries) {
    ctx.out.array(6);
    ctx.out.integer(e.id);
    ctx.out.integer(e.time);
    ctx.out.integer(e.durationMicros);
    ctx.out.array(e.argv.length);
    for (const a of e.argv) ctx.out.bulk(a);
    ctx.out.bulk(e.addr);
    ctx.out.bulk(e.name);
  }
}

const SLOWLOG_HELP = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
  'HELP',
  '    Print this help.',
];

function srv(name: string, arity: number, flags: CommandDef['flags'], handler: CommandDef['handler'], summary: string, since: string, acl: string[] = [], group = 'server'): CommandDef {
  return { name, arity, flags, keys: NO_KEYS, acl, group, since, summary, complexity: 'O(1)', handler };
}

export const serverCommands: CommandDef[] = [
  srv('dbsize', 1, ['readonly', 'fast'], dbsize, 'Returns the number of keys in the database.', '1.0.0', ['keyspace']),
  srv('flushdb', -1, ['write'], flushdb, 'Removes all keys from the current database.', '1.0.0', ['keyspace', 'dangerous']),
  srv('flushall', -1, ['write'], flushall, 'Removes all keys from all databases.', '1.0.0', ['keyspace', 'dangerous']),
  srv('swapdb', 3, ['write', 'fast'], swapdb, 'Swaps two Redis databases.', '4.0.0', ['keyspace', 'dangerous']),
  srv('time', 1, ['loading', 'stale', 'fast'], time, 'Returns the server time.', '2.6.0'),
  srv('info', -1, ['loading', 'stale'], info, 'Returns information and statistics about the server.', '1.0.0', ['dangerous']),
  {
    name: 'config', arity: -2, flags: [], keys: NO_KEYS, acl: [], group: 'server', since: '2.0.0',
    summary: 'A container for server configuration commands.', complexity: 'Depends on subcommand.',
    subcommands: [
      srv('get', -3, ['admin', 'noscript', 'loading', 'stale'], configGet, 'Returns the effective values of configuration parameters.', '2.0.0'),
      srv('set', -4, ['admin', 'noscript', 'loading', 'stale'], configSet, 'Sets configuration parameters in-flight.', '2.0.0'),
      srv('resetstat', 2, ['admin', 'noscript', 'loading', 'stale'], (c) => {
        c.server.configResetStat();
        c.out.ok();
      }, 'Resets the server\'s statistics.', '2.0.0'),
      srv('rewrite', 2, ['admin', 'noscript', 'loading', 'stale'], () => fail('ERR The server is running without a config file'), 'Persists the effective configuration to file.', '2.8.0'),
      srv('help', 2, ['loading', 'stale'], (c) => replyHelp(c, CONFIG_HELP), 'Returns helpful text about the different subcommands.', '5.0.0'),
    ],
  },
  {
    name: 'slowlog', arity: -2, flags: [], keys: NO_KEYS, acl: [], group: 'server', since: '2.2.12',
    summary: 'A container for slow log commands.', complexity: 'Depends on subcommand.',
    subcommands: [
      srv('get', -2, ['admin', 'loading', 'stale'], slowlogGet, 'Returns the slow log\'s entries.', '2.2.12'),
      srv('len', 2, ['admin', 'loading', 'stale'], (c) => c.out.integer(c.server.slowlog.len()), 'Returns the number of entries in the slow log.', '2.2.12'),
      srv('reset', 2, ['admin', 'loading', 'stale'], (c) => {
        c.server.slowlog.reset();
        c.out.ok();
      }, 'Clears all entries from the slow log.', '2.2.12'),
      srv('help', 2, ['loading', 'stale'], (c) => replyHelp(c, SLOWLOG_HELP), 'Show helpful text about the different subcommands', '6.2.0'),
    ],
  },
];
