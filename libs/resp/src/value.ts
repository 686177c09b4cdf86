import type { Protocol, ReplySink } from './reply';

/**
 * A reply as a value instead of bytes. Aggregates hold their elements; a map holds its keys and
 * values alternately (key, value, key, value...). `null` remembers whether it was written as the
 * null array (RESP2 `*-1`) or the null bulk string (`$-1`); RESP3 `_` decodes as the latter.
 */
export type RespValue =
  | { t: 'simple'; s: string }
  | { t: 'error'; s: string }
  | { t: 'int'; n: number | bigint }
  | { t: 'bulk'; s: string }
  | { t: 'null'; array?: boolean }
  | { t: 'array'; items: RespValue[] }
  | { t: 'map'; items: RespValue[] }
  | { t: 'set'; items: RespValue[] }
  | { t: 'push'; items: RespValue[] }
  | { t: 'double'; d: number }
  | { t: 'bool'; b: boolean }
  | { t: 'verbatim'; s: string; format: string }
  | { t: 'bignum'; s: string };

type Aggregate = Extract<RespValue, { items: RespValue[] }>;

/**
 * A ReplySink that builds values: MULTI/EXEC keeps each queued command's reply this way, Lua's
 * redis.call converts them to Lua values. Handlers stream aggregates (header then elements); the
 * collector nests them. `values` holds every complete top-level reply, in order.
 */
export class ValueCollector implements ReplySink {
  proto: Protocol;
  values: RespValue[] = [];
  private open: { value: Aggregate; left: number }[] = [];

  constructor(proto: Protocol = 2) {
    this.proto = proto;
  }

  /** True when no aggregate is waiting for elements. */
  get complete(): boolean {
    return this.open.length === 0;
  }

  /** The complete top-level replies collected so far; the collector starts over. */
  take(): RespValue[] {
    const values = this.values;
    this.values = [];
    return values;
  }

  ok(): void {
    this.add({ t: 'simple', s: 'OK' });
  }

  simple(s: string): void {
    this.add({ t: 'simple', s });
  }

  error(msg: string): void {
    this.add({ t: 'error', s: msg });
  }

  integer(n: number | bigint): void {
    this.add({ t: 'int', n });
  }

  bulk(s: string): void {
    this.add({ t: 'bulk', s });
  }

  nullBulk(): void {
    this.add({ t: 'null' });
  }

  nullArray(): void {
    this.add({ t: 'null', array: true });
  }

  array(n: number): void {
    this.aggregate({ t: 'array', items: [] }, n);
  }

  map(n: number): void {
    this.aggregate({ t: 'map', items: [] }, 2 * n);
  }

  set(n: number): void {
    this.aggregate({ t: 'set', items: [] }, n);
  }

  push(n: number): void {
    this.aggregate({ t: 'push', items: [] }, n);
  }

  double(d: number): void {
    this.add({ t: 'double', d });
  }

  bool(b: boolean): void {
    this.add({ t: 'bool', b });
  }

  verbatim(s: string, format: string): void {
    this.add({ t: 'verbatim', s, format });
  }

  bigNumber(s: string): void {
    this.add({ t: 'bignum', s });
  }

  private aggregate(value: Aggregate, count: number): void {
    if (count > 0) this.open.push({ value, left: count });
    else this.add(value);
  }

  private add(value: RespValue): void {
    for (;;) {
      const top = this.open[this.open.length - 1];
      if (top === undefined) {
        this.values.push(value);
        return;
      }
      top.value.items.push(value);
      if (--top.left > 0) return;
      this.open.pop();
      value = top.value;
    }
  }
}

/** Writes a collected value into another sink, e.g. a queued reply into the connection's writer. */
export function writeValue(sink: ReplySink, v: RespValue): void {
  switch (v.t) {
    case 'simple': sink.simple(v.s); return;
    case 'error': sink.error(v.s); return;
    case 'int': sink.integer(v.n); return;
    case 'bulk': sink.bulk(v.s); return;
    case 'null':
      if (v.array === true) sink.nullArray();
      else sink.nullBulk();
      return;
    case 'array': sink.array(v.items.length); break;
    case 'map': sink.map(v.items.length / 2); break;
    case 'set': sink.set(v.items.length); break;
    case 'push': sink.push(v.items.length); break;
    case 'double': sink.double(v.d); return;
    case 'bool': sink.bool(v.b); return;
    case 'verbatim': sink.verbatim(v.s, v.format); return;
    case 'bignum': sink.bigNumber(v.s); return;
  }
  for (const item of v.items) writeValue(sink, item);
}
