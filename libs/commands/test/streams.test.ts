// Stream behaviour that depends on the clock, on propagation or on notifications, which the
// recorded-reply tests (streams-redis.test.ts) cannot show. The propagated forms are those Redis
// 7.0.15 wrote to its AOF for the same commands (observed with appendonly yes).
import { CommandError, Ctx, parseStreamRead, readStreamsForClient, StreamValue } from '@strata/commands';
import { TestServer, type Reply } from './harness';

const T = 1700000000000;

let s: TestServer;
beforeEach(() => {
  s = new TestServer();
  s.setTime(T);
});

/** Runs a command and returns what it propagated instead of itself (undefined: itself). */
function propagatedBy(...argv: string[]): string[][] | undefined {
  const before = s.propagated.length;
  const reply = s.run(...argv);
  if (typeof reply === 'object' && reply !== null && 'err' in reply) throw new Error(`${argv.join(' ')}: ${reply.err}`);
  const added = s.propagated.slice(before);
  if (added.length === 0) return undefined;
  return added.filter((a) => a.length > 0);
}

function fill(key: string, n: number): void {
  for (let i = 1; i <= n; i++) s.run('xadd', key, `${i}-1`, 'f', String(i));
}

describe('XADD IDs from the clock', () => {
  test('`*` takes the command time, then increments the sequence while the clock stands still or goes back', () => {
    expect(s.run('xadd', 's', '*', 'a', '1')).toBe(`${T}-0`);
    expect(s.run('xadd', 's', '*', 'a', '1')).toBe(`${T}-1`);
    s.setTime(T - 5);
    expect(s.run('xadd', 's', '*', 'a', '1')).toBe(`${T}-2`);
    s.setTime(T + 1);
    expect(s.run('xadd', 's', '*', 'a', '1')).toBe(`${T + 1}-0`);
    expect(s.run('xadd', 's', `${T + 1}-*`, 'a', '1')).toBe(`${T + 1}-1`);
    expect(s.run('xadd', 's', `${T + 2}-*`, 'a', '1')).toBe(`${T + 2}-0`);
  });
});

describe('propagation', () => {
  test('XADD `*` and `<ms>-*` propagate the generated ID; explicit IDs propagate themselves', () => {
    expect(propagatedBy('xadd', 's', '*', 'a', '1')).toEqual([['xadd', 's', `${T}-0`, 'a', '1']]);
    expect(propagatedBy('xadd', 's', `${T}-*`, 'a', '1')).toEqual([['xadd', 's', `${T}-1`, 'a', '1']]);
    expect(propagatedBy('xadd', 's', `${T + 5}-0`, 'a', '1')).toBeUndefined();
    expect(propagatedBy('xadd', 'nokey', 'nomkstream', '*', 'a', '1')).toEqual([]);
  });

  test('`~` trimming is propagated as `=` with the length or first ID reached, without LIMIT', () => {
    fill('s', 150);
    expect(propagatedBy('xadd', 's', 'maxlen', '~', '10', '*', 'a', '1')).toEqual([['xadd', 's', 'maxlen', '=', '51', `${T}-0`, 'a', '1']]);
    expect(propagatedBy('xadd', 's', 'MAXLEN', '5', `${T + 1}-1`, 'a', '1')).toBeUndefined();
    fill('t', 250);
    expect(propagatedBy('xtrim', 't', 'minid', '~', '180', 'limit', '150')).toEqual([['xtrim', 't', 'minid', '=', '101-1']]);
    expect(propagatedBy('xtrim', 't', 'limit', '100', 'maxlen', '~', '0')).toEqual([['xtrim', 't', 'maxlen', '=', '50']]);
    expect(propagatedBy('xtrim', 't', 'maxlen', '~', '49')).toEqual([]);
    expect(propagatedBy('xtrim', 't', 'maxlen', '49')).toBeUndefined();
  });

  test('XREADGROUP propagates one XCLAIM per delivered entry and nothing for history reads', () => {
    fill('s', 3);
    s.run('xgroup', 'create', 's', 'g', '0');
    expect(propagatedBy('xreadgroup', 'group', 'g', 'c1', 'count', '2', 'streams', 's', '>')).toEqual([
      ['XCLAIM', 's', 'g', 'c1', '0', '1-1', 'TIME', String(T), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '1-1'],
      ['XCLAIM', 's', 'g', 'c1', '0', '2-1', 'TIME', String(T), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '2-1'],
    ]);
    expect(propagatedBy('xreadgroup', 'group', 'g', 'c1', 'streams', 's', '0')).toEqual([]);
    expect(propagatedBy('xreadgroup', 'group', 'g', 'c2', 'streams', 's', '0')).toEqual([]);
    expect(propagatedBy('xreadgroup', 'group', 'g', 'c1', 'noack', 'streams', 's', '>')).toEqual([
      ['XGROUP', 'SETID', 's', 'g', '3-1', 'ENTRIESREAD', '3'],
    ]);
    s.run('xadd', 's', '4-1', 'f', '4');
    expect(propagatedBy('xreadgroup', 'group', 'g', 'new', 'noack', 'streams', 's', '>')).toEqual([
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'new'],
      ['XGROUP', 'SETID', 's', 'g', '4-1', 'ENTRIESREAD', '4'],
    ]);
    expect(propagatedBy('xreadgroup', 'group', 'g', 'idle', 'streams', 's', '>')).toEqual([]);
  });

  test('XCLAIM and XAUTOCLAIM propagate idempotent XCLAIMs, also for entries dropped from the PEL', () => {
    fill('s', 3);
    s.run('xgroup', 'create', 's', 'g', '0');
    s.run('xreadgroup', 'group', 'g', 'a', 'streams', 's', '>');
    s.setTime(T + 100);
    expect(propagatedBy('xclaim', 's', 'g', 'b', '50', '1-1', 'justid')).toEqual([
      ['XCLAIM', 's', 'g', 'b', '0', '1-1', 'TIME', String(T + 100), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '3-1'],
    ]);
    expect(propagatedBy('xclaim', 's', 'g', 'b', '50', '1-1')).toEqual([]);
    expect(propagatedBy('xclaim', 's', 'g', 'b', '0', '9-9', 'lastid', '10-0')).toEqual([['XGROUP', 'SETID', 's', 'g', '10-0', 'ENTRIESREAD', '3']]);
    s.run('xdel', 's', '2-1');
    expect(propagatedBy('xautoclaim', 's', 'g', 'c', '0', '-', 'count', '2')).toEqual([
      ['XCLAIM', 's', 'g', 'c', '0', '1-1', 'TIME', String(T + 100), 'RETRYCOUNT', '2', 'FORCE', 'JUSTID', 'LASTID', '10-0'],
      ['XCLAIM', 's', 'g', 'a', '0', '2-1', 'TIME', String(T), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '10-0'],
    ]);
  });

  test('writes that change nothing propagate nothing; the others propagate themselves', () => {
    fill('s', 2);
    s.run('xgroup', 'create', 's', 'g', '0');
    expect(propagatedBy('xdel', 's', '9-9')).toEqual([]);
    expect(propagatedBy('xdel', 's', '1-1')).toBeUndefined();
    expect(propagatedBy('xack', 's', 'g', '2-1')).toEqual([]);
    expect(propagatedBy('xgroup', 'destroy', 's', 'nog')).toEqual([]);
    expect(propagatedBy('xgroup', 'createconsumer', 's', 'g', 'c')).toBeUndefined();
    expect(propagatedBy('xgroup', 'createconsumer', 's', 'g', 'c')).toEqual([]);
    expect(propagatedBy('xgroup', 'delconsumer', 's', 'g', 'c')).toBeUndefined();
    expect(propagatedBy('xgroup', 'delconsumer', 's', 'g', 'c')).toEqual([]);
    expect(propagatedBy('xsetid', 's', '5-0')).toBeUndefined();
  });
});

test('keyspace notifications use the stream events and never delete an empty stream', () => {
  s.run('xadd', 's', '1-1', 'a', '1');
  s.run('xadd', 's', 'maxlen', '0', '2-1', 'a', '1');
  s.run('xdel', 's', '9-9');
  s.run('xadd', 's', '3-1', 'a', '1');
  s.run('xdel', 's', '3-1');
  s.run('xgroup', 'create', 's', 'g', '$');
  s.run('xgroup', 'setid', 's', 'g', '0');
  s.run('xgroup', 'createconsumer', 's', 'g', 'c');
  s.run('xgroup', 'delconsumer', 's', 'g', 'c');
  s.run('xgroup', 'destroy', 's', 'g');
  s.run('xsetid', 's', '9-9');
  s.run('xgroup', 'create', 'm', 'g', '$', 'mkstream');
  expect(s.notifications).toEqual([
    't:xadd:s', 't:xadd:s', 't:xtrim:s', 't:xadd:s', 't:xdel:s', 't:xgroup-create:s', 't:xgroup-setid:s',
    't:xgroup-createconsumer:s', 't:xgroup-delconsumer:s', 't:xgroup-destroy:s', 't:xsetid:s', 't:xgroup-create:m',
  ]);
  expect(s.run('exists', 's')).toBe(1);
  expect(s.run('xlen', 's')).toBe(0);
});

describe('idle and delivery times', () => {
  beforeEach(() => {
    fill('s', 3);
    s.run('xgroup', 'create', 's', 'g', '0');
    s.run('xreadgroup', 'group', 'g', 'a', 'streams', 's', '>');
  });

  test('XPENDING reports idle times and filters by IDLE', () => {
    s.setTime(T + 700);
    expect(s.run('xpending', 's', 'g', '-', '+', '10')).toEqual([['1-1', 'a', 700, 1], ['2-1', 'a', 700, 1], ['3-1', 'a', 700, 1]]);
    s.run('xclaim', 's', 'g', 'b', '0', '2-1', 'idle', '100');
    s.run('xclaim', 's', 'g', 'b', '0', '3-1', 'time', String(T + 500), 'retrycount', '9');
    expect(s.run('xpending', 's', 'g', 'idle', '200', '-', '+', '10')).toEqual([['1-1', 'a', 700, 1], ['3-1', 'b', 200, 9]]);
    expect(s.run('xpending', 's', 'g', 'idle', '701', '-', '+', '10')).toEqual([]);
    s.run('xclaim', 's', 'g', 'b', '0', '1-1', 'time', String(T + 9999));
    expect(s.run('xpending', 's', 'g', '1-1', '1-1', '1')).toEqual([['1-1', 'b', 0, 2]]);
  });

  test('XCLAIM and XAUTOCLAIM honour min-idle-time', () => {
    s.setTime(T + 100);
    expect(s.run('xclaim', 's', 'g', 'b', '101', '1-1', 'justid')).toEqual([]);
    expect(s.run('xclaim', 's', 'g', 'b', '100', '1-1', 'justid')).toEqual(['1-1']);
    expect(s.run('xautoclaim', 's', 'g', 'c', '100', '-', 'justid')).toEqual(['0-0', ['2-1', '3-1'], []]);
    expect(s.run('xautoclaim', 's', 'g', 'c', '1', '-', 'justid')).toEqual(['0-0', [], []]);
  });

  test('XINFO CONSUMERS idle and XINFO STREAM FULL times follow the clock', () => {
    s.run('xgroup', 'createconsumer', 's', 'g', 'z');
    s.setTime(T + 40);
    expect(s.run('xinfo', 'consumers', 's', 'g')).toEqual([['name', 'a', 'pending', 3, 'idle', 40], ['name', 'z', 'pending', 0, 'idle', 40]]);
    s.run('xreadgroup', 'group', 'g', 'a', 'count', '1', 'streams', 's', '0');
    const full = s.run('xinfo', 'stream', 's', 'full') as Reply[];
    const group = (full[full.indexOf('groups') + 1] as Reply[][])[0];
    expect(group[group.indexOf('pending') + 1]).toEqual([['1-1', 'a', T + 40, 2], ['2-1', 'a', T, 1], ['3-1', 'a', T, 1]]);
    const consumers = group[group.indexOf('consumers') + 1] as Reply[][];
    expect(consumers.map((c) => c[c.indexOf('seen-time') + 1])).toEqual([T + 40, T]);
  });
});

describe('the blocking hook', () => {
  function ctxFor(out: { replies: string[] }): Ctx {
    const writer = {
      proto: 2 as const,
      ok: () => out.replies.push('ok'), simple: (x: string) => out.replies.push(x), error: (x: string) => out.replies.push(`-${x}`),
      integer: (n: number | bigint) => out.replies.push(String(n)), bulk: (x: string) => out.replies.push(x),
      nullBulk: () => out.replies.push('nil'), nullArray: () => out.replies.push('nil*'), array: (n: number) => out.replies.push(`*${n}`),
      map: (n: number) => out.replies.push(`%${n}`), set: (n: number) => out.replies.push(`~${n}`), push: (n: number) => out.replies.push(`>${n}`),
      double: (d: number) => out.replies.push(String(d)), bool: (b: boolean) => out.replies.push(String(b)),
      verbatim: (x: string) => out.replies.push(x), bigNumber: (x: string) => out.replies.push(x),
    };
    return {
      ks: s.ks, db: s.ks.dbs[0], out: writer as unknown as Ctx['out'], client: s.client, server: s.server,
      notify: () => {}, propagate: () => {}, canBlock: true,
    };
  }

  test('parseStreamRead resolves `$` once; readStreamsForClient serves only when there is data', () => {
    fill('s', 2);
    const out = { replies: [] as string[] };
    const ctx = ctxFor(out);
    const req = parseStreamRead(ctx, ['xread', 'block', '0', 'streams', 's', 'nokey', '$', '$']);
    expect(req.blockMs).toBe(0);
    expect(req.retryArgv).toEqual(['xread', 'block', '0', 'streams', 's', 'nokey', '2-1', '0-0']);
    expect(readStreamsForClient(ctx, req)).toBe(false);
    expect(out.replies).toEqual([]);
    s.run('xadd', 's', '3-1', 'f', '3');
    expect(readStreamsForClient(ctx, req)).toBe(true);
    expect(out.replies).toEqual(['*1', '*2', 's', '*1', '*2', '3-1', '*2', 'f', '3']);
  });

  test('a group read waits for entries beyond the group and fails once the group is gone', () => {
    fill('s', 1);
    s.run('xgroup', 'create', 's', 'g', '$');
    const out = { replies: [] as string[] };
    const ctx = ctxFor(out);
    const req = parseStreamRead(ctx, ['xreadgroup', 'group', 'g', 'c', 'block', '10', 'streams', 's', '>']);
    expect(readStreamsForClient(ctx, req)).toBe(false);
    s.run('xadd', 's', '2-1', 'f', '2');
    expect(readStreamsForClient(ctx, req)).toBe(true);
    expect(s.run('xpending', 's', 'g')).toEqual([1, '2-1', '2-1', [['c', '1']]]);
    s.run('xgroup', 'destroy', 's', 'g');
    expect(() => readStreamsForClient(ctx, req)).toThrow(CommandError);
  });

  test('without a blocking layer, XREAD BLOCK with no data answers a null array at once', () => {
    fill('s', 1);
    expect(s.run('xread', 'block', '0', 'streams', 's', '$')).toBeNull();
  });
});

test('COPY deep-copies entries, groups, consumers and PELs', () => {
  fill('s', 3);
  s.run('xgroup', 'create', 's', 'g', '0');
  s.run('xreadgroup', 'group', 'g', 'a', 'count', '2', 'streams', 's', '>');
  s.run('copy', 's', 't');
  s.run('xclaim', 't', 'g', 'b', '0', '1-1');
  s.run('xdel', 't', '2-1');
  s.run('xgroup', 'createconsumer', 't', 'g', 'c');
  expect(s.run('xpending', 's', 'g', '-', '+', '10')).toEqual([['1-1', 'a', 0, 1], ['2-1', 'a', 0, 1]]);
  expect(s.run('xpending', 't', 'g', '-', '+', '10')).toEqual([['1-1', 'b', 0, 2], ['2-1', 'a', 0, 1]]);
  expect(s.run('xlen', 's')).toBe(3);
  expect((s.ks.dbs[0].get('s')?.value as StreamValue).groups.get('g')?.consumers.size).toBe(1);
});

test('MEMORY USAGE grows with the stream', () => {
  s.run('xadd', 's', '1-1', 'f', 'v');
  const small = s.run('memory', 'usage', 's') as number;
  fill('t', 300);
  const large = s.run('memory', 'usage', 't') as number;
  expect(small).toBeGreaterThan(50);
  expect(large).toBeGreaterThan(small + 300 * 4);
});

test('XREAD and XREADGROUP key positions come after STREAMS', () => {
  const keys = (...argv: string[]) => s.table.get(argv[0])?.keyIndexes(argv);
  expect(keys('xread', 'count', '1', 'block', '0', 'streams', 'a', 'b', '0', '0')).toEqual([6, 7]);
  expect(keys('xreadgroup', 'group', 'g', 'c', 'noack', 'streams', 'a', '>')).toEqual([6]);
  expect(keys('xread', 'streams', 'a', 'b', '0')).toEqual([]);
  expect(keys('xread', 'foo', 'streams', 'a', '0')).toEqual([]);
});
