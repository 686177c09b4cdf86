/** Helpers shared by the stream command modules. */
import type { Ctx } from '../context';
import type { Entry } from '../keyspace';
import type { CommandDef, CommandFlag, KeySpec } from '../table';
import { StreamValue } from '../types/stream';
import { formatId, StreamId } from '../types/stream-id';
import { Consumer, type ConsumerGroup, type Nack } from '../types/stream-group';
import { lookupTyped } from './util';

export const KEY1: KeySpec = { first: 1, last: 1, step: 1 };
export const KEY2: KeySpec = { first: 2, last: 2, step: 1 };

export function sdef(
  name: string,
  arity: number,
  flags: CommandFlag[],
  keys: KeySpec,
  handler: CommandDef['handler'],
  summary: string,
  complexity: string,
  since = '5.0.0',
): CommandDef {
  return { name, arity, flags, keys, acl: ['stream'], group: 'stream', since, summary, complexity, handler };
}

/** The entry of key if it holds a stream; undefined if absent; WRONGTYPE otherwise. */
export function streamEntry(ctx: Ctx, key: string): Entry | undefined {
  return lookupTyped(ctx, key, StreamValue);
}

export function getStream(ctx: Ctx, key: string): StreamValue | undefined {
  return streamEntry(ctx, key)?.value as StreamValue | undefined;
}

/** One entry as Redis replies it: [id, [field, value, ...]]. */
export function replyEntry(ctx: Ctx, id: StreamId, pairs: readonly string[]): void {
  const out = ctx.out;
  out.array(2);
  out.bulk(formatId(id));
  out.array(pairs.length);
  for (const s of pairs) out.bulk(s);
}

/** Entries of [start, end] (descending when rev), at most count (0 = all); returns how many. */
export function replyRange(ctx: Ctx, s: StreamValue, start: StreamId, end: StreamId, count: number, rev: boolean): number {
  const items: [StreamId, readonly string[]][] = [];
  for (const e of s.range(start, end, rev)) {
    items.push(e);
    if (count !== 0 && items.length === count) break;
  }
  ctx.out.array(items.length);
  for (const [id, pairs] of items) replyEntry(ctx, id, pairs);
  return items.length;
}

export function noGroupError(key: string, group: string): string {
  return `NOGROUP No such key '${key}' or consumer group '${group}'`;
}

/** streamLookupConsumer: refreshes the consumer's seen time unless noRefresh. */
export function lookupConsumer(ctx: Ctx, g: ConsumerGroup, name: string, noRefresh = false): Consumer | undefined {
  const c = g.consumers.get(name);
  if (c !== undefined && !noRefresh) c.seenTime = ctx.ks.now;
  return c;
}

/** streamCreateConsumer with its notification; returns undefined when it already existed. */
export function createConsumer(ctx: Ctx, g: ConsumerGroup, name: string, key: string): Consumer | undefined {
  if (g.consumers.has(name)) return undefined;
  const c = new Consumer(name, ctx.ks.now);
  g.consumers.set(name, c);
  ctx.notify('t', 'xgroup-createconsumer', key);
  return c;
}

/**
 * streamPropagateXCLAIM: the idempotent form a replica (or the WAL) applies to get the same PEL
 * state: XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID group-last-id.
 */
export function xclaimArgv(key: string, groupName: string, g: ConsumerGroup, id: string, nack: Nack): string[] {
  return [
    'XCLAIM', key, groupName, (nack.consumer as Consumer).name, '0', id,
    'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount),
    'FORCE', 'JUSTID', 'LASTID', formatId(g.lastId),
  ];
}

/** streamPropagateGroupID: XGROUP SETID key group last-id ENTRIESREAD n. */
export function setIdArgv(key: string, groupName: string, g: ConsumerGroup): string[] {
  return ['XGROUP', 'SETID', key, groupName, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)];
}
