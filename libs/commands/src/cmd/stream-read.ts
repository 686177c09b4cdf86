/**
 * XREAD and XREADGROUP.
 *
 * Blocking: BLOCK is parsed and validated, but this module never blocks. `readStreamsForClient`
 * is the hook for the blocking layer: parse once with `parseStreamRead` (which resolves XREAD's
 * `$` to the stream's current last ID, so the request must be kept, not re-parsed; its
 * `retryArgv` is the same command with `$` resolved), then call `readStreamsForClient` now and
 * again whenever one of `req.keys` is written. It replies and returns true when it served
 * something, and returns false having replied nothing otherwise. Until the blocking layer exists,
 * a BLOCK read with no data answers as a timeout would: a null array.
 */
import { intArg, isKeyword } from '../args';
import { BlockOn } from '../blocking';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { Entry } from '../keyspace';
import type { CommandDef, KeySpec } from '../table';
import { StreamValue } from '../types/stream';
import { ENTRIES_READ_INVALID, Nack, type Consumer, type ConsumerGroup } from '../types/stream-group';
import { formatId, ID_MAX, parseStrictId, StreamId } from '../types/stream-id';
import {
  createConsumer, getStream, lookupConsumer, streamEntry, replyEntry, sdef, setIdArgv, xclaimArgv,
} from './stream-util';

export interface StreamReadRequest {
  keys: string[];
  /** Per key: read entries after this ID; null is XREADGROUP's `>` (after the group's last ID). */
  after: (StreamId | null)[];
  /** 0 = no limit. */
  count: number;
  group: { name: string; consumer: string; noAck: boolean } | null;
  /** BLOCK in ms (0 = forever); -1 without BLOCK. */
  blockMs: number;
  /** The command with `$` replaced by the ID it stood for. */
  retryArgv: string[];
}

/** Key positions of XREAD/XREADGROUP (Redis's xreadGetKeys): the keys after STREAMS. */
export const XREAD_KEYS: KeySpec = {
  first: 0, last: 0, step: 0,
  find(argv: string[]): number[] {
    let pos = -1;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (isKeyword(a, 'BLOCK') || isKeyword(a, 'COUNT')) i++;
      else if (isKeyword(a, 'GROUP')) i += 2;
      else if (isKeyword(a, 'NOACK')) continue;
      else {
        if (isKeyword(a, 'STREAMS')) pos = i;
        break;
      }
    }
    const n = argv.length - pos - 1;
    if (pos < 0 || n === 0 || n % 2 !== 0) return [];
    return Array.from({ length: n / 2 }, (_, k) => pos + 1 + k);
  },
};

/** Parses XREAD/XREADGROUP as Redis does, errors in Redis's order. */
export function parseStreamRead(ctx: Ctx, argv: string[]): StreamReadRequest {
  const isGroup = argv[0].length === 10;
  let blockMs = -1;
  let count = 0;
  let streamsArg = 0;
  let nStreams = 0;
  let groupName: string | null = null;
  let consumerName = '';
  let noAck = false;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i];
    if (isKeyword(o, 'BLOCK') && more > 0) {
      blockMs = intArg(argv[++i], 'ERR timeout is not an integer or out of range');
      if (blockMs < 0) fail('ERR timeout is negative');
    } else if (isKeyword(o, 'COUNT') && more > 0) {
      count = Math.max(0, intArg(argv[++i]));
    } else if (isKeyword(o, 'STREAMS') && more > 0) {
      streamsArg = i + 1;
      nStreams = argv.length - streamsArg;
      // 7.0 words it the same for XREADGROUP.
      if (nStreams % 2 !== 0) fail("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
      nStreams /= 2;
      break;
    } else if (isKeyword(o, 'GROUP') && more >= 2) {
      if (!isGroup) fail('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
      groupName = argv[i + 1];
      consumerName = argv[i + 2];
      i += 2;
    } else if (isKeyword(o, 'NOACK')) {
      if (!isGroup) fail('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
      noAck = true;
    } else fail(Err.syntax);
  }
  if (streamsArg === 0) fail(Err.syntax);
  if (isGroup && groupName === null) fail('ERR Missing GROUP option for XREADGROUP');
  const keys = argv.slice(streamsArg, streamsArg + nStreams);
  const after: (StreamId | null)[] = [];
  const retryArgv = argv.slice();
  for (let k = 0; k < nStreams; k++) {
    const key = keys[k];
    const s = getStream(ctx, key);
    if (groupName !== null && (s === undefined || !s.groups.has(groupName))) fail(noGroupInRead(key, groupName));
    const arg = argv[streamsArg + nStreams + k];
    if (arg === '$') {
      if (isGroup) {
        fail('ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.');
      }
      const last = s === undefined ? 0n : s.lastId;
      after.push(last);
      retryArgv[streamsArg + nStreams + k] = formatId(last);
    } else if (arg === '>') {
      if (!isGroup) fail('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
      after.push(null);
    } else after.push(parseStrictId(arg));
  }
  const group = groupName === null ? null : { name: groupName, consumer: consumerName, noAck };
  return { keys, after, count, group, blockMs, retryArgv };
}

function noGroupInRead(key: string, group: string): string {
  return `NOGROUP No such key '${key}' or consumer group '${group}' in XREADGROUP with GROUP option`;
}

/** What one stream contributes to the reply: entries, or for a deleted PEL entry its ID alone. */
type Served = [key: string, items: [StreamId, readonly string[] | null][]];

/**
 * Serves a parsed read synchronously if there is anything to serve (see the module comment).
 * Group reads create the consumer, deliver into the PELs and propagate as Redis does: one XCLAIM
 * per delivered entry, XGROUP CREATECONSUMER and XGROUP SETID for NOACK reads, nothing otherwise.
 */
export function readStreamsForClient(ctx: Ctx, req: StreamReadRequest): boolean {
  const served: Served[] = [];
  const propagated: string[][] = [];
  const g = req.group;
  for (let k = 0; k < req.keys.length; k++) {
    const key = req.keys[k];
    const entry = streamEntry(ctx, key);
    const s = entry?.value as StreamValue | undefined;
    if (s === undefined) {
      if (g !== null) fail(noGroupInRead(key, g.name));
      continue;
    }
    if (g === null) {
      const after = req.after[k] as StreamId;
      if (s.length > 0 && s.lastValidId() > after) served.push([key, readAfter(s, after, req.count)]);
      continue;
    }
    const group = s.groups.get(g.name);
    if (group === undefined) fail(noGroupInRead(key, g.name));
    let after = req.after[k];
    const history = after !== null;
    let serve = history;
    if (after === null && s.length > 0 && s.lastValidId() > group.lastId) {
      serve = true;
      after = group.lastId;
    }
    if (!serve) continue;
    // Redis 7.0 creates the consumer only when it serves it.
    let consumer = lookupConsumer(ctx, group, g.consumer);
    if (consumer === undefined) {
      consumer = createConsumer(ctx, group, g.consumer, key) as Consumer;
      if (g.noAck) propagated.push(['XGROUP', 'CREATECONSUMER', key, g.name, g.consumer]);
    }
    // Group state lives in the value: record the write so checkpoints and the WAL see it.
    ctx.db.written(key, entry as Entry);
    const start = (after as StreamId) === ID_MAX ? ID_MAX : (after as StreamId) + 1n;
    const items = history
      ? readHistory(ctx, s, consumer, start, req.count)
      : deliverNew(ctx, s, key, g.name, group, consumer, start, req.count, g.noAck, propagated);
    served.push([key, items]);
  }
  if (g !== null) {
    if (propagated.length === 0) ctx.propagate([]);
    for (const p of propagated) ctx.propagate(p);
  }
  if (served.length === 0) return false;
  const out = ctx.out;
  if (out.proto === 3) out.map(served.length);
  else out.array(served.length);
  for (const [key, items] of served) {
    if (out.proto !== 3) out.array(2);
    out.bulk(key);
    out.array(items.length);
    for (const [id, pairs] of items) {
      if (pairs !== null) replyEntry(ctx, id, pairs);
      else {
        out.array(2);
        out.bulk(formatId(id));
        out.nullArray();
      }
    }
  }
  return true;
}

function readAfter(s: StreamValue, after: StreamId, count: number): [StreamId, readonly string[]][] {
  const items: [StreamId, readonly string[]][] = [];
  if (after === ID_MAX) return items;
  for (const e of s.range(after + 1n, ID_MAX)) {
    items.push(e);
    if (count !== 0 && items.length === count) break;
  }
  return items;
}

/** A consumer's own pending entries from start (streamReplyWithRangeFromConsumerPEL). */
function readHistory(ctx: Ctx, s: StreamValue, consumer: Consumer, start: StreamId, count: number): [StreamId, readonly string[] | null][] {
  const items: [StreamId, readonly string[] | null][] = [];
  const pel = consumer.pel;
  for (let i = pel.lowerBound(start); count === 0 || items.length < count; i++) {
    const id = pel.at(i);
    if (id === undefined) break;
    const pairs = s.get(id);
    if (pairs !== undefined) {
      const nack = pel.get(id) as Nack;
      nack.deliveryTime = ctx.ks.now;
      nack.deliveryCount++;
    }
    items.push([id, pairs ?? null]);
  }
  return items;
}

/** New entries for a group: advances the group, fills the PELs, records the propagation. */
function deliverNew(
  ctx: Ctx, s: StreamValue, key: string, groupName: string, group: ConsumerGroup, consumer: Consumer,
  start: StreamId, count: number, noAck: boolean, propagated: string[][],
): [StreamId, readonly string[]][] {
  const items: [StreamId, readonly string[]][] = [];
  let lastIdMoved = false;
  for (const [id, pairs] of s.range(start, ID_MAX)) {
    items.push([id, pairs]);
    if (id > group.lastId) {
      if (group.entriesRead !== ENTRIES_READ_INVALID && !s.rangeHasTombstones(id)) group.entriesRead++;
      else if (s.entriesAdded !== 0) group.entriesRead = s.estimateEntriesRead(id);
      group.lastId = id;
      if (noAck) lastIdMoved = true;
    }
    if (!noAck) {
      let nack = group.pel.get(id);
      if (nack === undefined) {
        nack = new Nack(ctx.ks.now, 1, consumer);
        group.pel.insert(id, nack);
        consumer.pel.insert(id, nack);
      } else {
        // Already pending (XGROUP SETID moved the group back): the entry changes owner.
        nack.consumer?.pel.delete(id);
        nack.consumer = consumer;
        nack.deliveryTime = ctx.ks.now;
        nack.deliveryCount = 1;
        consumer.pel.insert(id, nack);
      }
      propagated.push(xclaimArgv(key, groupName, group, formatId(id), nack));
    }
    if (count !== 0 && items.length === count) break;
  }
  if (lastIdMoved) propagated.push(setIdArgv(key, groupName, group));
  return items;
}

const XREAD_COMPLEXITY =
  'For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.';
const XREADGROUP_COMPLEXITY =
  'For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.';

function xread(ctx: Ctx, argv: string[]): void {
  const req = parseStreamRead(ctx, argv);
  if (readStreamsForClient(ctx, req)) return;
  // Nothing to serve: with BLOCK the dispatcher parks the client and runs retryArgv (with `$`
  // resolved) again when a stream is written; without it, and inside MULTI or scripts, Redis
  // answers as a timeout does.
  if (req.blockMs >= 0 && ctx.canBlock) {
    throw new BlockOn(req.keys, req.blockMs === 0 ? 0 : ctx.ks.now + req.blockMs, (out) => out.nullArray(), req.retryArgv);
  }
  ctx.out.nullArray();
}

export const streamReadCommands: CommandDef[] = [
  sdef('xread', -4, ['readonly', 'blocking'], XREAD_KEYS, xread,
    'Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.', XREAD_COMPLEXITY),
  sdef('xreadgroup', -7, ['write', 'blocking'], XREAD_KEYS, xread,
    'Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.', XREADGROUP_COMPLEXITY),
];
