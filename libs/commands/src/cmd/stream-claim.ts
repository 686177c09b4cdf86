// XCLAIM and XAUTOCLAIM as Redis 7.0.15 has them. Each claimed (or dropped, for an entry deleted
// from the stream) PEL entry is propagated as an idempotent XCLAIM ... FORCE JUSTID LASTID, never
// the command itself.
import { isKeyword, parseInt64 } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { Entry } from '../keyspace';
import type { CommandDef } from '../table';
import type { StreamValue } from '../types/stream';
import { Consumer, ConsumerGroup, Nack } from '../types/stream-group';
import { formatId, ID_ZERO, parseRangeStart, StreamId, tryParseId, parseStrictId } from '../types/stream-id';
import { createConsumer, KEY1, lookupConsumer, noGroupError, replyEntry, sdef, setIdArgv, streamEntry, xclaimArgv } from './stream-util';

function int64Arg(s: string, err: string): number {
  const v = parseInt64(s);
  if (v === null) fail(err);
  return Number(v);
}

/** The claiming consumer, looked up (or created) once, on the first entry actually claimed. */
function claimant(ctx: Ctx, g: ConsumerGroup, name: string, key: string): Consumer {
  return lookupConsumer(ctx, g, name) ?? (createConsumer(ctx, g, name, key) as Consumer);
}

/** Moves a Nack to `to`, dropping it from its previous owner's PEL. */
function reassign(id: StreamId, nack: Nack, to: Consumer): void {
  if (nack.consumer === to) return;
  nack.consumer?.pel.delete(id);
  to.pel.insert(id, nack);
  nack.consumer = to;
}

/** Drops the PEL entry of an entry no longer in the stream. */
function dropNack(g: ConsumerGroup, id: StreamId, nack: Nack): void {
  g.pel.delete(id);
  nack.consumer?.pel.delete(id);
}

function replyClaimed(ctx: Ctx, s: StreamValue, items: StreamId[], justId: boolean): void {
  ctx.out.array(items.length);
  for (const id of items) {
    if (justId) ctx.out.bulk(formatId(id));
    else replyEntry(ctx, id, s.get(id) as readonly string[]);
  }
}

function lookupGroup(ctx: Ctx, argv: string[]): { entry: Entry; s: StreamValue; g: ConsumerGroup } | undefined {
  const entry = streamEntry(ctx, argv[1]);
  const s = entry?.value as StreamValue | undefined;
  const g = s?.groups.get(argv[2]);
  return g === undefined ? undefined : { entry: entry as Entry, s: s as StreamValue, g };
}

function xclaim(ctx: Ctx, argv: string[]): void {
  const found = lookupGroup(ctx, argv);
  if (found === undefined) fail(noGroupError(argv[1], argv[2]));
  const { entry, s, g } = found;
  const [key, groupName, name] = [argv[1], argv[2], argv[3]];
  const minIdle = Math.max(0, int64Arg(argv[4], 'ERR Invalid min-idle-time argument for XCLAIM'));
  let j = 5;
  while (j < argv.length && tryParseId(argv[j], 0n, true) !== null) j++;
  const lastIdArg = j - 1;
  const now = ctx.ks.now;
  let retryCount = -1;
  let deliveryTime = -1;
  let force = false;
  let justId = false;
  let lastId = ID_ZERO;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j];
    if (isKeyword(opt, 'FORCE')) force = true;
    else if (isKeyword(opt, 'JUSTID')) justId = true;
    else if (isKeyword(opt, 'IDLE') && more > 0) deliveryTime = now - int64Arg(argv[++j], 'ERR Invalid IDLE option argument for XCLAIM');
    else if (isKeyword(opt, 'TIME') && more > 0) deliveryTime = int64Arg(argv[++j], 'ERR Invalid TIME option argument for XCLAIM');
    else if (isKeyword(opt, 'RETRYCOUNT') && more > 0) retryCount = int64Arg(argv[++j], 'ERR Invalid RETRYCOUNT option argument for XCLAIM');
    else if (isKeyword(opt, 'LASTID') && more > 0) lastId = parseStrictId(argv[++j]);
    else fail(`ERR Unrecognized XCLAIM option '${opt}'`);
  }
  let propagateLastId = false;
  if (lastId > g.lastId) {
    g.lastId = lastId;
    propagateLastId = true;
  }
  if (deliveryTime === -1 || deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  const propagated: string[][] = [];
  const claimed: StreamId[] = [];
  let consumer: Consumer | undefined;
  for (let k = 5; k <= lastIdArg; k++) {
    const id = parseStrictId(argv[k]);
    let nack = g.pel.get(id);
    if (s.get(id) === undefined) {
      if (nack !== undefined) {
        propagated.push(xclaimArgv(key, groupName, g, argv[k], nack));
        propagateLastId = false;
        dropNack(g, id, nack);
      }
      continue;
    }
    if (force && nack === undefined) {
      nack = new Nack(now, 1, null);
      g.pel.insert(id, nack);
    }
    if (nack === undefined) continue;
    if (nack.consumer !== null && minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    consumer ??= claimant(ctx, g, name, key);
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0) nack.deliveryCount = retryCount;
    else if (!justId) nack.deliveryCount++;
    reassign(id, nack, consumer);
    claimed.push(id);
    propagated.push(xclaimArgv(key, groupName, g, argv[k], nack));
    propagateLastId = false;
  }
  if (propagateLastId) propagated.push(setIdArgv(key, groupName, g));
  if (propagated.length === 0) ctx.propagate([]);
  else {
    for (const p of propagated) ctx.propagate(p);
    ctx.db.written(key, entry);
  }
  replyClaimed(ctx, s, claimed, justId);
}

/** Redis caps COUNT so that count * 10 attempts cannot overflow a long. */
const XAUTOCLAIM_MAX_COUNT = Math.floor(9223372036854775807 / 16);

function xautoclaim(ctx: Ctx, argv: string[]): void {
  const minIdle = Math.max(0, int64Arg(argv[4], 'ERR Invalid min-idle-time argument for XAUTOCLAIM'));
  const start = parseRangeStart(argv[5]);
  let count = 100;
  let justId = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (isKeyword(argv[j], 'COUNT') && more > 0) {
      const v = parseInt64(argv[j + 1]);
      if (v === null || v < 1n || v > BigInt(XAUTOCLAIM_MAX_COUNT)) fail('ERR COUNT must be > 0');
      count = Number(v);
      j++;
    } else if (isKeyword(argv[j], 'JUSTID')) justId = true;
    else fail(Err.syntax);
  }
  const found = lookupGroup(ctx, argv);
  if (found === undefined) fail(noGroupError(argv[1], argv[2]));
  const { entry, s, g } = found;
  const [key, groupName, name] = [argv[1], argv[2], argv[3]];
  const now = ctx.ks.now;
  let attempts = count * 10;
  const claimed: StreamId[] = [];
  const deleted: StreamId[] = [];
  const propagated: string[][] = [];
  let consumer: Consumer | undefined;
  let i = g.pel.lowerBound(start);
  while (attempts-- > 0 && count > 0) {
    const id = g.pel.at(i);
    if (id === undefined) break;
    const nack = g.pel.get(id) as Nack;
    if (s.get(id) === undefined) {
      propagated.push(xclaimArgv(key, groupName, g, formatId(id), nack));
      dropNack(g, id, nack); // the next PEL entry slides into position i
      deleted.push(id);
      count--;
      continue;
    }
    i++;
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    consumer ??= claimant(ctx, g, name, key);
    nack.deliveryTime = now;
    if (!justId) nack.deliveryCount++;
    reassign(id, nack, consumer);
    claimed.push(id);
    count--;
    propagated.push(xclaimArgv(key, groupName, g, formatId(id), nack));
  }
  const cursor = g.pel.at(i) ?? ID_ZERO;
  if (propagated.length === 0) ctx.propagate([]);
  else {
    for (const p of propagated) ctx.propagate(p);
    ctx.db.written(key, entry);
  }
  const out = ctx.out;
  out.array(3);
  out.bulk(formatId(cursor));
  replyClaimed(ctx, s, claimed, justId);
  out.array(deleted.length);
  for (const id of deleted) out.bulk(formatId(id));
}

export const streamClaimCommands: CommandDef[] = [
  sdef('xclaim', -6, ['write', 'fast'], KEY1, xclaim,
    'Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.',
    'O(log N) with N being the number of messages in the PEL of the consumer group.'),
  sdef('xautoclaim', -6, ['write', 'fast'], KEY1, xautoclaim,
    'Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.',
    'O(1) if COUNT is small.', '6.2.0'),
];
