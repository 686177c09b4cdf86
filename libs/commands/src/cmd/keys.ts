import { SLOT_COUNT } from '@strata/cluster';
import { parseInt64, parseSafeInteger } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef, KeySpec } from '../table';
import { cloneValue } from '../types/clone';
import { typeOf } from '../types/values';
import { globMatch } from './util';

const K1: KeySpec = { first: 1, last: 1, step: 1 };
const K12: KeySpec = { first: 1, last: 2, step: 1 };
const ALL: KeySpec = { first: 1, last: -1, step: 1 };

function del(ctx: Ctx, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    if (ctx.db.delete(argv[i])) {
      ctx.notify('g', 'del', argv[i]);
      n++;
    }
  }
  ctx.out.integer(n);
}

function exists(ctx: Ctx, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.db.get(argv[i]) !== undefined) n++;
  ctx.out.integer(n);
}

function touch(ctx: Ctx, argv: string[]): void {
  exists(ctx, argv);
}

function type(ctx: Ctx, argv: string[]): void {
  const e = ctx.db.get(argv[1]);
  ctx.out.simple(e === undefined ? 'none' : typeOf(e.value));
}

function renameGeneric(ctx: Ctx, argv: string[], nx: boolean): void {
  const [, src, dst] = argv;
  const e = ctx.db.get(src);
  if (e === undefined) fail(Err.noSuchKey);
  if (src === dst) return nx ? ctx.out.integer(0) : ctx.out.ok();
  if (ctx.db.get(dst) !== undefined) {
    if (nx) return ctx.out.integer(0);
    ctx.db.delete(dst);
  }
  const expireAt = e.expireAt;
  ctx.db.delete(src);
  const moved = ctx.db.set(dst, e.value);
  if (expireAt) ctx.db.setExpire(dst, moved, expireAt);
  ctx.notify('g', 'rename_from', src);
  ctx.notify('g', 'rename_to', dst);
  if (nx) ctx.out.integer(1);
  else ctx.out.ok();
}

function dbArg(ctx: Ctx, arg: string): number {
  const n = parseSafeInteger(arg);
  if (n === null) fail(Err.notInteger);
  if (n < 0 || n >= ctx.ks.dbs.length) fail(Err.dbIndexOutOfRange);
  return n;
}

function move(ctx: Ctx, argv: string[]): void {
  const target = dbArg(ctx, argv[2]);
  if (target === ctx.db.index) fail(Err.sameObject);
  const e = ctx.db.get(argv[1]);
  if (e === undefined) return ctx.out.integer(0);
  const dst = ctx.ks.dbs[target];
  if (dst.get(argv[1]) !== undefined) return ctx.out.integer(0);
  const expireAt = e.expireAt;
  ctx.db.delete(argv[1]);
  const moved = dst.set(argv[1], e.value);
  if (expireAt) dst.setExpire(argv[1], moved, expireAt);
  ctx.notify('g', 'move_from', argv[1]);
  ctx.notify('g', 'move_to', argv[1], target);
  ctx.out.integer(1);
}

function copy(ctx: Ctx, argv: string[]): void {
  const [, src, dstKey] = argv;
  let dst = ctx.db;
  let replace = false;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i].toUpperCase();
    if (opt === 'REPLACE') replace = true;
    else if (opt === 'DB' && i + 1 < argv.length) dst = ctx.ks.dbs[dbArg(ctx, argv[++i])];
    else fail(Err.syntax);
  }
  if (src === dstKey && dst === ctx.db) fail(Err.sameObject);
  const e = ctx.db.get(src);
  if (e === undefined) return ctx.out.integer(0);
  if (dst.get(dstKey) !== undefined) {
    if (!replace) return ctx.out.integer(0);
    dst.delete(dstKey);
  }
  const copied = dst.set(dstKey, cloneValue(e.value));
  if (e.expireAt) dst.setExpire(dstKey, copied, e.expireAt);
  ctx.notify('g', 'copy_to', dstKey, dst.index);
  ctx.out.integer(1);
}

function hasGlob(p: string): boolean {
  return /[*?[\\]/.test(p);
}

function keys(ctx: Ctx, argv: string[]): void {
  const pattern = argv[1];
  const out: string[] = [];
  if (!hasGlob(pattern)) {
    if (ctx.db.get(pattern) !== undefined) out.push(pattern);
  } else {
    const all = pattern === '*';
    for (const k of ctx.db.keys()) if (all || globMatch(pattern, k)) out.push(k);
  }
  ctx.out.array(out.length);
  for (const k of out) ctx.out.bulk(k);
}

/**
 * A SCAN cursor as Redis parses it (strtoul: optional sign, decimal digits, at most 2^64-1); ours
 * is the next slot to visit, so anything beyond the last slot means "done".
 */
export function parseCursor(arg: string): number {
  if (!/^[+-]?[0-9]*$/.test(arg)) fail(Err.invalidCursor);
  const digits = arg.replace(/^[+-]/, '');
  if (digits.length === 0) return 0;
  const n = BigInt(digits);
  if (n > 18446744073709551615n) fail(Err.invalidCursor);
  if (arg[0] === '-' && n !== 0n) return SLOT_COUNT;
  return n >= BigInt(SLOT_COUNT) ? SLOT_COUNT : Number(n);
}

/** Parses MATCH/COUNT/TYPE from argv[from..]. */
export function scanOptions(argv: string[], from: number, allowType: boolean): { match?: string; count: number; type?: string } {
  const o: { match?: string; count: number; type?: string } = { count: 10 };
  for (let i = from; i < argv.length; i++) {
    const opt = argv[i].toUpperCase();
    if (i + 1 >= argv.length) fail(Err.syntax);
    if (opt === 'COUNT') {
      const n = parseSafeInteger(argv[++i]);
      if (n === null) fail(Err.notInteger);
      if (n < 1) fail(Err.syntax);
      o.count = n;
    } else if (opt === 'MATCH') o.match = argv[++i];
    else if (opt === 'TYPE' && allowType) o.type = argv[++i].toLowerCase();
    else fail(Err.syntax);
  }
  return o;
}

/**
 * SCAN walks the keyspace slot by slot and returns whole slots, so a key present for the whole scan
 * is returned whatever else is added or deleted; the cursor is the next slot (0 when done). A slot
 * is the same unit the store scans for cold keys.
 */
function scan(ctx: Ctx, argv: string[]): void {
  let slot = parseCursor(argv[1]);
  const { match, count, type } = scanOptions(argv, 2, true);
  const found: string[] = [];
  const now = ctx.ks.now;
  let visited = 0;
  // Like Redis's count*10 bound on bucket visits; a database no bigger than COUNT is finished in
  // one call, as Redis finishes a small hash table.
  const maxVisits = ctx.db.size <= count ? SLOT_COUNT : Math.max(count * 10, 100);
  while (slot < SLOT_COUNT && found.length < count && visited < maxVisits) {
    const map = ctx.db.slotKeys(slot);
    slot++;
    visited++;
    if (map === undefined || map.size === 0) continue;
    for (const [k, e] of map) {
      if (e.expireAt !== 0 && e.expireAt <= now) continue;
      if (match !== undefined && match !== '*' && !globMatch(match, k)) continue;
      if (type !== undefined && typeOf(e.value) !== type) continue;
      found.push(k);
    }
  }
  // Expired keys met on the way are removed as Redis's scan does.
  ctx.out.array(2);
  ctx.out.bulk(slot >= SLOT_COUNT ? '0' : String(slot));
  ctx.out.array(found.length);
  for (const k of found) ctx.out.bulk(k);
}

function randomkey(ctx: Ctx): void {
  const k = ctx.db.randomKey();
  if (k === undefined) ctx.out.nullBulk();
  else ctx.out.bulk(k);
}

const EXP_NX = 1;
const EXP_XX = 2;
const EXP_GT = 4;
const EXP_LT = 8;

function expireGeneric(ctx: Ctx, argv: string[], base: 'now' | 'abs', unit: 's' | 'ms'): void {
  const key = argv[1];
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const o = argv[i].toUpperCase();
    if (o === 'NX') flags |= EXP_NX;
    else if (o === 'XX') flags |= EXP_XX;
    else if (o === 'GT') flags |= EXP_GT;
    else if (o === 'LT') flags |= EXP_LT;
    else fail(`ERR Unsupported option ${argv[i]}`);
  }
  if (flags & EXP_NX && flags & (EXP_XX | EXP_GT | EXP_LT))
    fail('ERR NX and XX, GT or LT options at the same time are not compatible');
  if (flags & EXP_GT && flags & EXP_LT) fail('ERR GT and LT options at the same time are not compatible');
  const name = argv[0].toLowerCase();
  const big = parseInt64(argv[2]);
  if (big === null) fail(Err.notInteger);
  let when = big;
  if (unit === 's') {
    if (when > 9223372036854775807n / 1000n || when < -9223372036854775808n / 1000n) fail(Err.invalidExpire(name));
    when *= 1000n;
  }
  const baseMs = base === 'now' ? BigInt(ctx.ks.now) : 0n;
  if (when > 9223372036854775807n - baseMs) fail(Err.invalidExpire(name));
  when += baseMs;
  const e = ctx.db.get(key);
  if (e === undefined) return ctx.out.integer(0);
  const at = Number(when);
  if (flags) {
    const cur = e.expireAt === 0 ? -1 : e.expireAt;
    if (flags & EXP_NX && cur !== -1) return ctx.out.integer(0);
    if (flags & EXP_XX && cur === -1) return ctx.out.integer(0);
    if (flags & EXP_GT && (at <= cur || cur === -1)) return ctx.out.integer(0);
    if (flags & EXP_LT && cur !== -1 && at >= cur) return ctx.out.integer(0);
  }
  if (at <= ctx.ks.now) {
    ctx.db.delete(key);
    ctx.propagate(['DEL', key]);
    ctx.notify('g', 'del', key);
  } else {
    ctx.db.setExpire(key, e, at);
    ctx.propagate(['PEXPIREAT', key, String(at)]);
    ctx.notify('g', 'expire', key);
  }
  ctx.out.integer(1);
}

function ttlGeneric(ctx: Ctx, argv: string[], mode: 'ttl' | 'pttl' | 'expiretime' | 'pexpiretime'): void {
  const e = ctx.db.peek(argv[1]);
  if (e === undefined) return ctx.out.integer(-2);
  if (e.expireAt === 0) return ctx.out.integer(-1);
  const left = Math.max(0, e.expireAt - ctx.ks.now);
  if (mode === 'ttl') ctx.out.integer(Math.floor((left + 500) / 1000));
  else if (mode === 'pttl') ctx.out.integer(left);
  else if (mode === 'expiretime') ctx.out.integer(Math.floor(e.expireAt / 1000));
  else ctx.out.integer(e.expireAt);
}

function persist(ctx: Ctx, argv: string[]): void {
  const e = ctx.db.get(argv[1]);
  if (e === undefined || e.expireAt === 0) return ctx.out.integer(0);
  ctx.db.setExpire(argv[1], e, 0);
  ctx.notify('g', 'persist', argv[1]);
  ctx.out.integer(1);
}

function d(name: string, arity: number, flags: CommandDef['flags'], handler: CommandDef['handler'], summary: string, since: string, keys: KeySpec = K1, complexity = 'O(1)'): CommandDef {
  return { name, arity, flags, keys, acl: ['keyspace'], group: 'generic', since, summary, complexity, handler };
}

export const keyCommands: CommandDef[] = [
  d('del', -2, ['write'], del, 'Deletes one or more keys.', '1.0.0', ALL, 'O(N)'),
  d('unlink', -2, ['write', 'fast'], del, 'Asynchronously deletes one or more keys.', '4.0.0', ALL, 'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.'),
  d('exists', -2, ['readonly', 'fast'], exists, 'Determines whether one or more keys exist.', '1.0.0', ALL, 'O(N) where N is the number of keys to check.'),
  d('touch', -2, ['readonly', 'fast'], touch, 'Returns the number of existing keys out of those specified after updating the time they were last accessed.', '3.2.1', ALL, 'O(N) where N is the number of keys that will be touched.'),
  d('type', 2, ['readonly', 'fast'], type, 'Determines the type of value stored at a key.', '1.0.0'),
  d('rename', 3, ['write'], (c, a) => renameGeneric(c, a, false), 'Renames a key and overwrites the destination.', '1.0.0', K12),
  d('renamenx', 3, ['write', 'fast'], (c, a) => renameGeneric(c, a, true), 'Renames a key only when the target key name doesn\'t exist.', '1.0.0', K12),
  d('move', 3, ['write', 'fast'], move, 'Moves a key to another database.', '1.0.0'),
  d('copy', -3, ['write', 'denyoom'], copy, 'Copies the value of a key to a new key.', '6.2.0', K12, 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.'),
  d('keys', 2, ['readonly'], keys, 'Returns all key names that match a pattern.', '1.0.0', { first: 0, last: 0, step: 0 }, 'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.'),
  d('scan', -2, ['readonly'], scan, 'Iterates over the key names in the database.', '2.8.0', { first: 0, last: 0, step: 0 }, 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.'),
  d('randomkey', 1, ['readonly'], randomkey, 'Returns a random key name from the database.', '1.0.0', { first: 0, last: 0, step: 0 }),
  d('expire', -3, ['write', 'fast'], (c, a) => expireGeneric(c, a, 'now', 's'), 'Sets the expiration time of a key in seconds.', '1.0.0'),
  d('pexpire', -3, ['write', 'fast'], (c, a) => expireGeneric(c, a, 'now', 'ms'), 'Sets the expiration time of a key in milliseconds.', '2.6.0'),
  d('expireat', -3, ['write', 'fast'], (c, a) => expireGeneric(c, a, 'abs', 's'), 'Sets the expiration time of a key to a Unix timestamp.', '1.2.0'),
  d('pexpireat', -3, ['write', 'fast'], (c, a) => expireGeneric(c, a, 'abs', 'ms'), 'Sets the expiration time of a key to a Unix milliseconds timestamp.', '2.6.0'),
  d('ttl', 2, ['readonly', 'fast'], (c, a) => ttlGeneric(c, a, 'ttl'), 'Returns the expiration time in seconds of a key.', '1.0.0'),
  d('pttl', 2, ['readonly', 'fast'], (c, a) => ttlGeneric(c, a, 'pttl'), 'Returns the expiration time in milliseconds of a key.', '2.6.0'),
  d('expiretime', 2, ['readonly', 'fast'], (c, a) => ttlGeneric(c, a, 'expiretime'), 'Returns the expiration time of a key as a Unix timestamp.', '7.0.0'),
  d('pexpiretime', 2, ['readonly', 'fast'], (c, a) => ttlGeneric(c, a, 'pexpiretime'), 'Returns the expiration time of a key as a Unix milliseconds timestamp.', '7.0.0'),
  d('persist', 2, ['write', 'fast'], persist, 'Removes the expiration time of a key.', '2.2.0'),
];
