import { parseReplies, parseReply, RespWriter, ValueCollector, writeValue, type Protocol, type ReplySink, type RespValue } from '@strata/resp';

/** A handler-like writer exercising every method, nested aggregates included. */
function writeEverything(s: ReplySink): void {
  s.ok();
  s.simple('PONG');
  s.error('ERR x');
  s.integer(-5);
  s.integer(12345678901234567890n);
  s.bulk('a\r\nb');
  s.nullBulk();
  s.nullArray();
  s.array(3);
  s.bulk('x');
  s.map(2);
  s.bulk('k1');
  s.array(0);
  s.bulk('k2');
  s.set(1);
  s.integer(1);
  s.push(1);
  s.bool(true);
  s.double(1.5);
  s.bool(false);
  s.verbatim('hello', 'txt');
  s.bigNumber('123456789012345678901234567890');
}

const collected: RespValue[] = [
  { t: 'simple', s: 'OK' },
  { t: 'simple', s: 'PONG' },
  { t: 'error', s: 'ERR x' },
  { t: 'int', n: -5 },
  { t: 'int', n: 12345678901234567890n },
  { t: 'bulk', s: 'a\r\nb' },
  { t: 'null' },
  { t: 'null', array: true },
  {
    t: 'array',
    items: [
      { t: 'bulk', s: 'x' },
      { t: 'map', items: [{ t: 'bulk', s: 'k1' }, { t: 'array', items: [] }, { t: 'bulk', s: 'k2' }, { t: 'set', items: [{ t: 'int', n: 1 }] }] },
      { t: 'push', items: [{ t: 'bool', b: true }] },
    ],
  },
  { t: 'double', d: 1.5 },
  { t: 'bool', b: false },
  { t: 'verbatim', s: 'hello', format: 'txt' },
  { t: 'bignum', s: '123456789012345678901234567890' },
];

describe('ValueCollector and writeValue', () => {
  test('collects nested values', () => {
    const c = new ValueCollector(3);
    writeEverything(c);
    expect(c.complete).toBe(true);
    expect(c.take()).toEqual(collected);
    expect(c.values).toEqual([]);
  });

  test('an unfinished aggregate is not a value yet', () => {
    const c = new ValueCollector(2);
    c.array(2);
    c.bulk('a');
    expect(c.complete).toBe(false);
    expect(c.values).toEqual([]);
    c.bulk('b');
    expect(c.values).toEqual([{ t: 'array', items: [{ t: 'bulk', s: 'a' }, { t: 'bulk', s: 'b' }] }]);
  });

  test.each([2, 3] as Protocol[])('replaying collected values gives the bytes of writing directly (RESP%i)', (proto) => {
    const direct = new RespWriter(proto);
    writeEverything(direct);
    const c = new ValueCollector(proto);
    writeEverything(c);
    const replayed = new RespWriter(proto);
    for (const v of c.take()) writeValue(replayed, v);
    expect(replayed.take()?.toString('latin1')).toBe(direct.take()?.toString('latin1'));
  });
});

describe('parseReplies', () => {
  test('decodes RESP3 writer output back to the collected values', () => {
    const w = new RespWriter(3);
    writeEverything(w);
    const out = w.take();
    expect(out).not.toBeNull();
    // RESP3 has one null: `_` does not say which null the handler wrote.
    const resp3 = collected.map((v): RespValue => (v.t === 'null' ? { t: 'null' } : v));
    if (out !== null) expect(parseReplies(out, 3)).toEqual(resp3);
  });

  test('RESP2 forms decode to their RESP2 shapes', () => {
    const w = new RespWriter(2);
    w.map(1);
    w.bulk('k');
    w.double(2.5);
    w.bool(true);
    w.nullBulk();
    w.nullArray();
    const out = w.take() ?? Buffer.alloc(0);
    expect(parseReplies(out, 2)).toEqual([
      { t: 'array', items: [{ t: 'bulk', s: 'k' }, { t: 'bulk', s: '2.5' }] },
      { t: 'int', n: 1 },
      { t: 'null' },
      { t: 'null', array: true },
    ]);
  });

  test('RESP3 types are refused in RESP2 mode; incomplete input is reported', () => {
    expect(() => parseReplies(Buffer.from('%0\r\n'), 2)).toThrow('RESP3');
    expect(() => parseReplies(Buffer.from('$5\r\nab'), 2)).toThrow('incomplete');
    expect(parseReply(Buffer.from('*2\r\n:1\r\n'), 0, 2)).toBeNull();
    expect(parseReply(Buffer.from('+a\r\n:1\r\n'), 4, 2)).toEqual({ value: { t: 'int', n: 1 }, next: 8 });
    expect(parseReplies(Buffer.from('|1\r\n+key\r\n+val\r\n:7\r\n!3\r\nERR\r\n'), 3)).toEqual([
      { t: 'int', n: 7 },
      { t: 'error', s: 'ERR' },
    ]);
  });
});
