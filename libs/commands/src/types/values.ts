import { Deque } from './deque';
import type { ZSetValue } from './zset';
import type { StreamValue } from './stream';
import type { MemberLog } from '../cmd/hash-set-log';

/**
 * In-memory values. Strings (and every key, member and field) are latin1 JS strings: one char per
 * byte, binary safe, and V8's most compact string form. The aggregate classes remember whether
 * they have outgrown Redis's compact encoding (listpack/intset), which is one-way as in Redis and
 * only reported through OBJECT ENCODING and used by DUMP.
 */
export class ListValue {
  readonly items = new Deque<string>();
}

export class HashValue {
  readonly map = new Map<string, string>();
  /** false once the hash exceeded hash-max-listpack-entries/value (Redis: listpack → hashtable). */
  compact = true;
  /** HSCAN cursors and random picks on large hashes, kept by cmd/hash-fields.ts; a copy starts with null. */
  log: MemberLog | null = null;
}

export class SetValue {
  readonly set = new Set<string>();
  /** 'intset' while every member is an integer and the set is small; then 'hashtable' for good. */
  encoding: 'intset' | 'hashtable' = 'intset';
  /** SSCAN cursors and random picks on large sets, kept by cmd/set-members.ts; a copy starts with null. */
  log: MemberLog | null = null;
}

export { ZSetValue } from './zset';

export { StreamValue } from './stream';

export type Value = string | ListValue | HashValue | SetValue | ZSetValue | StreamValue;

export type TypeName = 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream';

export function typeOf(v: Value): TypeName {
  if (typeof v === 'string') return 'string';
  if (v instanceof ListValue) return 'list';
  if (v instanceof HashValue) return 'hash';
  if (v instanceof SetValue) return 'set';
  if ((v as StreamValue).kind === 'stream') return 'stream';
  return 'zset';
}
