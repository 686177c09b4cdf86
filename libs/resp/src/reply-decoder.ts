import { latin1, type Latin1Buffer } from './latin1';
import type { Protocol } from './reply';
import type { RespValue } from './value';

/** Types only RESP3 has; a RESP2 connection must never receive them. */
const RESP3_ONLY = new Set(['_', ',', '#', '%', '~', '>', '=', '(', '!', '|']);

/**
 * Client-side decoder of one reply starting at `offset`: the value and where the next reply
 * starts, or null when the buffer ends before the reply does. Throws on malformed input or, for
 * proto 2, on a RESP3-only type. Meant for tests and tools, not the server's hot path.
 */
export function parseReply(buf: Buffer, offset: number, proto: Protocol): { value: RespValue; next: number } | null {
  return new ReplyReader(latin1(buf), proto).read(offset);
}

/** Decodes a buffer holding only complete replies. */
export function parseReplies(buf: Buffer, proto: Protocol): RespValue[] {
  const values: RespValue[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const r = parseReply(buf, pos, proto);
    if (r === null) throw new Error(`incomplete reply at byte ${pos} of ${buf.length}`);
    values.push(r.value);
    pos = r.next;
  }
  return values;
}

class ReplyReader {
  constructor(private readonly buf: Latin1Buffer, private readonly proto: Protocol) {}

  read(pos: number): { value: RespValue; next: number } | null {
    const buf = this.buf;
    if (pos >= buf.length) return null;
    const type = String.fromCharCode(buf[pos]);
    if (this.proto === 2 && RESP3_ONLY.has(type)) throw new Error(`RESP3 type '${type}' in a RESP2 reply`);
    const eol = buf.indexOf('\r\n', pos + 1, 'latin1');
    if (eol < 0) return null;
    const line = buf.latin1Slice(pos + 1, eol);
    const next = eol + 2;
    switch (type) {
      case '+': return { value: { t: 'simple', s: line }, next };
      case '-': return { value: { t: 'error', s: line }, next };
      case ':': return { value: { t: 'int', n: toInteger(line) }, next };
      case '_': return { value: { t: 'null' }, next };
      case ',': return { value: { t: 'double', d: toDouble(line) }, next };
      case '#':
        if (line !== 't' && line !== 'f') throw new Error(`bad boolean '${line}'`);
        return { value: { t: 'bool', b: line === 't' }, next };
      case '(': return { value: { t: 'bignum', s: line }, next };
      case '$': case '=': case '!': {
        const len = lengthOf(line);
        if (len < 0) {
          if (type !== '$' || len !== -1) throw new Error(`bad length '${line}'`);
          return { value: { t: 'null' }, next };
        }
        if (next + len + 2 > buf.length) return null;
        if (buf[next + len] !== 13 || buf[next + len + 1] !== 10) throw new Error('bulk not followed by CRLF');
        const s = buf.latin1Slice(next, next + len);
        const end = next + len + 2;
        if (type === '$') return { value: { t: 'bulk', s }, next: end };
        if (type === '!') return { value: { t: 'error', s }, next: end };
        if (s.length < 4 || s[3] !== ':') throw new Error(`bad verbatim string '${s}'`);
        return { value: { t: 'verbatim', format: s.slice(0, 3), s: s.slice(4) }, next: end };
      }
      case '*': case '%': case '~': case '>': case '|': {
        const n = lengthOf(line);
        if (n < 0) {
          if (type !== '*' || n !== -1) throw new Error(`bad count '${line}'`);
          return { value: { t: 'null', array: true }, next };
        }
        const count = type === '%' || type === '|' ? 2 * n : n;
        const items: RespValue[] = [];
        let p = next;
        for (let i = 0; i < count; i++) {
          const r = this.read(p);
          if (r === null) return null;
          items.push(r.value);
          p = r.next;
        }
        // An attribute describes the reply that follows it: skip it and return that reply.
        if (type === '|') return this.read(p);
        const t = type === '*' ? 'array' : type === '%' ? 'map' : type === '~' ? 'set' : 'push';
        return { value: { t, items }, next: p };
      }
      default:
        throw new Error(`unknown reply type '${type}' at byte ${pos}`);
    }
  }
}

function lengthOf(line: string): number {
  if (!/^-?\d+$/.test(line)) throw new Error(`bad length '${line}'`);
  return Number(line);
}

function toInteger(line: string): number | bigint {
  if (!/^-?\d+$/.test(line)) throw new Error(`bad integer '${line}'`);
  const n = Number(line);
  return Number.isSafeInteger(n) ? n : BigInt(line);
}

function toDouble(line: string): number {
  if (line === 'inf') return Infinity;
  if (line === '-inf') return -Infinity;
  if (line === 'nan' || line === '-nan') return NaN;
  const d = Number(line);
  if (line === '' || Number.isNaN(d)) throw new Error(`bad double '${line}'`);
  return d;
}
