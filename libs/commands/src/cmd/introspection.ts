import { parseSafeInteger } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { Entry } from '../keyspace';
import { Command, NO_KEYS, type CommandDef } from '../table';
import { HashValue, ListValue, SetValue, StreamValue, ZSetValue } from '../types/values';
import { replyHelp } from './connection';
import { globMatch } from './util';

/** OBJECT ENCODING as Redis 7.0 reports it. */
export function encodingOf(e: Entry): string {
  const v = e.value;
  if (typeof v === 'string') {
    if (v.length <= 20 && parseSafeInteger(v) !== null) return 'int';
    return v.length <= 44 ? 'embstr' : 'raw';
  }
  if (v instanceof ListValue) return 'quicklist';
  if (v instanceof HashValue) return v.compact ? 'listpack' : 'hashtable';
  if (v instanceof SetValue) return v.encoding;
  if (v instanceof ZSetValue) return v.compact ? 'listpack' : 'skiplist';
  return 'stream';
}

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Print this help.',
];

function objectLookup(ctx: Ctx, key: string): Entry | undefined {
  const e = ctx.db.peek(key);
  if (e === undefined) ctx.out.nullBulk();
  return e;
}

function objectSub(name: string, handler: CommandDef['handler'], summary: string): CommandDef {
  return { name, arity: 3, flags: ['readonly'], keys: { first: 2, last: 2, step: 1 }, acl: ['keyspace'], group: 'generic', since: '2.2.3', summary, complexity: 'O(1)', handler };
}

/** Redis's approximate per-object overhead, so MEMORY USAGE gives numbers of Redis's magnitude. */
function memoryUsage(key: string, e: Entry): number {
  const sds = (n: number) => n + (n < 32 ? 2 : n < 256 ? 3 : n < 65536 ? 5 : 9);
  let bytes = 16 /* robj */ + 24 /* dictEntry */ + sds(key.length);
  const v = e.value;
  if (typeof v === 'string') bytes += parseSafeInteger(v) !== null && v.length <= 20 ? 0 : sds(v.length);
  else if (v instanceof ListValue) for (let i = 0; i < v.items.length; i++) bytes += v.items.at(i).length + 2;
  else if (v instanceof HashValue) for (const [f, x] of v.map) bytes += sds(f.length) + sds(x.length) + (v.compact ? 0 : 24);
  else if (v instanceof SetValue) for (const m of v.set) bytes += v.encoding === 'intset' ? 8 : sds(m.length) + 24;
  else if (v instanceof ZSetValue) for (const [m] of v.dict) bytes += sds(m.length) + (v.compact ? 10 : 56);
  else if (v instanceof StreamValue) bytes += v.memoryEstimate();
  return bytes;
}

function commandInfo(ctx: Ctx, c: Command): void {
  const o = ctx.out;
  const d = c.def;
  o.array(10);
  o.bulk(c.fullName);
  o.integer(d.arity);
  const flags: string[] = [...d.flags];
  if (c.movableKeys) flags.push('movablekeys');
  o.set(flags.length);
  for (const f of flags) o.simple(f);
  const k = d.keys;
  o.integer(k.first);
  o.integer(k.last);
  o.integer(k.step);
  o.set(c.aclCategories.length);
  for (const a of c.aclCategories) o.simple('@' + a);
  o.set(0); // tips
  if (k.first > 0) {
    o.array(1);
    o.map(3);
    o.bulk('flags');
    const kf = c.isWrite ? ['RW', 'update'] : ['RO', 'access'];
    o.set(kf.length);
    for (const f of kf) o.simple(f);
    o.bulk('begin_search');
    o.map(2);
    o.bulk('type');
    o.bulk('index');
    o.bulk('spec');
    o.map(1);
    o.bulk('index');
    o.integer(k.first);
    o.bulk('find_keys');
    o.map(2);
    o.bulk('type');
    o.bulk('range');
    o.bulk('spec');
    o.map(3);
    o.bulk('lastkey');
    o.integer(k.last < 0 ? k.last : k.last - k.first);
    o.bulk('keystep');
    o.integer(k.step);
    o.bulk('limit');
    o.integer(0);
  } else o.array(0);
  const subs = c.subcommands ? [...c.subcommands.values()] : [];
  o.array(subs.length);
  for (const s of subs) commandInfo(ctx, s);
}

function commandDocs(ctx: Ctx, c: Command): void {
  const d = c.def;
  const subs = c.subcommands ? [...c.subcommands.values()] : [];
  const o = ctx.out;
  o.map(4 + (d.complexity ? 1 : 0) + (subs.length ? 1 : 0));
  o.bulk('summary');
  o.bulk(d.summary);
  o.bulk('since');
  o.bulk(d.since);
  o.bulk('group');
  o.bulk(d.group);
  if (d.complexity) {
    o.bulk('complexity');
    o.bulk(d.complexity);
  }
  o.bulk('arguments');
  o.array(0);
  if (subs.length) {
    o.bulk('subcommands');
    o.map(subs.length);
    for (const s of subs) {
      o.bulk(s.fullName);
      commandDocs(ctx, s);
    }
  }
}

function lookupFull(ctx: Ctx, name: string): Command | undefined {
  const [top, sub] = name.toLowerCase().split('|');
  const c = ctx.server.commands.get(top);
  if (!c || sub === undefined) return c;
  return c.subcommands?.get(sub);
}

function command(ctx: Ctx): void {
  const all = ctx.server.commands.all();
  ctx.out.array(all.length);
  for (const c of all) commandInfo(ctx, c);
}

function commandInfoCmd(ctx: Ctx, argv: string[]): void {
  if (argv.length === 2) return command(ctx);
  ctx.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const c = lookupFull(ctx, argv[i]);
    if (c) commandInfo(ctx, c);
    else ctx.out.nullBulk();
  }
}

function commandDocsCmd(ctx: Ctx, argv: string[]): void {
  const cmds = argv.length === 2 ? ctx.server.commands.all() : argv.slice(2).map((n) => lookupFull(ctx, n)).filter((c): c is Command => c !== undefined);
  ctx.out.map(cmds.length);
  for (const c of cmds) {
    ctx.out.bulk(c.fullName);
    commandDocs(ctx, c);
  }
}

function commandList(ctx: Ctx, argv: string[]): void {
  let filter: (c: Command) => boolean = () => true;
  if (argv.length > 2) {
    if (argv.length !== 5 || argv[2].toUpperCase() !== 'FILTERBY') fail(Err.syntax);
    const kind = argv[3].toUpperCase();
    const v = argv[4];
    if (kind === 'MODULE') filter = () => false;
    else if (kind === 'ACLCAT') filter = (c) => c.aclCategories.includes(v.toLowerCase());
    else if (kind === 'PATTERN') filter = (c) => globMatch(v, c.fullName, true);
    else fail(Err.syntax);
  }
  const names: string[] = [];
  for (const c of ctx.server.commands.all()) {
    if (filter(c)) names.push(c.fullName);
    if (c.subcommands) for (const s of c.subcommands.values()) if (filter(s)) names.push(s.fullName);
  }
  ctx.out.array(names.length);
  for (const n of names) ctx.out.bulk(n);
}

function commandGetKeys(ctx: Ctx, argv: string[], withFlags: boolean): void {
  const args = argv.slice(2);
  let c = ctx.server.commands.get(args[0]);
  if (c?.subcommands && args.length > 1) c = c.subcommands.get(args[1].toLowerCase()) ?? c;
  if (!c) fail('ERR Invalid command specified');
  if (!c.arityOk(c.parent ? args.length - 1 + 1 : args.length)) fail('ERR Invalid number of arguments specified for command');
  const idx = c.keyIndexes(args);
  if (idx.length === 0) fail('ERR The command has no key arguments');
  ctx.out.array(idx.length);
  for (const i of idx) {
    if (!withFlags) ctx.out.bulk(args[i]);
    else {
      ctx.out.array(2);
      ctx.out.bulk(args[i]);
      const kf = c.isWrite ? ['RW', 'update'] : ['RO', 'access'];
      ctx.out.set(kf.length);
      for (const f of kf) ctx.out.simple(f);
    }
  }
}

const COMMAND_HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Print this help.',
];

function cmdSub(name: string, arity: number, handler: CommandDef['handler'], summary: string, since = '7.0.0'): CommandDef {
  return { name, arity, flags: ['loading', 'stale'], keys: NO_KEYS, acl: ['connection'], group: 'server', since, summary, handler };
}

export const introspectionCommands: CommandDef[] = [
  {
    name: 'command', arity: -1, flags: ['loading', 'stale'], keys: NO_KEYS, acl: ['connection'], group: 'server', since: '2.8.13',
    summary: 'Returns detailed information about all commands.', complexity: 'O(N) where N is the total number of Redis commands', handler: command,
    subcommands: [
      cmdSub('count', 2, (c) => c.out.integer(c.server.commands.size), 'Returns a count of commands.', '2.8.13'),
      cmdSub('info', -2, commandInfoCmd, 'Returns information about one, multiple or all commands.', '2.8.13'),
      cmdSub('docs', -2, commandDocsCmd, 'Returns documentary information about one, multiple or all commands.'),
      cmdSub('list', -2, commandList, 'Returns a list of command names.'),
      cmdSub('getkeys', -4, (c, a) => commandGetKeys(c, a, false), 'Extracts the key names from an arbitrary command.', '2.8.13'),
      cmdSub('getkeysandflags', -4, (c, a) => commandGetKeys(c, a, true), 'Extracts the key names and access flags for an arbitrary command.'),
      cmdSub('help', 2, (c) => replyHelp(c, COMMAND_HELP), 'Returns helpful text about the different subcommands.', '5.0.0'),
    ],
  },
  {
    name: 'object', arity: -2, flags: [], keys: NO_KEYS, acl: [], group: 'generic', since: '2.2.3',
    summary: 'A container for object introspection commands.', complexity: 'Depends on subcommand.',
    subcommands: [
      objectSub('encoding', (c, a) => {
        const e = objectLookup(c, a[2]);
        if (e) c.out.bulk(encodingOf(e));
      }, 'Returns the internal encoding of a Redis object.'),
      objectSub('freq', (c, a) => {
        if (!c.server.lfuPolicy())
          fail('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
        const e = objectLookup(c, a[2]);
        if (e) c.out.integer(e.freq);
      }, 'Returns the logarithmic access frequency counter of a Redis object.'),
      objectSub('idletime', (c, a) => {
        if (c.server.lfuPolicy())
          fail('ERR An LRU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
        const e = objectLookup(c, a[2]);
        if (e) c.out.integer(Math.max(0, c.ks.lruClock - e.lru));
      }, 'Returns the time since the last access to a Redis object.'),
      objectSub('refcount', (c, a) => {
        const e = objectLookup(c, a[2]);
        if (!e) return;
        const n = typeof e.value === 'string' ? parseSafeInteger(e.value) : null;
        c.out.integer(n !== null && n >= 0 && n < 10000 && e.value === String(n) ? 2147483647 : 1);
      }, 'Returns the reference count of a value of a key.'),
      { ...objectSub('help', (c) => replyHelp(c, OBJECT_HELP), 'Returns helpful text about the different subcommands.'), arity: 2, keys: NO_KEYS, flags: ['loading', 'stale'] },
    ],
  },
  {
    name: 'memory', arity: -2, flags: [], keys: NO_KEYS, acl: [], group: 'server', since: '4.0.0',
    summary: 'A container for memory diagnostics commands.', complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'usage', arity: -3, flags: ['readonly'], keys: { first: 2, last: 2, step: 1 }, acl: [], group: 'server', since: '4.0.0',
        summary: 'Estimates the memory usage of a key.', complexity: 'O(N) where N is the number of samples.',
        handler: (c, a) => {
          if (a.length !== 3) {
            if (a.length !== 5 || a[3].toUpperCase() !== 'SAMPLES') fail(Err.syntax);
            if (parseSafeInteger(a[4]) === null) fail(Err.notInteger);
          }
          const e = c.db.peek(a[2]);
          if (e === undefined) c.out.nullBulk();
          else c.out.integer(memoryUsage(a[2], e));
        },
      },
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'], keys: NO_KEYS, acl: [], group: 'server', since: '4.0.0', summary: 'Returns helpful text about the different subcommands.',
        handler: (c) => replyHelp(c, [
          'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
          'DOCTOR',
          '    Return memory problems reports.',
          'MALLOC-STATS',
          '    Return internal statistics report from the memory allocator.',
          'PURGE',
          '    Attempt to purge dirty pages for reclamation by the allocator.',
          'STATS',
          '    Return information about the memory usage of the server.',
          'USAGE <key> [SAMPLES <count>]',
          '    Return memory in bytes used by <key> and its value. Nested values are',
          '    sampled up to <count> times (default: 5, 0 means sample all).',
          'HELP',
          '    Print this help.',
        ]),
      },
    ],
  },
];
