import type { Ctx } from '../context';
import { NO_KEYS, type CommandDef } from '../table';
import { replyHelp } from './connection';
import { globMatch } from './util';

type Kind = 'channel' | 'pattern' | 'shard';

const EVENT: Record<Kind, [string, string]> = {
  channel: ['subscribe', 'unsubscribe'],
  pattern: ['psubscribe', 'punsubscribe'],
  shard: ['ssubscribe', 'sunsubscribe'],
};

/** One subscribe/unsubscribe confirmation: a push in RESP3, an array in RESP2. */
function confirm(ctx: Ctx, event: string, name: string | null, count: number): void {
  ctx.out.push(3);
  ctx.out.bulk(event);
  if (name === null) ctx.out.nullBulk();
  else ctx.out.bulk(name);
  ctx.out.integer(count);
}

function countFor(ctx: Ctx, kind: Kind): number {
  const subs = ctx.client.subscriptions;
  return kind === 'shard' ? subs.shardChannels.size : subs.count;
}

function subscribe(kind: Kind) {
  return (ctx: Ctx, argv: string[]): void => {
    const hub = ctx.server.pubsub;
    for (let i = 1; i < argv.length; i++) {
      hub.subscribe(ctx.client, kind, argv[i]);
      confirm(ctx, EVENT[kind][0], argv[i], countFor(ctx, kind));
    }
  };
}

function unsubscribe(kind: Kind) {
  return (ctx: Ctx, argv: string[]): void => {
    const hub = ctx.server.pubsub;
    const subs = ctx.client.subscriptions;
    const own = kind === 'channel' ? subs.channels : kind === 'pattern' ? subs.patterns : subs.shardChannels;
    const names = argv.length > 1 ? argv.slice(1) : [...own];
    if (names.length === 0) return confirm(ctx, EVENT[kind][1], null, countFor(ctx, kind));
    for (const n of names) {
      hub.unsubscribe(ctx.client, kind, n);
      confirm(ctx, EVENT[kind][1], n, countFor(ctx, kind));
    }
  };
}

function pubsubChannels(registry: 'channels' | 'shardChannels') {
  return (ctx: Ctx, argv: string[]): void => {
    const pattern = argv[2];
    const names = [...ctx.server.pubsub[registry].keys()].filter((n) => pattern === undefined || globMatch(pattern, n));
    ctx.out.array(names.length);
    for (const n of names) ctx.out.bulk(n);
  };
}

function pubsubNumsub(registry: 'channels' | 'shardChannels') {
  return (ctx: Ctx, argv: string[]): void => {
    ctx.out.map(argv.length - 2);
    for (let i = 2; i < argv.length; i++) {
      ctx.out.bulk(argv[i]);
      ctx.out.integer(ctx.server.pubsub[registry].get(argv[i])?.size ?? 0);
    }
  };
}

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  '    Return the currently active shard level channels matching a <pattern> (default: \'*\').',
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Print this help.',
];

const FLAGS: CommandDef['flags'] = ['pubsub', 'noscript', 'loading', 'stale'];

function ps(name: string, arity: number, handler: CommandDef['handler'], summary: string, since: string, flags = FLAGS, keys = NO_KEYS): CommandDef {
  return { name, arity, flags, keys, acl: [], group: 'pubsub', since, summary, complexity: 'O(N)', handler };
}

export const pubsubCommands: CommandDef[] = [
  ps('subscribe', -2, subscribe('channel'), 'Listens for messages published to channels.', '2.0.0'),
  ps('unsubscribe', -1, unsubscribe('channel'), 'Stops listening to messages posted to channels.', '2.0.0'),
  ps('psubscribe', -2, subscribe('pattern'), 'Listens for messages published to channels that match one or more patterns.', '2.0.0'),
  ps('punsubscribe', -1, unsubscribe('pattern'), 'Stops listening to messages published to channels that match one or more patterns.', '2.0.0'),
  ps('ssubscribe', -2, subscribe('shard'), 'Listens for messages published to shard channels.', '7.0.0', FLAGS, { first: 1, last: -1, step: 1 }),
  ps('sunsubscribe', -1, unsubscribe('shard'), 'Stops listening to messages posted to shard channels.', '7.0.0', FLAGS, { first: 1, last: -1, step: 1 }),
  ps('publish', 3, (c, a) => c.out.integer(c.server.pubsub.publish(a[1], a[2])), 'Posts a message to a channel.', '2.0.0', ['pubsub', 'loading', 'stale', 'fast', 'may_replicate']),
  ps('spublish', 3, (c, a) => c.out.integer(c.server.pubsub.spublish(a[1], a[2])), 'Post a message to a shard channel', '7.0.0', ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'], { first: 1, last: 1, step: 1 }),
  {
    name: 'pubsub', arity: -2, flags: [], keys: NO_KEYS, acl: [], group: 'pubsub', since: '2.8.0',
    summary: 'A container for Pub/Sub commands.', complexity: 'Depends on subcommand.',
    subcommands: [
      ps('channels', -2, pubsubChannels('channels'), 'Returns the active channels.', '2.8.0', ['pubsub', 'loading', 'stale']),
      ps('numsub', -2, pubsubNumsub('channels'), 'Returns a count of subscribers to channels.', '2.8.0', ['pubsub', 'loading', 'stale']),
      ps('numpat', 2, (c) => {
        let n = 0;
        for (const set of c.server.pubsub.patterns.values()) n += set.size;
        c.out.integer(n);
      }, 'Returns a count of unique pattern subscriptions.', '2.8.0', ['pubsub', 'loading', 'stale']),
      ps('shardchannels', -2, pubsubChannels('shardChannels'), 'Returns the active shard channels.', '7.0.0', ['pubsub', 'loading', 'stale']),
      ps('shardnumsub', -2, pubsubNumsub('shardChannels'), 'Returns the count of subscribers of shard channels.', '7.0.0', ['pubsub', 'loading', 'stale']),
      ps('help', 2, (c) => replyHelp(c, PUBSUB_HELP), 'Returns helpful text about the different subcommands.', '6.2.0', ['loading', 'stale']),
    ],
  },
];

export const SUBSCRIBED_MODE_ALLOWED = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe', 'ping', 'quit', 'reset']);

export function subscribedModeError(fullName: string): string {
  return `ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
}

