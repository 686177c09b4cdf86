// Hash commands as Redis 7.0 has them. HRANDFIELD and HSCAN are in hash-scan.ts; every change to a
// HashValue goes through hash-fields.ts.
import { addLongDouble, formatLongDoubleValue, isFiniteLongDouble, parseLongDouble } from '@strata/resp';
import { parseInt64, parseSafeInteger } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef } from '../table';
import { HashValue } from '../types/values';
import { convertForArgs, deleteField, setField } from './hash-fields';
import { hashScanCommands } from './hash-scan';
import { getHash, lookupTyped } from './util';

const K1 = { first: 1, last: 1, step: 1 };
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * hashTypeLookupWriteOrCreate: the hash at key, or a new one that `commit` stores. Callers change
 * the hash first and commit after, so the keyspace records the write once it is done.
 */
function hashForWrite(ctx: Ctx, key: string): { hv: HashValue; commit: () => void } {
  const e = lookupTyped(ctx, key, HashValue);
  if (e !== undefined) return { hv: e.value as HashValue, commit: () => ctx.db.written(key, e) };
  const hv = new HashValue();
  return { hv, commit: () => ctx.db.set(key, hv) };
}

function hset(ctx: Ctx, argv: string[], isHmset: boolean): void {
  if (argv.length % 2 === 1) fail(Err.arity(isHmset ? 'hmset' : 'hset'));
  const key = argv[1];
  const { hv, commit } = hashForWrite(ctx, key);
  convertForArgs(hv, argv, 2, argv.length - 1);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (setField(hv, argv[i], argv[i + 1])) created++;
  commit();
  if (isHmset) ctx.out.ok();
  else ctx.out.integer(created);
  ctx.notify('h', 'hset', key);
}

function hsetnx(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const { hv, commit } = hashForWrite(ctx, key);
  if (hv.map.has(argv[2])) return ctx.out.integer(0);
  convertForArgs(hv, argv, 2, 3);
  setField(hv, argv[2], argv[3]);
  commit();
  ctx.out.integer(1);
  ctx.notify('h', 'hset', key);
}

function hget(ctx: Ctx, argv: string[]): void {
  const v = getHash(ctx, argv[1])?.map.get(argv[2]);
  if (v === undefined) ctx.out.nullBulk();
  else ctx.out.bulk(v);
}

function hmget(ctx: Ctx, argv: string[]): void {
  const map = getHash(ctx, argv[1])?.map;
  ctx.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const v = map?.get(argv[i]);
    if (v === undefined) ctx.out.nullBulk();
    else ctx.out.bulk(v);
  }
}

function hdel(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const e = lookupTyped(ctx, key, HashValue);
  if (e === undefined) return ctx.out.integer(0);
  const hv = e.value as HashValue;
  let deleted = 0;
  let keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (!deleteField(hv, argv[i])) continue;
    deleted++;
    if (hv.map.size === 0) {
      ctx.db.delete(key);
      keyRemoved = true;
      break;
    }
  }
  if (deleted > 0) {
    if (!keyRemoved) ctx.db.written(key, e);
    ctx.notify('h', 'hdel', key);
    if (keyRemoved) ctx.notify('g', 'del', key);
  }
  ctx.out.integer(deleted);
}

function hlen(ctx: Ctx, argv: string[]): void {
  ctx.out.integer(getHash(ctx, argv[1])?.map.size ?? 0);
}

function hstrlen(ctx: Ctx, argv: string[]): void {
  ctx.out.integer(getHash(ctx, argv[1])?.map.get(argv[2])?.length ?? 0);
}

function hexists(ctx: Ctx, argv: string[]): void {
  ctx.out.integer(getHash(ctx, argv[1])?.map.has(argv[2]) ? 1 : 0);
}

function hgetall(ctx: Ctx, argv: string[], keys: boolean, values: boolean): void {
  const map = getHash(ctx, argv[1])?.map;
  const n = map?.size ?? 0;
  if (keys && values) ctx.out.map(n);
  else ctx.out.array(n);
  if (map === undefined) return;
  for (const [f, v] of map) {
    if (keys) ctx.out.bulk(f);
    if (values) ctx.out.bulk(v);
  }
}

function hincrby(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const field = argv[2];
  const incr = parseInt64(argv[3]);
  if (incr === null) fail(Err.notInteger);
  const { hv, commit } = hashForWrite(ctx, key);
  const cur = hv.map.get(field);
  let next: number | bigint;
  const small = cur === undefined ? 0 : parseSafeInteger(cur);
  const smallIncr = parseSafeInteger(argv[3]);
  if (small !== null && smallIncr !== null && Number.isSafeInteger(small + smallIncr)) next = small + smallIncr;
  else {
    const old = cur === undefined ? 0n : parseInt64(cur);
    if (old === null) fail(Err.hashNotInteger);
    const sum = old + incr;
    if (sum > INT64_MAX || sum < INT64_MIN) fail(Err.overflow);
    next = sum;
  }
  setField(hv, field, String(next));
  commit();
  ctx.out.integer(next);
  ctx.notify('h', 'hincrby', key);
}

function hincrbyfloat(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const field = argv[2];
  // Redis adds in long double: the long-double helpers reproduce its sum and its text exactly.
  const incr = parseLongDouble(argv[3]);
  if (incr === null) fail(Err.notFloat);
  if (!isFiniteLongDouble(incr)) fail('ERR value is NaN or Infinity');
  const { hv, commit } = hashForWrite(ctx, key);
  const cur = hv.map.get(field);
  const old = cur === undefined ? parseLongDouble('0') : parseLongDouble(cur);
  if (old === null) fail(Err.hashNotFloat);
  const sum = addLongDouble(old, incr);
  if (!isFiniteLongDouble(sum)) fail(Err.nanOrInfinity);
  const text = formatLongDoubleValue(sum);
  setField(hv, field, text);
  commit();
  ctx.out.bulk(text);
  ctx.notify('h', 'hincrbyfloat', key);
  ctx.propagate(['HSET', key, field, text]);
}

function def(
  name: string,
  arity: number,
  flags: CommandDef['flags'],
  handler: CommandDef['handler'],
  summary: string,
  since: string,
  complexity: string,
): CommandDef {
  return { name, arity, flags, keys: K1, acl: ['hash'], group: 'hash', since, summary, complexity, handler };
}

const ALL = 'O(N) where N is the size of the hash.';

export const hashCommands: CommandDef[] = [
  def('hset', -4, ['write', 'denyoom', 'fast'], (c, a) => hset(c, a, false), 'Set the string value of a hash field', '2.0.0', 'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.'),
  def('hsetnx', 4, ['write', 'denyoom', 'fast'], hsetnx, 'Set the value of a hash field, only if the field does not exist', '2.0.0', 'O(1)'),
  def('hget', 3, ['readonly', 'fast'], hget, 'Get the value of a hash field', '2.0.0', 'O(1)'),
  def('hmset', -4, ['write', 'denyoom', 'fast'], (c, a) => hset(c, a, true), 'Set multiple hash fields to multiple values', '2.0.0', 'O(N) where N is the number of fields being set.'),
  def('hmget', -3, ['readonly', 'fast'], hmget, 'Get the values of all the given hash fields', '2.0.0', 'O(N) where N is the number of fields being requested.'),
  def('hdel', -3, ['write', 'fast'], hdel, 'Delete one or more hash fields', '2.0.0', 'O(N) where N is the number of fields to be removed.'),
  def('hlen', 2, ['readonly', 'fast'], hlen, 'Get the number of fields in a hash', '2.0.0', 'O(1)'),
  def('hstrlen', 3, ['readonly', 'fast'], hstrlen, 'Get the length of the value of a hash field', '3.2.0', 'O(1)'),
  def('hexists', 3, ['readonly', 'fast'], hexists, 'Determine if a hash field exists', '2.0.0', 'O(1)'),
  def('hkeys', 2, ['readonly'], (c, a) => hgetall(c, a, true, false), 'Get all the fields in a hash', '2.0.0', ALL),
  def('hvals', 2, ['readonly'], (c, a) => hgetall(c, a, false, true), 'Get all the values in a hash', '2.0.0', ALL),
  def('hgetall', 2, ['readonly'], (c, a) => hgetall(c, a, true, true), 'Get all the fields and values in a hash', '2.0.0', ALL),
  def('hincrby', 4, ['write', 'denyoom', 'fast'], hincrby, 'Increment the integer value of a hash field by the given number', '2.0.0', 'O(1)'),
  def('hincrbyfloat', 4, ['write', 'denyoom', 'fast'], hincrbyfloat, 'Increment the float value of a hash field by the given amount', '2.6.0', 'O(1)'),
  ...hashScanCommands,
];
