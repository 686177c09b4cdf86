import { Err, fail } from '../errors';
import type { Ctx } from '../context';
import type { Entry } from '../keyspace';
import { HashValue, ListValue, SetValue, ZSetValue, Value } from '../types/values';

type Ctor<T> = abstract new (...args: never[]) => T;

/** The entry of key if it holds a T; undefined if absent; WRONGTYPE otherwise. */
export function lookupTyped<T extends Value>(ctx: Ctx, key: string, type: Ctor<T> | 'string'): Entry | undefined {
  const e = ctx.db.get(key);
  if (e === undefined) return undefined;
  if (type === 'string' ? typeof e.value !== 'string' : !(e.value instanceof type)) fail(Err.wrongType);
  return e;
}

export function getString(ctx: Ctx, key: string): string | undefined {
  const e = lookupTyped(ctx, key, 'string');
  return e === undefined ? undefined : (e.value as string);
}

export function getList(ctx: Ctx, key: string): ListValue | undefined {
  return lookupTyped(ctx, key, ListValue)?.value as ListValue | undefined;
}
export function getHash(ctx: Ctx, key: string): HashValue | undefined {
  return lookupTyped(ctx, key, HashValue)?.value as HashValue | undefined;
}
export function getSet(ctx: Ctx, key: string): SetValue | undefined {
  return lookupTyped(ctx, key, SetValue)?.value as SetValue | undefined;
}
export function getZSet(ctx: Ctx, key: string): ZSetValue | undefined {
  return lookupTyped(ctx, key, ZSetValue)?.value as ZSetValue | undefined;
}

/** Writes an array of bulk strings. */
export function replyBulks(ctx: Ctx, items: readonly string[]): void {
  ctx.out.array(items.length);
  for (const s of items) ctx.out.bulk(s);
}

/** Integers as Redis prints them (ll2string): "-0" never appears; -0 prints as 0. */
export function intToString(n: number | bigint): string {
  return typeof n === 'bigint' ? n.toString() : n === 0 ? '0' : String(n);
}

/** Redis's range normalisation for start/end indexes (GETRANGE, LRANGE, ZRANGE). */
export function clampRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return null;
  return [start, end];
}

/** Simple glob matching as Redis's stringmatchlen (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET). */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  return matchAt(pattern, 0, str, 0, nocase, 0);
}

function matchAt(p: string, pi: number, s: string, si: number, nocase: boolean, depth: number): boolean {
  if (depth > 1000) return false;
  const pl = p.length;
  const sl = s.length;
  while (pi < pl && si <= sl) {
    const c = p[pi];
    if (c === '*') {
      while (pi + 1 < pl && p[pi + 1] === '*') pi++;
      if (pi + 1 === pl) return true;
      for (let k = si; k <= sl; k++) if (matchAt(p, pi + 1, s, k, nocase, depth + 1)) return true;
      return false;
    }
    if (si >= sl) return false;
    if (c === '?') {
      si++;
      pi++;
      continue;
    }
    if (c === '[') {
      pi++;
      const not = p[pi] === '^';
      if (not) pi++;
      let match = false;
      for (;;) {
        if (pi >= pl) {
          pi--;
          break;
        }
        if (p[pi] === '\\' && pi + 2 < pl) {
          pi++;
          if (p[pi] === s[si]) match = true;
        } else if (p[pi] === ']') {
          break;
        } else if (pi + 2 < pl && p[pi + 1] === '-') {
          let start = p.charCodeAt(pi);
          let end = p.charCodeAt(pi + 2);
          let ch = s.charCodeAt(si);
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lower(start);
            end = lower(end);
            ch = lower(ch);
          }
          pi += 2;
          if (ch >= start && ch <= end) match = true;
        } else if (nocase ? lower(p.charCodeAt(pi)) === lower(s.charCodeAt(si)) : p[pi] === s[si]) {
          match = true;
        }
        pi++;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
      pi++;
      continue;
    }
    let pc = c;
    if (c === '\\' && pi + 1 < pl) {
      pi++;
      pc = p[pi];
    }
    if (nocase ? lower(pc.charCodeAt(0)) !== lower(s.charCodeAt(si)) : pc !== s[si]) return false;
    si++;
    pi++;
  }
  while (pi < pl && p[pi] === '*') pi++;
  return pi === pl && si === sl;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
