// Stream commands as Redis 7.0.15 has them: XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID here,
// XREAD/XREADGROUP in stream-read.ts, consumer groups in stream-groups.ts and stream-claim.ts,
// XINFO in stream-info.ts. This module holds the command table.
import { intArg, isKeyword, parseInt64 } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import { StreamValue, TrimSpec } from '../types/stream';
import {
  formatId, ID_MAX, ID_ZERO, idMs, idSeq, makeId, parseRangeEnd, parseRangeStart, parseStrictId, tryParseId,
  ERR_INVALID_ID, StreamId,
} from '../types/stream-id';
import { streamClaimCommands } from './stream-claim';
import { streamGroupCommands } from './stream-groups';
import { streamInfoCommands } from './stream-info';
import { streamReadCommands } from './stream-read';
import { getStream, KEY1, replyRange, sdef, streamEntry } from './stream-util';

export { readStreamsForClient, parseStreamRead, type StreamReadRequest } from './stream-read';

/** Redis: 100 * stream-node-max-entries, the default LIMIT of `~` trimming. */
const APPROX_TRIM_DEFAULT_LIMIT = 10000;

interface AddTrimArgs {
  /** Index of the ID (XADD) or argv.length. */
  next: number;
  trim: TrimSpec | null;
  /** Index of the MAXLEN/MINID value, for the rewrite of `~` trimming. */
  trimArgIdx: number;
  limitIdx: number;
  idGiven: boolean;
  seqGiven: boolean;
  id: StreamId;
  noMkstream: boolean;
}

/** streamParseAddOrTrimArgsOrReply, with its checks in Redis's order. */
function parseAddOrTrim(argv: string[], xadd: boolean): AddTrimArgs {
  const r: AddTrimArgs = { next: argv.length, trim: null, trimArgIdx: 0, limitIdx: 0, idGiven: false, seqGiven: true, id: ID_ZERO, noMkstream: false };
  let limit = 0;
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i];
    if (xadd && opt === '*') break;
    const isMaxlen = isKeyword(opt, 'MAXLEN');
    if ((isMaxlen || isKeyword(opt, 'MINID')) && more > 0) {
      if (r.trim !== null) fail('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
      let approx = false;
      const next = argv[i + 1];
      if (more >= 2 && next === '~') {
        approx = true;
        i++;
      } else if (more >= 2 && next === '=') i++;
      let maxlen = 0;
      let minid = ID_ZERO;
      if (isMaxlen) {
        maxlen = intArg(argv[i + 1]);
        if (maxlen < 0) fail('ERR The MAXLEN argument must be >= 0.');
      } else minid = parseStrictId(argv[i + 1]);
      i++;
      r.trim = { strategy: isMaxlen ? 'maxlen' : 'minid', maxlen, minid, approx, limit: 0 };
      r.trimArgIdx = i;
    } else if (isKeyword(opt, 'LIMIT') && more > 0) {
      limit = intArg(argv[i + 1]);
      if (limit < 0) fail('ERR The LIMIT argument must be >= 0.');
      limitGiven = true;
      r.limitIdx = i;
      i++;
    } else if (xadd && isKeyword(opt, 'NOMKSTREAM')) {
      r.noMkstream = true;
    } else if (xadd) {
      const p = tryParseId(opt, 0n, true, true);
      if (p === null) fail(ERR_INVALID_ID);
      r.id = p.id;
      r.seqGiven = p.seqGiven;
      r.idGiven = true;
      break;
    } else fail(Err.syntax);
  }
  r.next = i;
  if (limit !== 0 && r.trim === null) fail('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
  if (!xadd && r.trim === null) fail('ERR syntax error, XTRIM must be called with a trimming strategy');
  if (limitGiven) {
    if (!r.trim?.approx) fail('ERR syntax error, LIMIT cannot be used without the special ~ option');
    r.trim.limit = limit;
  } else if (r.trim?.approx) r.trim.limit = APPROX_TRIM_DEFAULT_LIMIT;
  return r;
}

/**
 * After `~` trimming Redis rewrites the command it propagates to `=` and the length (or first ID)
 * reached, so a replica or a replay ends in the same state. Redis keeps a LIMIT clause there and
 * relies on replicas ignoring it; replaying `= ... LIMIT` through the normal command path would be
 * a syntax error, so the LIMIT pair is dropped (it changes nothing once the bound is exact).
 */
function rewriteApproxTrim(argv: string[], s: StreamValue, a: AddTrimArgs): void {
  const t = a.trim as TrimSpec;
  if (argv[a.trimArgIdx - 1] === '~') argv[a.trimArgIdx - 1] = '=';
  argv[a.trimArgIdx] = t.strategy === 'maxlen' ? String(s.length) : formatId(s.firstStoredIdOrMax());
  if (a.limitIdx !== 0) argv.splice(a.limitIdx, 2);
}

function xadd(ctx: Ctx, argv: string[]): void {
  const a = parseAddOrTrim(argv, true);
  const fieldPos = a.next + 1;
  if (argv.length - fieldPos < 2 || (argv.length - fieldPos) % 2 === 1) fail(Err.arity('xadd'));
  if (a.idGiven && a.seqGiven && a.id === ID_ZERO) fail('ERR The ID specified in XADD must be greater than 0-0');
  const key = argv[1];
  const e = streamEntry(ctx, key);
  if (e === undefined && a.noMkstream) {
    ctx.propagate([]);
    return ctx.out.nullBulk();
  }
  const s = e === undefined ? new StreamValue() : (e.value as StreamValue);
  if (s.lastId === ID_MAX) fail('ERR The stream has exhausted the last possible ID, unable to add more items');
  const id = nextId(ctx, s, a);
  if (id <= s.lastId) fail('ERR The ID specified in XADD is equal or smaller than the target stream top item');
  s.append(id, argv.slice(fieldPos));
  if (e === undefined) ctx.db.set(key, s);
  else ctx.db.written(key, e);
  const idText = formatId(id);
  ctx.out.bulk(idText);
  ctx.notify('t', 'xadd', key);
  let rewritten: string[] | null = null;
  if (!a.idGiven || !a.seqGiven) {
    rewritten = argv.slice();
    rewritten[a.next] = idText;
  }
  if (a.trim !== null) {
    if (s.trim(a.trim) > 0) ctx.notify('t', 'xtrim', key);
    if (a.trim.approx) {
      rewritten ??= argv.slice();
      rewriteApproxTrim(rewritten, s, a);
    }
  }
  if (rewritten !== null) ctx.propagate(rewritten);
}

/** The ID XADD adds: generated from the clock (`*`), completed (`<ms>-*`) or as given. */
function nextId(ctx: Ctx, s: StreamValue, a: AddTrimArgs): StreamId {
  if (!a.idGiven) {
    const now = BigInt(Math.max(0, Math.floor(ctx.ks.now)));
    return now > idMs(s.lastId) ? makeId(now, 0n) : s.lastId + 1n;
  }
  if (a.seqGiven) return a.id;
  if (idMs(a.id) === idMs(s.lastId)) {
    // Redis 7.0.15 reports this overflow with a stale errno, hence the odd text.
    if (idSeq(s.lastId) === 0xffffffffffffffffn) fail('ERR Elements are too large to be stored');
    return s.lastId + 1n;
  }
  return a.id;
}

function xtrim(ctx: Ctx, argv: string[]): void {
  const a = parseAddOrTrim(argv, false);
  const key = argv[1];
  const e = streamEntry(ctx, key);
  if (e === undefined) {
    ctx.propagate([]);
    return ctx.out.integer(0);
  }
  const s = e.value as StreamValue;
  const t = a.trim as TrimSpec;
  const deleted = s.trim(t);
  if (deleted > 0) {
    ctx.notify('t', 'xtrim', key);
    if (t.approx) {
      const rewritten = argv.slice();
      rewriteApproxTrim(rewritten, s, a);
      ctx.propagate(rewritten);
    }
    ctx.db.written(key, e);
  } else ctx.propagate([]);
  ctx.out.integer(deleted);
}

function xrange(ctx: Ctx, argv: string[], rev: boolean): void {
  const start = parseRangeStart(rev ? argv[3] : argv[2]);
  const end = parseRangeEnd(rev ? argv[2] : argv[3]);
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (isKeyword(argv[j], 'COUNT') && j + 1 < argv.length) {
      count = Math.max(0, intArg(argv[++j]));
    } else fail(Err.syntax);
  }
  const s = getStream(ctx, argv[1]);
  if (s === undefined) return void ctx.out.array(0);
  if (count === 0) return ctx.out.nullArray();
  replyRange(ctx, s, start, end, count === -1 ? 0 : count, rev);
}

function xlen(ctx: Ctx, argv: string[]): void {
  ctx.out.integer(getStream(ctx, argv[1])?.length ?? 0);
}

function xdel(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const e = streamEntry(ctx, key);
  if (e === undefined) {
    ctx.propagate([]);
    return ctx.out.integer(0);
  }
  const ids = argv.slice(2).map((x) => parseStrictId(x));
  const s = e.value as StreamValue;
  let deleted = 0;
  let firstDeleted = false;
  for (const id of ids) {
    if (!s.delete(id)) continue;
    if (id === s.firstId) firstDeleted = true;
    if (id > s.maxDeletedId) s.maxDeletedId = id;
    deleted++;
  }
  if (deleted > 0) {
    if (s.length === 0) s.firstId = ID_ZERO;
    else if (firstDeleted) s.firstId = s.edgeId(true, true) as StreamId;
    ctx.db.written(key, e);
    ctx.notify('t', 'xdel', key);
  } else ctx.propagate([]);
  ctx.out.integer(deleted);
}

function xsetid(ctx: Ctx, argv: string[]): void {
  const id = parseStrictId(argv[2]);
  let entriesAdded = -1;
  let maxDeleted = ID_ZERO;
  for (let i = 3; i < argv.length; i += 2) {
    const more = i + 1 < argv.length;
    if (isKeyword(argv[i], 'ENTRIESADDED') && more) {
      const v = parseInt64(argv[i + 1]);
      if (v === null) fail(Err.notInteger);
      if (v < 0n) fail('ERR entries_added must be positive');
      entriesAdded = Number(v);
    } else if (isKeyword(argv[i], 'MAXDELETEDID') && more) {
      maxDeleted = parseStrictId(argv[i + 1]);
      if (id < maxDeleted) fail('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
    } else fail(Err.syntax);
  }
  const key = argv[1];
  const e = streamEntry(ctx, key);
  if (e === undefined) fail(Err.noSuchKey);
  const s = e.value as StreamValue;
  if (s.length > 0) {
    if (id < s.lastValidId()) fail('ERR The ID specified in XSETID is smaller than the target stream top item');
    if (entriesAdded !== -1 && s.length > entriesAdded) fail('ERR The entries_added specified in XSETID is smaller than the target stream length');
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (maxDeleted !== ID_ZERO) s.maxDeletedId = maxDeleted;
  ctx.db.written(key, e);
  ctx.notify('t', 'xsetid', key);
  ctx.out.ok();
}

const RANGE_COMPLEXITY = 'O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).';

export const streamCommands: CommandDef[] = [
  sdef('xadd', -5, ['write', 'denyoom', 'fast'], KEY1, xadd, 'Appends a new entry to a stream',
    'O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.'),
  sdef('xrange', -4, ['readonly'], KEY1, (c, a) => xrange(c, a, false),
    'Return a range of elements in a stream, with IDs matching the specified IDs interval', RANGE_COMPLEXITY),
  sdef('xrevrange', -4, ['readonly'], KEY1, (c, a) => xrange(c, a, true),
    'Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE',
    'O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).'),
  sdef('xlen', 2, ['readonly', 'fast'], KEY1, xlen, 'Return the number of entries in a stream', 'O(1)'),
  sdef('xdel', -3, ['write', 'fast'], KEY1, xdel,
    'Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.',
    'O(1) for each single item to delete in the stream, regardless of the stream size.'),
  sdef('xtrim', -4, ['write'], KEY1, xtrim, "Trims the stream to (approximately if '~' is passed) a certain size",
    'O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.'),
  sdef('xsetid', -3, ['write', 'denyoom', 'fast'], KEY1, xsetid, 'An internal command for replicating stream values', 'O(1)'),
  ...streamReadCommands,
  ...streamGroupCommands,
  ...streamClaimCommands,
  ...streamInfoCommands,
];
