// XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS and XINFO HELP as Redis 7.0.15
// replies them: maps in RESP3, flat arrays in RESP2.
import { parseInt64 } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import { NO_KEYS, type CommandDef } from '../table';
import type { StreamValue } from '../types/stream';
import { ENTRIES_READ_INVALID, type ConsumerGroup } from '../types/stream-group';
import { formatId, ID_MAX, ID_ZERO } from '../types/stream-id';
import { replyHelp } from './connection';
import { getStream, KEY2, replyEntry, sdef } from './stream-util';

const XINFO_HELP = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
];

function infoStream(ctx: Ctx, argv: string[]): void {
  const s = getStream(ctx, argv[2]);
  if (s === undefined) fail(Err.noSuchKey);
  const opts = argv.slice(3);
  let full = false;
  let count = 10;
  if (opts.length > 0) {
    const syntax = Err.subcommandSyntax(argv[1], 'xinfo');
    if (opts.length !== 1 && opts.length !== 3) fail(syntax);
    if (opts[0].toLowerCase() !== 'full') fail(syntax);
    if (opts.length === 3) {
      if (opts[1].toLowerCase() !== 'count') fail(syntax);
      const v = parseInt64(opts[2]);
      if (v === null) fail(Err.notInteger);
      count = v < 0n ? 10 : Number(v);
    }
    full = true;
  }
  const out = ctx.out;
  out.map(full ? 9 : 10);
  out.bulk('length');
  out.integer(s.length);
  out.bulk('radix-tree-keys');
  out.integer(s.nodes.length);
  out.bulk('radix-tree-nodes');
  out.integer(s.raxNodeCount());
  out.bulk('last-generated-id');
  out.bulk(formatId(s.lastId));
  out.bulk('max-deleted-entry-id');
  out.bulk(formatId(s.maxDeletedId));
  out.bulk('entries-added');
  out.integer(s.entriesAdded);
  out.bulk('recorded-first-entry-id');
  out.bulk(formatId(s.firstId));
  if (!full) {
    out.bulk('groups');
    out.integer(s.groups.size);
    out.bulk('first-entry');
    replyEdge(ctx, s, false);
    out.bulk('last-entry');
    replyEdge(ctx, s, true);
    return;
  }
  out.bulk('entries');
  const entries = [];
  for (const e of s.range(ID_ZERO, ID_MAX)) {
    entries.push(e);
    if (count !== 0 && entries.length === count) break;
  }
  out.array(entries.length);
  for (const [id, pairs] of entries) replyEntry(ctx, id, pairs);
  out.bulk('groups');
  const groups = s.sortedGroups();
  out.array(groups.length);
  for (const [name, g] of groups) fullGroup(ctx, s, name, g, count);
}

function replyEdge(ctx: Ctx, s: StreamValue, last: boolean): void {
  for (const [id, pairs] of s.range(ID_ZERO, ID_MAX, last)) return replyEntry(ctx, id, pairs);
  ctx.out.nullBulk();
}

function limited<T>(items: Iterable<T>, count: number): T[] {
  const r: T[] = [];
  for (const x of items) {
    if (count !== 0 && r.length === count) break;
    r.push(x);
  }
  return r;
}

function fullGroup(ctx: Ctx, s: StreamValue, name: string, g: ConsumerGroup, count: number): void {
  const out = ctx.out;
  out.map(7);
  out.bulk('name');
  out.bulk(name);
  out.bulk('last-delivered-id');
  out.bulk(formatId(g.lastId));
  out.bulk('entries-read');
  replyEntriesRead(ctx, g);
  out.bulk('lag');
  replyLag(ctx, s, g);
  out.bulk('pel-count');
  out.integer(g.pel.size);
  out.bulk('pending');
  const pending = limited(g.pel.entries(), count);
  out.array(pending.length);
  for (const [id, nack] of pending) {
    out.array(4);
    out.bulk(formatId(id));
    out.bulk(nack.consumer?.name ?? '');
    out.integer(nack.deliveryTime);
    out.integer(nack.deliveryCount);
  }
  out.bulk('consumers');
  const consumers = g.sortedConsumers();
  out.array(consumers.length);
  for (const c of consumers) {
    out.map(4);
    out.bulk('name');
    out.bulk(c.name);
    out.bulk('seen-time');
    out.integer(c.seenTime);
    out.bulk('pel-count');
    out.integer(c.pel.size);
    out.bulk('pending');
    const own = limited(c.pel.entries(), count);
    out.array(own.length);
    for (const [id, nack] of own) {
      out.array(3);
      out.bulk(formatId(id));
      out.integer(nack.deliveryTime);
      out.integer(nack.deliveryCount);
    }
  }
}

function replyEntriesRead(ctx: Ctx, g: ConsumerGroup): void {
  if (g.entriesRead !== ENTRIES_READ_INVALID) ctx.out.integer(g.entriesRead);
  else ctx.out.nullBulk();
}

function replyLag(ctx: Ctx, s: StreamValue, g: ConsumerGroup): void {
  const lag = s.lag(g);
  if (lag === null) ctx.out.nullBulk();
  else ctx.out.integer(lag);
}

function infoGroups(ctx: Ctx, argv: string[]): void {
  const s = getStream(ctx, argv[2]);
  if (s === undefined) fail(Err.noSuchKey);
  const out = ctx.out;
  const groups = s.sortedGroups();
  out.array(groups.length);
  for (const [name, g] of groups) {
    out.map(6);
    out.bulk('name');
    out.bulk(name);
    out.bulk('consumers');
    out.integer(g.consumers.size);
    out.bulk('pending');
    out.integer(g.pel.size);
    out.bulk('last-delivered-id');
    out.bulk(formatId(g.lastId));
    out.bulk('entries-read');
    replyEntriesRead(ctx, g);
    out.bulk('lag');
    replyLag(ctx, s, g);
  }
}

function infoConsumers(ctx: Ctx, argv: string[]): void {
  const s = getStream(ctx, argv[2]);
  if (s === undefined) fail(Err.noSuchKey);
  const g = s.groups.get(argv[3]);
  if (g === undefined) fail(`NOGROUP No such consumer group '${argv[3]}' for key name '${argv[2]}'`);
  const out = ctx.out;
  const consumers = g.sortedConsumers();
  const now = ctx.ks.now;
  out.array(consumers.length);
  for (const c of consumers) {
    // Redis 7.0 has name, pending and idle; `inactive` came with 7.2.
    out.map(3);
    out.bulk('name');
    out.bulk(c.name);
    out.bulk('pending');
    out.integer(c.pel.size);
    out.bulk('idle');
    out.integer(Math.max(0, now - c.seenTime));
  }
}

export const streamInfoCommands: CommandDef[] = [
  {
    name: 'xinfo', arity: -2, flags: [], keys: NO_KEYS, acl: [], group: 'stream', since: '5.0.0',
    summary: 'A container for stream introspection commands', complexity: 'Depends on subcommand.',
    subcommands: [
      sdef('consumers', 4, ['readonly'], KEY2, infoConsumers, 'List the consumers in a consumer group', 'O(1)'),
      sdef('groups', 3, ['readonly'], KEY2, infoGroups, 'List the consumer groups of a stream', 'O(1)'),
      sdef('stream', -3, ['readonly'], KEY2, infoStream, 'Get information about a stream', 'O(1)'),
      sdef('help', 2, ['loading', 'stale'], NO_KEYS, (c) => replyHelp(c, XINFO_HELP), 'Show helpful text about the different subcommands', 'O(1)'),
    ],
  },
];
