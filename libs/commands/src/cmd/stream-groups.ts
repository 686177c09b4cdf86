// Consumer group management: XGROUP (CREATE SETID DESTROY CREATECONSUMER DELCONSUMER HELP), XACK
// and XPENDING, as Redis 7.0.15 has them.
import { intArg, isKeyword, parseInt64 } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { Entry } from '../keyspace';
import { NO_KEYS, type CommandDef } from '../table';
import { StreamValue } from '../types/stream';
import { ConsumerGroup, ENTRIES_READ_INVALID } from '../types/stream-group';
import { formatId, ID_ZERO, parseId, parseRangeEnd, parseRangeStart, parseStrictId, StreamId } from '../types/stream-id';
import { replyHelp } from './connection';
import { createConsumer, KEY1, KEY2, lookupConsumer, noGroupError, sdef, streamEntry } from './stream-util';

const XGROUP_HELP = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
];

function entriesReadArg(s: string): number {
  const v = parseInt64(s);
  if (v === null) fail(Err.notInteger);
  if (v < 0n && v !== -1n) fail('ERR value for ENTRIESREAD must be positive or -1');
  return Number(v);
}

interface GroupTarget {
  entry: Entry | undefined;
  stream: StreamValue | undefined;
  group: ConsumerGroup | undefined;
}

/** The checks every XGROUP subcommand but HELP shares: the key must exist, and for most the group. */
function groupTarget(ctx: Ctx, argv: string[], mkstream: boolean, needGroup: boolean): GroupTarget {
  const entry = streamEntry(ctx, argv[2]);
  const stream = entry?.value as StreamValue | undefined;
  const group = stream?.groups.get(argv[3]);
  if (!mkstream) {
    if (stream === undefined) {
      fail('ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.');
    }
    if (group === undefined && needGroup) fail(`NOGROUP No such consumer group '${argv[3]}' for key name '${argv[2]}'`);
  }
  return { entry, stream, group };
}

function xgroupCreate(ctx: Ctx, argv: string[]): void {
  let mkstream = false;
  let entriesRead = ENTRIES_READ_INVALID;
  for (let i = 5; i < argv.length; ) {
    if (isKeyword(argv[i], 'MKSTREAM')) {
      mkstream = true;
      i++;
    } else if (isKeyword(argv[i], 'ENTRIESREAD') && i + 1 < argv.length) {
      entriesRead = entriesReadArg(argv[i + 1]);
      i += 2;
    } else fail(Err.subcommandSyntax(argv[1], 'xgroup'));
  }
  const key = argv[2];
  const t = groupTarget(ctx, argv, mkstream, false);
  if (argv.length > 8) fail(Err.subcommandSyntax(argv[1], 'xgroup'));
  let id: StreamId;
  if (argv[4] === '$') id = t.stream?.lastId ?? ID_ZERO;
  else id = parseStrictId(argv[4]);
  let s = t.stream;
  if (s === undefined) {
    s = new StreamValue();
    ctx.db.set(key, s);
  }
  if (s.groups.has(argv[3])) fail('BUSYGROUP Consumer Group name already exists');
  s.groups.set(argv[3], new ConsumerGroup(id, entriesRead));
  if (t.entry !== undefined) ctx.db.written(key, t.entry);
  ctx.out.ok();
  ctx.notify('t', 'xgroup-create', key);
}

function xgroupSetid(ctx: Ctx, argv: string[]): void {
  let entriesRead = ENTRIES_READ_INVALID;
  if (argv.length === 7) {
    if (!isKeyword(argv[5], 'ENTRIESREAD')) fail(Err.subcommandSyntax(argv[1], 'xgroup'));
    entriesRead = entriesReadArg(argv[6]);
  } else if (argv.length !== 5) fail(Err.subcommandSyntax(argv[1], 'xgroup'));
  const t = groupTarget(ctx, argv, false, true);
  const s = t.stream as StreamValue;
  const g = t.group as ConsumerGroup;
  const id = argv[4] === '$' ? s.lastId : parseId(argv[4]);
  g.lastId = id;
  g.entriesRead = entriesRead;
  ctx.db.written(argv[2], t.entry as Entry);
  ctx.out.ok();
  ctx.notify('t', 'xgroup-setid', argv[2]);
}

function xgroupDestroy(ctx: Ctx, argv: string[]): void {
  const t = groupTarget(ctx, argv, false, false);
  if (t.group === undefined) {
    ctx.propagate([]);
    return ctx.out.integer(0);
  }
  (t.stream as StreamValue).groups.delete(argv[3]);
  ctx.db.written(argv[2], t.entry as Entry);
  ctx.out.integer(1);
  ctx.notify('t', 'xgroup-destroy', argv[2]);
}

function xgroupCreateConsumer(ctx: Ctx, argv: string[]): void {
  const t = groupTarget(ctx, argv, false, true);
  const created = createConsumer(ctx, t.group as ConsumerGroup, argv[4], argv[2]);
  if (created !== undefined) ctx.db.written(argv[2], t.entry as Entry);
  else ctx.propagate([]);
  ctx.out.integer(created !== undefined ? 1 : 0);
}

function xgroupDelConsumer(ctx: Ctx, argv: string[]): void {
  const t = groupTarget(ctx, argv, false, true);
  const g = t.group as ConsumerGroup;
  const c = lookupConsumer(ctx, g, argv[4], true);
  if (c === undefined) {
    ctx.propagate([]);
    return ctx.out.integer(0);
  }
  const pending = c.pel.size;
  g.deleteConsumer(c);
  ctx.db.written(argv[2], t.entry as Entry);
  ctx.out.integer(pending);
  ctx.notify('t', 'xgroup-delconsumer', argv[2]);
}

function xack(ctx: Ctx, argv: string[]): void {
  const e = streamEntry(ctx, argv[1]);
  const g = (e?.value as StreamValue | undefined)?.groups.get(argv[2]);
  if (g === undefined) {
    ctx.propagate([]);
    return ctx.out.integer(0);
  }
  const ids = argv.slice(3).map((x) => parseStrictId(x));
  let acked = 0;
  for (const id of ids) {
    const nack = g.pel.get(id);
    if (nack === undefined) continue;
    g.pel.delete(id);
    nack.consumer?.pel.delete(id);
    acked++;
  }
  if (acked > 0) ctx.db.written(argv[1], e as Entry);
  else ctx.propagate([]);
  ctx.out.integer(acked);
}

function xpending(ctx: Ctx, argv: string[]): void {
  const summary = argv.length === 3;
  if (!summary && (argv.length < 6 || argv.length > 9)) fail(Err.syntax);
  let start = ID_ZERO;
  let end = ID_ZERO;
  let count = 0;
  let minIdle = 0;
  let consumerName: string | undefined;
  if (argv.length >= 6) {
    let at = 3;
    if (isKeyword(argv[3], 'IDLE')) {
      minIdle = intArg(argv[4]);
      if (argv.length < 8) fail(Err.syntax);
      at += 2;
    }
    count = Math.max(0, intArg(argv[at + 2]));
    start = parseRangeStart(argv[at]);
    end = parseRangeEnd(argv[at + 1]);
    if (at + 3 < argv.length) consumerName = argv[at + 3];
  }
  const s = streamEntry(ctx, argv[1])?.value as StreamValue | undefined;
  const g = s?.groups.get(argv[2]);
  if (g === undefined) fail(noGroupError(argv[1], argv[2]));
  const out = ctx.out;
  if (summary) {
    out.array(4);
    out.integer(g.pel.size);
    if (g.pel.size === 0) {
      out.nullBulk();
      out.nullBulk();
      out.nullArray();
      return;
    }
    out.bulk(formatId(g.pel.first() as StreamId));
    out.bulk(formatId(g.pel.last() as StreamId));
    const owners = g.sortedConsumers().filter((c) => c.pel.size > 0);
    out.array(owners.length);
    for (const c of owners) {
      out.array(2);
      out.bulk(c.name);
      out.bulk(String(c.pel.size));
    }
    return;
  }
  let pel = g.pel;
  if (consumerName !== undefined) {
    const c = lookupConsumer(ctx, g, consumerName, true);
    if (c === undefined) return void out.array(0);
    pel = c.pel;
  }
  const now = ctx.ks.now;
  const rows: [StreamId, string, number, number][] = [];
  for (let i = pel.lowerBound(start); count > 0; i++) {
    const id = pel.at(i);
    if (id === undefined || id > end) break;
    const nack = g.pel.get(id);
    if (nack === undefined) continue;
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    rows.push([id, nack.consumer?.name ?? '', Math.max(0, now - nack.deliveryTime), nack.deliveryCount]);
    count--;
  }
  out.array(rows.length);
  for (const [id, name, idle, deliveries] of rows) {
    out.array(4);
    out.bulk(formatId(id));
    out.bulk(name);
    out.integer(idle);
    out.integer(deliveries);
  }
}

function groupSub(name: string, arity: number, flags: CommandDef['flags'], handler: CommandDef['handler'], summary: string, complexity: string, since = '5.0.0'): CommandDef {
  return sdef(name, arity, flags, KEY2, handler, summary, complexity, since);
}

export const streamGroupCommands: CommandDef[] = [
  {
    name: 'xgroup', arity: -2, flags: [], keys: NO_KEYS, acl: [], group: 'stream', since: '5.0.0',
    summary: 'A container for consumer groups commands', complexity: 'Depends on subcommand.',
    subcommands: [
      groupSub('create', -5, ['write', 'denyoom'], xgroupCreate, 'Create a consumer group.', 'O(1)'),
      groupSub('setid', -5, ['write'], xgroupSetid, 'Set a consumer group to an arbitrary last delivered ID value.', 'O(1)'),
      groupSub('destroy', 4, ['write'], xgroupDestroy, 'Destroy a consumer group.',
        'O(N) where N is the number of entries in the group\'s pending entries list (PEL).'),
      groupSub('createconsumer', 5, ['write', 'denyoom'], xgroupCreateConsumer, 'Create a consumer in a consumer group.', 'O(1)', '6.2.0'),
      groupSub('delconsumer', 5, ['write'], xgroupDelConsumer, 'Delete a consumer from a consumer group.', 'O(1)'),
      { ...sdef('help', 2, ['loading', 'stale'], NO_KEYS, (c) => replyHelp(c, XGROUP_HELP), 'Show helpful text about the different subcommands', 'O(1)') },
    ],
  },
  sdef('xack', -4, ['write', 'fast'], KEY1, xack,
    'Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.',
    'O(1) for each message ID processed.'),
  sdef('xpending', -3, ['readonly'], KEY1, xpending,
    'Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.',
    'O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.'),
];
