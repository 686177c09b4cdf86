// Helpers shared by lists.ts and list-moves.ts.
import type { Ctx } from '../context';
import type { Entry } from '../keyspace';
import type { ListValue } from '../types/values';

/**
 * Called once after a command pushed elements onto the list at `key` (LPUSH & co., the destination
 * of LMOVE/RPOPLPUSH). The blocking commands (BLPOP, BLMOVE, BLMPOP: a later issue) hook in here to
 * serve clients waiting for the key; until then it does nothing.
 */
export function signalListPush(_ctx: Ctx, _key: string): void {}

/** The list of an entry found by lookupTyped(..., ListValue). */
export function listOf(e: Entry): ListValue {
  return e.value as ListValue;
}

/**
 * After elements were popped: the pop event, then the key is deleted if the list is empty (Redis
 * never keeps an empty list) or recorded as written otherwise.
 */
export function afterPop(ctx: Ctx, key: string, e: Entry, event: 'lpop' | 'rpop'): void {
  ctx.notify('l', event, key);
  if (listOf(e).items.length === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  } else ctx.db.written(key, e);
}
