import { incrByFloat } from '@strata/resp';
import { parseInt64, parseSafeInteger } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import { expireArgToMs } from './expire-args';
import { getString, lookupTyped } from './util';

export const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;

const K1 = { first: 1, last: 1, step: 1 };

function checkStringLength(ctx: Ctx, size: number): void {
  if (size > ctx.server.maxBulkLen) fail(Err.stringTooLong);
}

function get(ctx: Ctx, argv: string[]): void {
  const v = getString(ctx, argv[1]);
  if (v === undefined) ctx.out.nullBulk();
  else ctx.out.bulk(v);
}

const SET_UNITS = ['EX', 'PX', 'EXAT', 'PXAT'] as const;

function set(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  let nx = false;
  let xx = false;
  let wantGet = false;
  let keepTtl = false;
  let expireAt = 0;
  let unitSeen = false;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i].toUpperCase();
    const next = i + 1 < argv.length;
    if (opt === 'NX' && !xx) nx = true;
    else if (opt === 'XX' && !nx) xx = true;
    else if (opt === 'GET') wantGet = true;
    else if (opt === 'KEEPTTL' && !unitSeen) keepTtl = true;
    else if ((SET_UNITS as readonly string[]).includes(opt) && !keepTtl && !unitSeen && next) {
      unitSeen = true;
      expireAt = expireArgToMs(argv[++i], opt as (typeof SET_UNITS)[number], ctx.ks.now, 'set');
    } else fail(Err.syntax);
  }
  if (wantGet) get(ctx, argv);
  const found = ctx.db.get(key) !== undefined;
  if ((nx && found) || (xx && !found)) {
    if (!wantGet) ctx.out.nullBulk();
    return;
  }
  const e = ctx.db.set(key, argv[2], keepTtl);
  ctx.notify('$', 'set', key);
  if (expireAt) {
    ctx.db.setExpire(key, e, expireAt);
    ctx.notify('g', 'expire', key);
  }
  if (!wantGet) ctx.out.ok();
}

function setnx(ctx: Ctx, argv: string[]): void {
  if (ctx.db.get(argv[1]) !== undefined) return ctx.out.integer(0);
  ctx.db.set(argv[1], argv[2]);
  ctx.notify('$', 'set', argv[1]);
  ctx.out.integer(1);
}

function setexGeneric(ctx: Ctx, argv: string[], unit: 'EX' | 'PX'): void {
  const at = expireArgToMs(argv[2], unit, ctx.ks.now, argv[0].toLowerCase());
  const e = ctx.db.set(argv[1], argv[3]);
  ctx.notify('$', 'set', argv[1]);
  ctx.db.setExpire(argv[1], e, at);
  ctx.notify('g', 'expire', argv[1]);
  ctx.out.ok();
}

function getset(ctx: Ctx, argv: string[]): void {
  get(ctx, argv);
  ctx.db.set(argv[1], argv[2]);
  ctx.notify('$', 'set', argv[1]);
}

function getdel(ctx: Ctx, argv: string[]): void {
  const v = getString(ctx, argv[1]);
  if (v === undefined) return ctx.out.nullBulk();
  ctx.out.bulk(v);
  ctx.db.delete(argv[1]);
  ctx.notify('g', 'del', argv[1]);
}

function getex(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  let at = -1; // -1: leave the TTL alone; 0: PERSIST
  let chosen = false;
  for (let i = 2; i < argv.length; i++) {
    const opt = argv[i].toUpperCase();
    if ((SET_UNITS as readonly string[]).includes(opt) && !chosen && i + 1 < argv.length) {
      at = expireArgToMs(argv[++i], opt as (typeof SET_UNITS)[number], ctx.ks.now, 'getex');
      chosen = true;
    } else if (opt === 'PERSIST' && !chosen) {
      at = 0;
      chosen = true;
    } else fail(Err.syntax);
  }
  const e = lookupTyped(ctx, key, 'string');
  if (e === undefined) return ctx.out.nullBulk();
  ctx.out.bulk(e.value as string);
  if (at > 0 && at <= ctx.ks.now) {
    ctx.db.delete(key);
    ctx.propagate(['DEL', key]);
    ctx.notify('g', 'del', key);
  } else if (at > 0) {
    ctx.db.setExpire(key, e, at);
    ctx.propagate(['PEXPIREAT', key, String(at)]);
    ctx.notify('g', 'expire', key);
  } else if (at === 0 && e.expireAt !== 0) {
    ctx.db.setExpire(key, e, 0);
    ctx.propagate(['PERSIST', key]);
    ctx.notify('g', 'persist', key);
  } else {
    ctx.propagate([]); // a plain GETEX changes nothing
  }
}

function mget(ctx: Ctx, argv: string[]): void {
  ctx.out.array(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const e = ctx.db.get(argv[i]);
    if (e === undefined || typeof e.value !== 'string') ctx.out.nullBulk();
    else ctx.out.bulk(e.value);
  }
}

function msetGeneric(ctx: Ctx, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) fail(Err.arity(nx ? 'msetnx' : 'mset'));
  if (nx) {
    for (let i = 1; i < argv.length; i += 2) {
      if (ctx.db.get(argv[i]) !== undefined) return ctx.out.integer(0);
    }
  }
  for (let i = 1; i < argv.length; i += 2) {
    ctx.db.set(argv[i], argv[i + 1]);
    ctx.notify('$', 'set', argv[i]);
  }
  if (nx) ctx.out.integer(1);
  else ctx.out.ok();
}

function append(ctx: Ctx, argv: string[]): void {
  const e = lookupTyped(ctx, argv[1], 'string');
  if (e === undefined) {
    ctx.db.set(argv[1], argv[2]);
    ctx.out.integer(argv[2].length);
  } else {
    const cur = e.value as string;
    checkStringLength(ctx, cur.length + argv[2].length);
    e.value = cur + argv[2];
    ctx.db.written(argv[1], e);
    ctx.out.integer((e.value as string).length);
  }
  ctx.notify('$', 'append', argv[1]);
}

function strlen(ctx: Ctx, argv: string[]): void {
  ctx.out.integer(getString(ctx, argv[1])?.length ?? 0);
}

const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

function incrGeneric(ctx: Ctx, key: string, by: number | bigint): void {
  const e = lookupTyped(ctx, key, 'string');
  let next: number | bigint;
  if (e === undefined) {
    next = by;
  } else {
    const cur = e.value as string;
    const small = parseSafeInteger(cur);
    if (small !== null && typeof by === 'number' && Number.isSafeInteger(small + by)) {
      next = small + by;
    } else {
      const big = small !== null ? BigInt(small) : parseInt64(cur);
      if (big === null) fail(Err.notInteger);
      const sum = big + BigInt(by);
      if (sum > I64_MAX || sum < I64_MIN) fail(Err.overflow);
      next = sum;
    }
  }
  const s = typeof next === 'bigint' ? next.toString() : next === 0 ? '0' : String(next);
  if (e === undefined) ctx.db.set(key, s);
  else {
    e.value = s;
    ctx.db.written(key, e);
  }
  ctx.notify('$', 'incrby', key);
  ctx.out.integer(next);
}

function incrbyArg(arg: string): number | bigint {
  const small = parseSafeInteger(arg);
  if (small !== null) return small;
  const big = parseInt64(arg);
  if (big === null) fail(Err.notInteger);
  return big;
}

function decrby(ctx: Ctx, argv: string[]): void {
  const by = incrbyArg(argv[2]);
  if (by === I64_MIN) fail('ERR decrement would overflow');
  incrGeneric(ctx, argv[1], typeof by === 'bigint' ? -by : -by);
}

function incrbyfloat(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const e = lookupTyped(ctx, key, 'string');
  // Redis adds in long double precision; incrByFloat reproduces its sum and its text.
  const s = incrByFloat(e === undefined ? '0' : (e.value as string), argv[2]);
  if (s === 'not-float') fail(Err.notFloat);
  if (s === 'nan-or-inf') fail(Err.nanOrInfinity);
  if (e === undefined) ctx.db.set(key, s);
  else {
    e.value = s;
    ctx.db.written(key, e);
  }
  ctx.notify('$', 'incrbyfloat', key);
  ctx.propagate(['SET', key, s, 'KEEPTTL']);
  ctx.out.bulk(s);
}

function setrange(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const offset = parseSafeInteger(argv[2]);
  if (offset === null) fail(Err.notInteger);
  if (offset < 0) fail('ERR offset is out of range');
  const value = argv[3];
  const e = lookupTyped(ctx, key, 'string');
  if (e === undefined) {
    if (value.length === 0) return ctx.out.integer(0);
    checkStringLength(ctx, offset + value.length);
    ctx.db.set(key, '\0'.repeat(offset) + value);
    ctx.notify('$', 'setrange', key);
    return ctx.out.integer(offset + value.length);
  }
  const cur = e.value as string;
  if (value.length === 0) return ctx.out.integer(cur.length);
  checkStringLength(ctx, offset + value.length);
  const padded = cur.length < offset ? cur + '\0'.repeat(offset - cur.length) : cur;
  e.value = padded.slice(0, offset) + value + padded.slice(offset + value.length);
  ctx.db.written(key, e);
  ctx.notify('$', 'setrange', key);
  ctx.out.integer((e.value as string).length);
}

function getrange(ctx: Ctx, argv: string[]): void {
  let start = parseSafeInteger(argv[2]);
  let end = parseSafeInteger(argv[3]);
  if (start === null || end === null) {
    const s = parseInt64(argv[2]);
    const t = parseInt64(argv[3]);
    if (s === null || t === null) fail(Err.notInteger);
    start = s > 0n ? Number.MAX_SAFE_INTEGER : s < 0n ? Number.MIN_SAFE_INTEGER : Number(s);
    end = t > 0n ? Number.MAX_SAFE_INTEGER : t < 0n ? Number.MIN_SAFE_INTEGER : Number(t);
  }
  const v = getString(ctx, argv[1]) ?? '';
  const len = v.length;
  if (start < 0 && end < 0 && start > end) return ctx.out.bulk('');
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return ctx.out.bulk('');
  ctx.out.bulk(v.slice(start, end + 1));
}

function lcs(ctx: Ctx, argv: string[]): void {
  let wantLen = false;
  let wantIdx = false;
  let minMatchLen = 0;
  let withMatchLen = false;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i].toUpperCase();
    if (opt === 'IDX') wantIdx = true;
    else if (opt === 'LEN') wantLen = true;
    else if (opt === 'WITHMATCHLEN') withMatchLen = true;
    else if (opt === 'MINMATCHLEN' && i + 1 < argv.length) {
      const v = parseSafeInteger(argv[++i]);
      if (v === null) fail(Err.notInteger);
      minMatchLen = v < 0 ? 0 : v;
    } else fail(Err.syntax);
  }
  const ea = ctx.db.get(argv[1]);
  const eb = ctx.db.get(argv[2]);
  if ((ea && typeof ea.value !== 'string') || (eb && typeof eb.value !== 'string'))
    fail('ERR The specified keys must contain string values');
  if (wantLen && wantIdx) fail('ERR If you want both the length and indexes, please just use IDX.');
  const a = (ea?.value as string | undefined) ?? '';
  const b = (eb?.value as string | undefined) ?? '';
  const cols = b.length + 1;
  if ((a.length + 1) * cols * 4 > ctx.server.maxBulkLen)
    fail('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  // dp[i][j]: LCS length of a[0..i) and b[0..j)
  const dp = new Uint32Array((a.length + 1) * cols);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i * cols + j] =
        a.charCodeAt(i - 1) === b.charCodeAt(j - 1)
          ? dp[(i - 1) * cols + j - 1] + 1
          : Math.max(dp[(i - 1) * cols + j], dp[i * cols + j - 1]);
    }
  }
  const total = dp[a.length * cols + b.length];
  if (wantLen) return ctx.out.integer(total);
  // Walk back from the end, collecting the string and (for IDX) the matching ranges.
  const chars: string[] = [];
  const matches: [number, number, number, number][] = [];
  let i = a.length;
  let j = b.length;
  let range: [number, number, number, number] | null = null; // aStart, aEnd, bStart, bEnd
  const flush = () => {
    if (range && range[1] - range[0] + 1 >= minMatchLen) matches.push(range);
    range = null;
  };
  while (i > 0 && j > 0) {
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars.push(a[i - 1]);
      if (range && range[0] === i && range[2] === j) {
        range[0] = i - 1;
        range[2] = j - 1;
      } else {
        flush();
        range = [i - 1, i - 1, j - 1, j - 1];
      }
      i--;
      j--;
    } else if (dp[(i - 1) * cols + j] > dp[i * cols + j - 1]) i--;
    else j--;
  }
  flush();
  if (!wantIdx) return ctx.out.bulk(chars.reverse().join(''));
  ctx.out.map(2);
  ctx.out.bulk('matches');
  ctx.out.array(matches.length);
  for (const m of matches) {
    ctx.out.array(withMatchLen ? 3 : 2);
    ctx.out.array(2);
    ctx.out.integer(m[0]);
    ctx.out.integer(m[1]);
    ctx.out.array(2);
    ctx.out.integer(m[2]);
    ctx.out.integer(m[3]);
    if (withMatchLen) ctx.out.integer(m[1] - m[0] + 1);
  }
  ctx.out.bulk('len');
  ctx.out.integer(total);
}

function def(
  name: string,
  arity: number,
  flags: CommandDef['flags'],
  handler: CommandDef['handler'],
  summary: string,
  since: string,
  keys = K1,
  complexity = 'O(1)',
): CommandDef {
  return { name, arity, flags, keys, acl: ['string'], group: 'string', since, summary, complexity, handler };
}

export const stringCommands: CommandDef[] = [
  def('get', 2, ['readonly', 'fast'], get, 'Returns the string value of a key.', '1.0.0'),
  def('set', -3, ['write', 'denyoom'], set, 'Sets the string value of a key, ignoring its type. The key is created if it doesn\'t exist.', '1.0.0'),
  def('setnx', 3, ['write', 'denyoom', 'fast'], setnx, 'Set the string value of a key only when the key doesn\'t exist.', '1.0.0'),
  def('setex', 4, ['write', 'denyoom'], (c, a) => setexGeneric(c, a, 'EX'), 'Sets the string value and expiration time of a key. Creates the key if it doesn\'t exist.', '2.0.0'),
  def('psetex', 4, ['write', 'denyoom'], (c, a) => setexGeneric(c, a, 'PX'), 'Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn\'t exist.', '2.6.0'),
  def('getset', 3, ['write', 'denyoom', 'fast'], getset, 'Returns the previous string value of a key after setting it to a new value.', '1.0.0'),
  def('getdel', 2, ['write', 'fast'], getdel, 'Returns the string value of a key after deleting the key.', '6.2.0'),
  def('getex', -2, ['write', 'fast'], getex, 'Returns the string value of a key after setting its expiration time.', '6.2.0'),
  def('mget', -2, ['readonly', 'fast'], mget, 'Atomically returns the string values of one or more keys.', '1.0.0', { first: 1, last: -1, step: 1 }, 'O(N)'),
  def('mset', -3, ['write', 'denyoom'], (c, a) => msetGeneric(c, a, false), 'Atomically creates or modifies the string values of one or more keys.', '1.0.1', { first: 1, last: -1, step: 2 }, 'O(N)'),
  def('msetnx', -3, ['write', 'denyoom'], (c, a) => msetGeneric(c, a, true), 'Atomically modifies the string values of one or more keys only when all keys don\'t exist.', '1.0.1', { first: 1, last: -1, step: 2 }, 'O(N)'),
  def('append', 3, ['write', 'denyoom', 'fast'], append, 'Appends a string to the value of a key. Creates the key if it doesn\'t exist.', '2.0.0'),
  def('strlen', 2, ['readonly', 'fast'], strlen, 'Returns the length of a string value.', '2.2.0'),
  def('incr', 2, ['write', 'denyoom', 'fast'], (c, a) => incrGeneric(c, a[1], 1), 'Increments the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.', '1.0.0'),
  def('decr', 2, ['write', 'denyoom', 'fast'], (c, a) => incrGeneric(c, a[1], -1), 'Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.', '1.0.0'),
  def('incrby', 3, ['write', 'denyoom', 'fast'], (c, a) => incrGeneric(c, a[1], incrbyArg(a[2])), 'Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.', '1.0.0'),
  def('decrby', 3, ['write', 'denyoom', 'fast'], decrby, 'Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn\'t exist.', '1.0.0'),
  def('incrbyfloat', 3, ['write', 'denyoom', 'fast'], incrbyfloat, 'Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.', '2.6.0'),
  def('setrange', 4, ['write', 'denyoom'], setrange, 'Overwrites a part of a string value with another by an offset. Creates the key if it doesn\'t exist.', '2.2.0'),
  def('getrange', 4, ['readonly'], getrange, 'Returns a substring of the string stored at a key.', '2.4.0', K1, 'O(N)'),
  def('substr', 4, ['readonly'], getrange, 'Returns a substring from a string value.', '1.0.0', K1, 'O(N)'),
  def('lcs', -3, ['readonly'], lcs, 'Finds the longest common substring.', '7.0.0', { first: 1, last: 2, step: 1 }, 'O(N*M)'),
];


