/** Helpers shared by the sorted-set command modules. */
import type { Ctx } from '../context';
import type { Entry } from '../keyspace';
import { CommandDef, KeySpec } from '../table';
import { ZSetValue } from '../types/zset';
import { lookupTyped } from './util';

export type Scored = [member: string, score: number];

/**
 * Called after a sorted set gained members. Blocking BZPOPMIN/BZPOPMAX/BZMPOP (a later issue) wake
 * their waiters here, as Redis's signalKeyAsReady does; nothing waits yet.
 */
export function signalZSetAdd(_ctx: Ctx, _key: string): void {
  // no blocked clients yet
}

/** The entry of key if it holds a sorted set; undefined if absent; WRONGTYPE otherwise. */
export function zsetEntry(ctx: Ctx, key: string): Entry | undefined {
  return lookupTyped(ctx, key, ZSetValue);
}

/** A write that changed nothing reaches neither the WAL nor replicas (Redis: dirty stays 0). */
export function propagateNothing(ctx: Ctx): void {
  ctx.propagate([]);
}

/**
 * After removals: deletes the key if its set became empty (with the "del" event), otherwise records
 * the in-place write. Returns whether the key was deleted.
 */
export function afterRemoval(ctx: Ctx, key: string, e: Entry): boolean {
  if ((e.value as ZSetValue).size === 0) {
    ctx.db.delete(key);
    return true;
  }
  ctx.db.written(key, e);
  return false;
}

/**
 * Members with optional scores: RESP2 a flat array (member, score, ...), RESP3 an array of
 * [member, double] pairs, as Redis 7.0 replies to ZRANGE, ZUNION, ZRANDMEMBER ... WITHSCORES.
 */
export function replyScored(ctx: Ctx, items: readonly Scored[], withScores: boolean): void {
  const out = ctx.out;
  const nested = withScores && out.proto === 3;
  out.array(withScores && !nested ? items.length * 2 : items.length);
  for (const [member, score] of items) {
    if (nested) out.array(2);
    out.bulk(member);
    if (withScores) out.double(score);
  }
}

/**
 * The ending of every STORE command: a non-empty result replaces dst (dropping its TTL) and
 * replies its size; an empty one deletes dst. Encoding as zsetConvertToListpackIfNeeded.
 */
export function storeResult(ctx: Ctx, dst: string, result: ZSetValue, maxMemberLength: number, event: string): void {
  if (result.size > 0) {
    result.fitEncoding(maxMemberLength);
    ctx.db.set(dst, result);
    ctx.out.integer(result.size);
    ctx.notify('z', event, dst);
    signalZSetAdd(ctx, dst);
  } else {
    ctx.out.integer(0);
    if (ctx.db.delete(dst)) ctx.notify('g', 'del', dst);
    else propagateNothing(ctx);
  }
}

/**
 * Key positions of commands with a numkeys argument at numkeysIndex (ZUNION, ZMPOP, ...), plus
 * fixed keys before it (a destination). Invalid numkeys yields what can be trusted: the fixed keys.
 */
export function numkeysSpec(numkeysIndex: number, fixed: number[] = []): KeySpec {
  const first = fixed.length > 0 ? fixed[0] : 0;
  return {
    first,
    last: first,
    step: first === 0 ? 0 : 1,
    find: (argv) => {
      const keys = [...fixed];
      const n = Number(argv[numkeysIndex]);
      if (!Number.isSafeInteger(n) || n < 1) return keys;
      for (let i = numkeysIndex + 1; i <= numkeysIndex + n && i < argv.length; i++) keys.push(i);
      return keys;
    },
  };
}

export const KEY1: KeySpec = { first: 1, last: 1, step: 1 };

/** A command of the sorted-set group. */
export function zdef(
  name: string,
  arity: number,
  flags: CommandDef['flags'],
  keys: KeySpec,
  since: string,
  summary: string,
  complexity: string,
  handler: CommandDef['handler'],
): CommandDef {
  return { name, arity, flags, keys, acl: ['sortedset'], group: 'sorted-set', since, summary, complexity, handler };
}
