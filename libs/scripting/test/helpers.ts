import { formatDouble, type RespValue } from '@strata/resp';
import { ScriptEngine, ScriptErr, type ScriptCallContext, type ScriptEngineOptions } from '../src';

/**
 * The engine's boundary in unit tests: a small Map-backed command executor with the replies
 * Redis gives for these commands (RESP3 shapes when the script called redis.setresp(3)).
 */
export class FakeServer {
  readonly strings = new Map<string, string>();
  readonly hashes = new Map<string, Map<string, string>>();
  readonly sets = new Map<string, Set<string>>();
  readonly lists = new Map<string, string[]>();
  readonly log: [number, string][] = [];
  calls = 0;

  call = (argv: string[], ctx: ScriptCallContext): RespValue => {
    this.calls++;
    const [name, ...args] = argv;
    const cmd = name.toLowerCase();
    const arity: Record<string, number> = { get: 2, set: -3, incr: 2, del: -2, ping: -1, hset: -4, hgetall: 2, sadd: -3, smembers: 2, rpush: -3, lrange: 4, zscore: 3 };
    const writes = new Set(['set', 'incr', 'del', 'hset', 'sadd', 'rpush']);
    if (['eval', 'multi', 'blpop', 'hello', 'subscribe', 'script'].includes(cmd)) return { t: 'error', s: ScriptErr.notAllowed };
    const a = arity[cmd];
    if (a === undefined) return { t: 'error', s: ScriptErr.unknownCommand };
    if ((a > 0 && argv.length !== a) || (a < 0 && argv.length < -a)) return { t: 'error', s: ScriptErr.wrongArity };
    if (writes.has(cmd)) {
      if (ctx.readOnly) return { t: 'error', s: ScriptErr.writeInReadOnly };
      ctx.markWrite();
    }
    switch (cmd) {
      case 'ping': return { t: 'simple', s: 'PONG' };
      case 'get': {
        const v = this.strings.get(args[0]);
        return v === undefined ? { t: 'null' } : { t: 'bulk', s: v };
      }
      case 'set': this.strings.set(args[0], args[1]); return { t: 'simple', s: 'OK' };
      case 'incr': {
        const cur = this.strings.get(args[0]) ?? '0';
        if (!/^-?\d+$/.test(cur)) return { t: 'error', s: 'ERR value is not an integer or out of range' };
        const n = Number(cur) + 1;
        this.strings.set(args[0], String(n));
        return { t: 'int', n };
      }
      case 'del': {
        let n = 0;
        for (const k of args) for (const m of [this.strings, this.hashes, this.sets, this.lists]) if (m.delete(k)) n++;
        return { t: 'int', n };
      }
      case 'hset': {
        const h = this.hashes.get(args[0]) ?? new Map<string, string>();
        this.hashes.set(args[0], h);
        let added = 0;
        for (let i = 1; i + 1 < args.length; i += 2) {
          if (!h.has(args[i])) added++;
          h.set(args[i], args[i + 1]);
        }
        return { t: 'int', n: added };
      }
      case 'hgetall': {
        const items: RespValue[] = [];
        for (const [f, v] of this.hashes.get(args[0]) ?? []) items.push({ t: 'bulk', s: f }, { t: 'bulk', s: v });
        return ctx.resp === 3 ? { t: 'map', items } : { t: 'array', items };
      }
      case 'sadd': {
        const s = this.sets.get(args[0]) ?? new Set<string>();
        this.sets.set(args[0], s);
        const before = s.size;
        for (const m of args.slice(1)) s.add(m);
        return { t: 'int', n: s.size - before };
      }
      case 'smembers': {
        const items: RespValue[] = [...(this.sets.get(args[0]) ?? [])].map((s) => ({ t: 'bulk', s }));
        return ctx.resp === 3 ? { t: 'set', items } : { t: 'array', items };
      }
      case 'rpush': {
        const l = this.lists.get(args[0]) ?? [];
        this.lists.set(args[0], l);
        l.push(...args.slice(1));
        return { t: 'int', n: l.length };
      }
      case 'lrange': return { t: 'array', items: (this.lists.get(args[0]) ?? []).map((s) => ({ t: 'bulk', s })) };
      case 'zscore': return ctx.resp === 3 ? { t: 'double', d: 1.5 } : { t: 'bulk', s: '1.5' };
    }
    return { t: 'error', s: ScriptErr.unknownCommand };
  };
}

export async function newEngine(opts: Partial<ScriptEngineOptions> = {}): Promise<{ engine: ScriptEngine; server: FakeServer }> {
  const server = new FakeServer();
  const engine = await ScriptEngine.create({ call: server.call, log: (level, msg) => server.log.push([level, msg]), ...opts });
  return { engine, server };
}

/** A reply as Redis writes it to a client of protocol `proto` (the writer's downgrade rules). */
export function wire(v: RespValue, proto: 2 | 3 = 2): string {
  const agg = (c: string, items: RespValue[], n = items.length) => `${c}${n}\r\n${items.map((i) => wire(i, proto)).join('')}`;
  switch (v.t) {
    case 'simple': return `+${v.s}\r\n`;
    case 'error': return `-${v.s}\r\n`;
    case 'int': return `:${v.n}\r\n`;
    case 'bulk': return `$${v.s.length}\r\n${v.s}\r\n`;
    case 'null': return proto === 3 ? '_\r\n' : v.array ? '*-1\r\n' : '$-1\r\n';
    case 'array': case 'push': return agg('*', v.items);
    case 'map': return proto === 3 ? agg('%', v.items, v.items.length / 2) : agg('*', v.items);
    case 'set': return agg(proto === 3 ? '~' : '*', v.items);
    case 'double': { const s = formatDouble(v.d); return proto === 3 ? `,${s}\r\n` : `$${s.length}\r\n${s}\r\n`; }
    case 'bool': return proto === 3 ? `#${v.b ? 't' : 'f'}\r\n` : `:${v.b ? 1 : 0}\r\n`;
    case 'verbatim': return proto === 3 ? `=${v.s.length + 4}\r\n${v.format}:${v.s}\r\n` : `$${v.s.length}\r\n${v.s}\r\n`;
    case 'bignum': return proto === 3 ? `(${v.s}\r\n` : `$${v.s.length}\r\n${v.s}\r\n`;
  }
}

/** Waits for a condition by polling, with a deadline (no fixed sleeps). */
export async function until(cond: () => boolean, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached before the deadline');
    await new Promise((r) => setImmediate(r));
  }
}
