// Hash commands; expected replies and error texts as Redis 7.0.15 gives them.
import { HashValue } from '@strata/commands';
import { TestServer } from './harness';
import { wire } from './list-hash-set-wire';

const WRONGTYPE = { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const NOT_INT = { err: 'ERR value is not an integer or out of range' };
const SYNTAX = { err: 'ERR syntax error' };

let s: TestServer;
beforeEach(() => {
  s = new TestServer();
  s.setTime(1_700_000_000_000);
  s.run('SET', 'str', 'x');
  s.notifications.length = 0;
});

const hash = (key: string) => s.ks.dbs[0].get(key)?.value as HashValue;

describe('setting and reading fields', () => {
  test('HSET HMSET HSETNX HGET HMGET', () => {
    expect(s.run('HSET', 'h', 'a', '1', 'b', '2')).toBe(2);
    expect(s.run('HSET', 'h', 'a', '10', 'c', '3')).toBe(1);
    expect(s.run('HMSET', 'h', 'd', '4')).toEqual({ ok: 'OK' });
    expect(s.run('HSETNX', 'h', 'a', 'x')).toBe(0);
    expect(s.run('HSETNX', 'h', 'e', '5')).toBe(1);
    expect(s.run('HGET', 'h', 'a')).toBe('10');
    expect(s.run('HGET', 'h', 'zz')).toBeNull();
    expect(s.run('HGET', 'nokey', 'a')).toBeNull();
    expect(s.run('HMGET', 'h', 'a', 'zz', 'e')).toEqual(['10', null, '5']);
    expect(wire(s, 'HMGET', 'nokey', 'a', 'b')).toBe('*2 $-1 $-1');
    expect(s.notifications).toEqual(['h:hset:h', 'h:hset:h', 'h:hset:h', 'h:hset:h']);
  });

  test('arity of HSET and HMSET pairs, WRONGTYPE', () => {
    expect(s.run('HSET', 'h', 'a', '1', 'b')).toEqual({ err: "ERR wrong number of arguments for 'hset' command" });
    expect(s.run('HMSET', 'h', 'a', '1', 'b')).toEqual({ err: "ERR wrong number of arguments for 'hmset' command" });
    expect(s.ks.dbs[0].has('h')).toBe(false);
    for (const argv of [['HSET', 'str', 'a', '1'], ['HSETNX', 'str', 'a', '1'], ['HGET', 'str', 'a'], ['HMGET', 'str', 'a'],
      ['HDEL', 'str', 'a'], ['HLEN', 'str'], ['HSTRLEN', 'str', 'a'], ['HEXISTS', 'str', 'a'], ['HKEYS', 'str'],
      ['HVALS', 'str'], ['HGETALL', 'str'], ['HINCRBY', 'str', 'a', '1'], ['HINCRBYFLOAT', 'str', 'a', '1'],
      ['HRANDFIELD', 'str'], ['HRANDFIELD', 'str', '1'], ['HSCAN', 'str', '0']]) {
      expect(s.run(...argv)).toEqual(WRONGTYPE);
    }
  });

  test('HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL in RESP2 and RESP3', () => {
    s.run('HSET', 'h', 'a', '1', 'b', 'xyz');
    expect(s.run('HLEN', 'h')).toBe(2);
    expect(s.run('HLEN', 'nokey')).toBe(0);
    expect(s.run('HSTRLEN', 'h', 'b')).toBe(3);
    expect(s.run('HSTRLEN', 'h', 'zz')).toBe(0);
    expect(s.run('HSTRLEN', 'nokey', 'zz')).toBe(0);
    expect(s.run('HEXISTS', 'h', 'a')).toBe(1);
    expect(s.run('HEXISTS', 'h', 'zz')).toBe(0);
    expect(s.run('HKEYS', 'h')).toEqual(['a', 'b']);
    expect(s.run('HVALS', 'h')).toEqual(['1', 'xyz']);
    expect(wire(s, 'HGETALL', 'h')).toBe('*4 $a $1 $b $xyz');
    expect(wire(s, 'HGETALL', 'nokey')).toBe('*0');
    s.client.proto = 3;
    expect(wire(s, 'HGETALL', 'h')).toBe('%2 $a $1 $b $xyz');
    expect(wire(s, 'HGETALL', 'nokey')).toBe('%0');
    expect(wire(s, 'HKEYS', 'h')).toBe('*2 $a $b');
    expect(wire(s, 'HVALS', 'nokey')).toBe('*0');
  });

  test('HDEL deletes the emptied hash', () => {
    s.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    expect(s.run('HDEL', 'h', 'zz')).toBe(0);
    expect(s.run('HDEL', 'h', 'a', 'b', 'zz')).toBe(2);
    expect(s.run('HDEL', 'h', 'c', 'c')).toBe(1);
    expect(s.ks.dbs[0].has('h')).toBe(false);
    expect(s.run('HDEL', 'nokey', 'a')).toBe(0);
    expect(s.notifications).toEqual(['h:hset:h', 'h:hdel:h', 'h:hdel:h', 'g:del:h']);
  });
});

describe('counters', () => {
  test('HINCRBY and its errors', () => {
    expect(s.run('HINCRBY', 'h', 'n', '5')).toBe(5);
    expect(s.run('HINCRBY', 'h', 'n', '-7')).toBe(-2);
    s.run('HSET', 'h', 'big', '9223372036854775806');
    expect(s.run('HINCRBY', 'h', 'big', '1')).toBe(9223372036854775807n);
    expect(s.run('HINCRBY', 'h', 'big', '1')).toEqual({ err: 'ERR increment or decrement would overflow' });
    expect(s.run('HINCRBY', 'h', 'n', '-9223372036854775807')).toEqual({ err: 'ERR increment or decrement would overflow' });
    expect(s.run('HINCRBY', 'h', 'n', '9223372036854775807')).toBe(9223372036854775805n);
    expect(s.run('HINCRBY', 'h', 'a', 'x')).toEqual(NOT_INT);
    expect(s.run('HINCRBY', 'h', 'a', '1.5')).toEqual(NOT_INT);
    s.run('HSET', 'h', 's', 'abc', 'sp', ' 1');
    expect(s.run('HINCRBY', 'h', 's', '1')).toEqual({ err: 'ERR hash value is not an integer' });
    expect(s.run('HINCRBY', 'h', 'sp', '1')).toEqual({ err: 'ERR hash value is not an integer' });
    expect(s.notifications.filter((n) => n.includes('hincrby'))).toEqual(['h:hincrby:h', 'h:hincrby:h', 'h:hincrby:h', 'h:hincrby:h']);
  });

  test('HINCRBYFLOAT in long double, its errors, propagated as HSET', () => {
    expect(s.run('HINCRBYFLOAT', 'h', 'f', '3.0')).toBe('3');
    expect(s.run('HINCRBYFLOAT', 'h', 'f', '0.1')).toBe('3.1');
    expect(s.run('HINCRBYFLOAT', 'h', 'f', '1e20')).toBe('100000000000000000000');
    s.run('HSET', 'h', 'a', '1');
    expect(s.run('HINCRBYFLOAT', 'h', 'a', '1e308')).toBe(
      '99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048',
    );
    s.run('HSET', 'h', 'g', '10.50');
    expect(s.run('HINCRBYFLOAT', 'h', 'g', '0.1')).toBe('10.6');
    expect(s.propagated[s.propagated.length - 1]).toEqual(['HSET', 'h', 'g', '10.6']);
    expect(s.run('HINCRBYFLOAT', 'h', 'a', 'inf')).toEqual({ err: 'ERR value is NaN or Infinity' });
    expect(s.run('HINCRBYFLOAT', 'h', 'a', 'nan')).toEqual({ err: 'ERR value is not a valid float' });
    expect(s.run('HINCRBYFLOAT', 'h', 'a', 'x')).toEqual({ err: 'ERR value is not a valid float' });
    s.run('HSET', 'h', 's', 'abc', 'sp', ' 1', 'max', '1e4932');
    expect(s.run('HINCRBYFLOAT', 'h', 's', '1')).toEqual({ err: 'ERR hash value is not a float' });
    expect(s.run('HINCRBYFLOAT', 'h', 'sp', '1')).toEqual({ err: 'ERR hash value is not a float' });
    expect(s.run('HINCRBYFLOAT', 'h', 'max', '1e4932')).toEqual({ err: 'ERR increment would produce NaN or Infinity' });
    expect(s.notifications.filter((n) => n.includes('float')).length).toBe(5);
  });
});

describe('listpack to hashtable', () => {
  test('a long field or value converts, for good', () => {
    s.run('HSET', 'h', 'a', '1');
    expect(hash('h').compact).toBe(true);
    s.run('HSETNX', 'h', 'a', 'x'.repeat(65));
    expect(hash('h').compact).toBe(true);
    s.run('HSET', 'h', 'b', 'x'.repeat(64));
    expect(hash('h').compact).toBe(true);
    s.run('HSETNX', 'h', 'c', 'x'.repeat(65));
    expect(hash('h').compact).toBe(false);
    s.run('HDEL', 'h', 'c');
    expect(hash('h').compact).toBe(false);
    s.run('HSET', 'g', 'a', '1');
    s.run('HINCRBYFLOAT', 'g', 'a', '1.' + '1'.repeat(70));
    expect(hash('g').compact).toBe(true);
    s.run('HSET', 'k', 'f'.repeat(65), '1');
    expect(hash('k').compact).toBe(false);
  });

  test('more than hash-max-listpack-entries (512 in Redis 7.0.15) fields converts', () => {
    for (let i = 0; i < 512; i++) s.run('HSET', 'h', `f${i}`, 'v');
    expect(hash('h').compact).toBe(true);
    s.run('HSET', 'h', 'one-more', 'v');
    expect(hash('h').compact).toBe(false);
  });
});

describe('HRANDFIELD', () => {
  test('without count, with count, negative count, WITHVALUES', () => {
    s.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    const fields = ['a', 'b', 'c'];
    expect(fields).toContain(s.run('HRANDFIELD', 'h'));
    expect(wire(s, 'HRANDFIELD', 'nokey')).toBe('$-1');
    expect(s.run('HRANDFIELD', 'nokey', '5')).toEqual([]);
    expect(s.run('HRANDFIELD', 'h', '0')).toEqual([]);
    const two = s.run('HRANDFIELD', 'h', '2') as string[];
    expect(two).toHaveLength(2);
    expect(new Set(two).size).toBe(2);
    expect((s.run('HRANDFIELD', 'h', '10') as string[]).sort()).toEqual(fields);
    const many = s.run('HRANDFIELD', 'h', '-20') as string[];
    expect(many).toHaveLength(20);
    for (const f of many) expect(fields).toContain(f);
    const withValues = s.run('HRANDFIELD', 'h', '-5', 'WITHVALUES') as string[];
    expect(withValues).toHaveLength(10);
    for (let i = 0; i < 10; i += 2) expect(withValues[i + 1]).toBe(String(fields.indexOf(withValues[i]) + 1));
    expect(s.run('HRANDFIELD', 'h', '5', 'withvalues')).toEqual(['a', '1', 'b', '2', 'c', '3']);
    s.client.proto = 3;
    expect(wire(s, 'HRANDFIELD', 'h', '5', 'WITHVALUES')).toBe('*3 *2 $a $1 *2 $b $2 *2 $c $3');
    expect(wire(s, 'HRANDFIELD', 'h', '-2', 'WITHVALUES')).toMatch(/^\*2 \*2 \$[abc] \$[123] \*2 \$[abc] \$[123]$/);
    expect(wire(s, 'HRANDFIELD', 'h', '5')).toBe('*3 $a $b $c');
  });

  test('distinct picks from a large hash', () => {
    for (let i = 0; i < 200; i++) s.run('HSET', 'h', `f${i}`, `v${i}`);
    for (const n of ['10', '150']) {
      const got = s.run('HRANDFIELD', 'h', n, 'WITHVALUES') as string[];
      expect(got).toHaveLength(2 * Number(n));
      const names = got.filter((_, i) => i % 2 === 0);
      expect(new Set(names).size).toBe(Number(n));
      for (let i = 0; i < got.length; i += 2) expect(got[i + 1]).toBe('v' + got[i].slice(1));
    }
  });

  test('errors', () => {
    s.run('HSET', 'h', 'a', '1');
    expect(s.run('HRANDFIELD', 'h', '1', 'WITHVALUES', 'x')).toEqual(SYNTAX);
    expect(s.run('HRANDFIELD', 'h', '1', 'foo')).toEqual(SYNTAX);
    expect(s.run('HRANDFIELD', 'h', 'x')).toEqual(NOT_INT);
    expect(s.run('HRANDFIELD', 'h', '-9223372036854775808')).toEqual({
      err: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    });
    expect(s.run('HRANDFIELD', 'h', '9223372036854775807', 'WITHVALUES')).toEqual({ err: 'ERR value is out of range' });
    expect(s.run('HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES')).toEqual({ err: 'ERR value is out of range' });
  });
});

describe('HSCAN', () => {
  test('a listpack hash comes whole in one call; MATCH filters fields', () => {
    s.run('HSET', 'h', 'a', '1', 'b', '2', 'ab', '3');
    expect(s.run('HSCAN', 'h', '0')).toEqual(['0', ['a', '1', 'b', '2', 'ab', '3']]);
    expect(s.run('HSCAN', 'h', '0', 'COUNT', '1')).toEqual(['0', ['a', '1', 'b', '2', 'ab', '3']]);
    expect(s.run('HSCAN', 'h', '0', 'MATCH', 'a*')).toEqual(['0', ['a', '1', 'ab', '3']]);
    expect(s.run('HSCAN', 'h', '0', 'MATCH', 'zz*', 'MATCH', '*')).toEqual(['0', ['a', '1', 'b', '2', 'ab', '3']]);
    expect(s.run('HSCAN', 'nokey', '0')).toEqual(['0', []]);
  });

  test('cursor and option errors; options of a missing key are not parsed', () => {
    s.run('HSET', 'h', 'a', '1');
    expect(s.run('HSCAN', 'h', 'x')).toEqual({ err: 'ERR invalid cursor' });
    expect(s.run('HSCAN', 'nokey', 'x')).toEqual({ err: 'ERR invalid cursor' });
    expect(s.run('HSCAN', 'h', ' 1')).toEqual({ err: 'ERR invalid cursor' });
    expect(s.run('HSCAN', 'h', '18446744073709551616')).toEqual({ err: 'ERR invalid cursor' });
    expect(s.run('HSCAN', 'h', '0', 'COUNT', '0')).toEqual(SYNTAX);
    expect(s.run('HSCAN', 'h', '0', 'COUNT', 'x')).toEqual(NOT_INT);
    expect(s.run('HSCAN', 'h', '0', 'MATCH')).toEqual(SYNTAX);
    expect(s.run('HSCAN', 'h', '0', 'TYPE', 'string')).toEqual(SYNTAX);
    expect(s.run('HSCAN', 'h', '0', 'NOVALUES')).toEqual(SYNTAX);
    expect(s.run('HSCAN', 'nokey', '0', 'COUNT', '0')).toEqual(['0', []]);
    expect(s.run('HSCAN', 'h', '-1')).toEqual(['0', ['a', '1']]);
    expect(s.run('HSCAN', 'h', '18446744073709551615')).toEqual(['0', ['a', '1']]);
  });

  test('a large hash: every field present for the whole scan is returned, despite deletions and additions', () => {
    for (let i = 0; i < 1000; i++) s.run('HSET', 'h', `f${i}`, `v${i}`);
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    let added = 0;
    do {
      const [next, items] = s.run('HSCAN', 'h', cursor, 'COUNT', '7') as [string, string[]];
      expect(items.length).toBeLessThanOrEqual(14);
      for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
      // Between calls: delete some fields that were never returned yet, and add new ones.
      s.run('HDEL', 'h', `f${(calls * 37) % 1000}`, `f${(calls * 53 + 1) % 1000}`);
      s.run('HSET', 'h', `new${added++}`, 'n');
      cursor = next;
      calls++;
    } while (cursor !== '0' && calls < 10_000);
    expect(cursor).toBe('0');
    expect(calls).toBeGreaterThan(100);
    const deleted = new Set<string>();
    for (let c = 0; c < calls; c++) deleted.add(`f${(c * 37) % 1000}`).add(`f${(c * 53 + 1) % 1000}`);
    for (let i = 0; i < 1000; i++) {
      const f = `f${i}`;
      if (!deleted.has(f)) expect(seen.get(f)).toBe(`v${i}`);
    }
  });

  test('a deleted and re-added field is still found; the log compacts under churn', () => {
    // 600 fields: beyond the listpack limit, so HSCAN pages through the member log.
    for (let i = 0; i < 600; i++) s.run('HSET', 'h', `f${i}`, 'v');
    const [cursor] = s.run('HSCAN', 'h', '0', 'COUNT', '100') as [string, string[]];
    for (let round = 0; round < 5; round++) {
      for (let i = 200; i < 300; i++) s.run('HDEL', 'h', `f${i}`);
      for (let i = 200; i < 300; i++) s.run('HSET', 'h', `f${i}`, 'v');
    }
    const rest = new Set<string>();
    let c = cursor;
    do {
      const [next, items] = s.run('HSCAN', 'h', c, 'COUNT', '50') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) rest.add(items[i]);
      c = next;
    } while (c !== '0');
    for (let i = 100; i < 600; i++) expect(rest.has(`f${i}`)).toBe(true);
    expect(hash('h').log?.length).toBeLessThanOrEqual(2 * 600 + 32);
  });
});
