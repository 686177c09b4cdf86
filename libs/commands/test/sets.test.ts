// Set commands; expected replies and error texts as Redis 7.0.15 gives them.
import { SetValue } from '@strata/commands';
import { TestServer } from './harness';
import { wire } from './list-hash-set-wire';

const WRONGTYPE = { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const NOT_INT = { err: 'ERR value is not an integer or out of range' };
const SYNTAX = { err: 'ERR syntax error' };
const NOT_POSITIVE = { err: 'ERR value is out of range, must be positive' };

let s: TestServer;
beforeEach(() => {
  s = new TestServer();
  s.setTime(1_700_000_000_000);
  s.run('SET', 'str', 'x');
  s.notifications.length = 0;
});

const setOf = (key: string) => s.ks.dbs[0].get(key)?.value as SetValue;
const sorted = (r: unknown) => [...(r as string[])].sort();

describe('members', () => {
  test('SADD SREM SCARD SISMEMBER SMISMEMBER, the emptied set is deleted', () => {
    expect(s.run('SADD', 's', 'a', 'b', 'a')).toBe(2);
    expect(s.run('SADD', 's', 'a')).toBe(0);
    expect(s.run('SCARD', 's')).toBe(2);
    expect(s.run('SCARD', 'nokey')).toBe(0);
    expect(s.run('SISMEMBER', 's', 'a')).toBe(1);
    expect(s.run('SISMEMBER', 's', 'z')).toBe(0);
    expect(s.run('SISMEMBER', 'nokey', 'z')).toBe(0);
    expect(s.run('SMISMEMBER', 's', 'a', 'z')).toEqual([1, 0]);
    expect(s.run('SMISMEMBER', 'nokey', 'a', 'b')).toEqual([0, 0]);
    expect(s.run('SREM', 's', 'z')).toBe(0);
    expect(s.run('SREM', 's', 'a', 'b', 'c')).toBe(2);
    expect(s.ks.dbs[0].has('s')).toBe(false);
    expect(s.run('SREM', 'nokey', 'a')).toBe(0);
    expect(s.notifications).toEqual(['s:sadd:s', 's:srem:s', 'g:del:s']);
  });

  test('WRONGTYPE everywhere', () => {
    for (const argv of [['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SCARD', 'str'], ['SISMEMBER', 'str', 'a'],
      ['SMISMEMBER', 'str', 'a'], ['SMEMBERS', 'str'], ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', '0'],
      ['SPOP', 'str'], ['SPOP', 'str', '0'], ['SSCAN', 'str', '0'], ['SINTER', 'nokey', 'str'], ['SUNION', 'nokey', 'str'],
      ['SDIFF', 'nokey', 'str'], ['SINTERSTORE', 'd', 'nokey', 'str'], ['SINTERCARD', '2', 'nokey', 'str'],
      ['SUNIONSTORE', 'd', 'str'], ['SDIFFSTORE', 'd', 'str']]) {
      expect(s.run(...argv)).toEqual(WRONGTYPE);
    }
  });

  test('SMEMBERS: a set reply, an intset in numeric order', () => {
    s.run('SADD', 'i', '5', '-3', '10', '1');
    expect(s.run('SMEMBERS', 'i')).toEqual(['-3', '1', '5', '10']);
    s.run('SADD', 'j', '9223372036854775807', '-9223372036854775808', '9223372036854775806');
    expect(s.run('SMEMBERS', 'j')).toEqual(['-9223372036854775808', '9223372036854775806', '9223372036854775807']);
    expect(wire(s, 'SMEMBERS', 'nokey')).toBe('*0');
    s.client.proto = 3;
    expect(wire(s, 'SMEMBERS', 'i')).toBe('~4 $-3 $1 $5 $10');
    expect(wire(s, 'SMEMBERS', 'nokey')).toBe('~0');
  });

  test('intset while every member is a string2ll integer and there are at most 512, then hashtable for good', () => {
    s.run('SADD', 'i', '1', '-5', '9223372036854775807');
    expect(setOf('i').encoding).toBe('intset');
    s.run('SADD', 'i', '007');
    expect(setOf('i').encoding).toBe('hashtable');
    s.run('SREM', 'i', '007');
    expect(setOf('i').encoding).toBe('hashtable');
    s.run('SADD', 'k', '9223372036854775808');
    expect(setOf('k').encoding).toBe('hashtable');
    s.run('SADD', 'a', 'x', '1');
    expect(setOf('a').encoding).toBe('hashtable');
    s.run('SADD', 'big', ...Array.from({ length: 512 }, (_, i) => String(i)));
    expect(setOf('big').encoding).toBe('intset');
    s.run('SADD', 'big', '512');
    expect(setOf('big').encoding).toBe('hashtable');
    expect(s.run('SISMEMBER', 'big', '05')).toBe(0);
  });

  test('SMOVE', () => {
    s.run('SADD', 'a', 'x', '1');
    s.run('SADD', 'b', 'y');
    s.notifications.length = 0;
    expect(s.run('SMOVE', 'a', 'b', 'x')).toBe(1);
    expect(s.run('SMOVE', 'a', 'b', 'zz')).toBe(0);
    expect(s.run('SMOVE', 'b', 'b', 'x')).toBe(1);
    expect(s.run('SMOVE', 'b', 'b', 'zz')).toBe(0);
    expect(s.run('SMOVE', 'a', 'fresh', '1')).toBe(1);
    expect(setOf('fresh').encoding).toBe('intset');
    expect(s.ks.dbs[0].has('a')).toBe(false);
    expect(sorted(s.run('SMEMBERS', 'b'))).toEqual(['x', 'y']);
    expect(s.notifications).toEqual(['s:srem:a', 's:sadd:b', 's:srem:a', 'g:del:a', 's:sadd:fresh']);
    s.run('SADD', 'c', 'x');
    expect(s.run('SMOVE', 'c', 'b', 'x')).toBe(1);
    expect(s.notifications.slice(-2)).toEqual(['s:srem:c', 'g:del:c']);
    expect(s.run('SMOVE', 'nokey', 'str', 'a')).toBe(0);
    expect(s.run('SMOVE', 'b', 'str', 'x')).toEqual(WRONGTYPE);
    expect(s.run('SMOVE', 'str', 'b', 'x')).toEqual(WRONGTYPE);
  });
});

describe('random members', () => {
  test('SRANDMEMBER count semantics and reply forms', () => {
    s.run('SADD', 's', 'a', 'b', 'c');
    expect(['a', 'b', 'c']).toContain(s.run('SRANDMEMBER', 's'));
    expect(wire(s, 'SRANDMEMBER', 'nokey')).toBe('$-1');
    expect(s.run('SRANDMEMBER', 'nokey', '3')).toEqual([]);
    expect(s.run('SRANDMEMBER', 's', '0')).toEqual([]);
    expect(sorted(s.run('SRANDMEMBER', 's', '5'))).toEqual(['a', 'b', 'c']);
    const two = s.run('SRANDMEMBER', 's', '2') as string[];
    expect(new Set(two).size).toBe(2);
    const many = s.run('SRANDMEMBER', 's', '-10') as string[];
    expect(many).toHaveLength(10);
    for (const m of many) expect(['a', 'b', 'c']).toContain(m);
    s.client.proto = 3;
    expect(wire(s, 'SRANDMEMBER', 'nokey', '3')).toBe('*0');
    expect(wire(s, 'SRANDMEMBER', 's', '5')).toMatch(/^\*3 /);
  });

  test('SRANDMEMBER on a large set: distinct members', () => {
    s.run('SADD', 's', ...Array.from({ length: 1000 }, (_, i) => `m${i}`));
    for (const n of [10, 500]) {
      const got = s.run('SRANDMEMBER', 's', String(n)) as string[];
      expect(new Set(got).size).toBe(n);
      for (const m of got) expect(m).toMatch(/^m\d+$/);
    }
  });

  test('SRANDMEMBER errors (count parsed before the key is looked up)', () => {
    expect(s.run('SRANDMEMBER', 'nokey', 'x')).toEqual(NOT_INT);
    expect(s.run('SRANDMEMBER', 'nokey', '-9223372036854775808')).toEqual({
      err: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    });
    expect(s.run('SRANDMEMBER', 'nokey', '1', '2')).toEqual(SYNTAX);
  });

  test('SPOP without count: propagated as SREM', () => {
    s.run('SADD', 's', 'a', 'b');
    const first = s.run('SPOP', 's') as string;
    expect(['a', 'b']).toContain(first);
    expect(s.propagated).toEqual([['SREM', 's', first]]);
    const second = s.run('SPOP', 's');
    expect(sorted([first, second])).toEqual(['a', 'b']);
    expect(s.ks.dbs[0].has('s')).toBe(false);
    expect(s.notifications.slice(-3)).toEqual(['s:spop:s', 's:spop:s', 'g:del:s']);
    expect(wire(s, 'SPOP', 'nokey')).toBe('$-1');
  });

  test('SPOP with count: set replies, DEL or SREM propagation, the whole set deleted', () => {
    expect(wire(s, 'SPOP', 'nokey', '2')).toBe('*0');
    s.client.proto = 3;
    expect(wire(s, 'SPOP', 'nokey', '2')).toBe('~0');
    s.run('SADD', 's', 'a', 'b', 'c', 'd');
    expect(wire(s, 'SPOP', 's', '0')).toBe('~0');
    expect(s.notifications).toEqual(['s:sadd:s']);
    expect(wire(s, 'SPOP', 's', '1')).toMatch(/^~1 \$[abcd]$/);
    s.client.proto = 2;
    expect(s.propagated).toHaveLength(1);
    expect(s.propagated[0][0]).toBe('SREM');
    const rest = s.run('SPOP', 's', '10') as string[];
    expect(rest).toHaveLength(3);
    expect(s.propagated[1]).toEqual(['DEL', 's']);
    expect(s.ks.dbs[0].has('s')).toBe(false);
    expect(s.notifications.slice(-3)).toEqual(['s:spop:s', 's:spop:s', 'g:del:s']);
  });

  test('SPOP with count from a large set, both strategies', () => {
    const all = Array.from({ length: 600 }, (_, i) => `m${i}`);
    s.run('SADD', 's', ...all);
    const few = s.run('SPOP', 's', '50') as string[];
    const most = s.run('SPOP', 's', '540') as string[];
    const left = s.run('SMEMBERS', 's') as string[];
    expect(few).toHaveLength(50);
    expect(most).toHaveLength(540);
    expect([...few, ...most, ...left].sort()).toEqual([...all].sort());
    expect(s.propagated).toHaveLength(590);
    // Redis rebuilds the remainder when it pops most of a set: integers become an intset again.
    s.run('SADD', 'n', 'x', ...Array.from({ length: 20 }, (_, i) => String(i)));
    s.run('SREM', 'n', 'x');
    expect(setOf('n').encoding).toBe('hashtable');
    s.run('SPOP', 'n', '18');
    expect(setOf('n').encoding).toBe('intset');
  });

  test('SPOP errors', () => {
    s.run('SADD', 's', 'a');
    expect(s.run('SPOP', 's', '-1')).toEqual(NOT_POSITIVE);
    expect(s.run('SPOP', 's', 'x')).toEqual(NOT_POSITIVE);
    expect(s.run('SPOP', 's', '1', '2')).toEqual(SYNTAX);
  });
});

describe('algebra', () => {
  beforeEach(() => {
    s.run('SADD', 'a', 'x', 'y', 'z', '1');
    s.run('SADD', 'b', 'y', 'z', 'w');
    s.run('SADD', 'i', '3', '1', '2');
    s.notifications.length = 0;
  });

  test('SINTER SUNION SDIFF, set replies, missing keys are empty sets', () => {
    expect(sorted(s.run('SINTER', 'a', 'b'))).toEqual(['y', 'z']);
    expect(s.run('SINTER', 'a', 'nokey')).toEqual([]);
    expect(sorted(s.run('SINTER', 'a', 'a'))).toEqual(['1', 'x', 'y', 'z']);
    expect(s.run('SINTER', 'i', 'i')).toEqual(['1', '2', '3']);
    expect(s.run('SINTER', 'a', 'i')).toEqual(['1']);
    expect(sorted(s.run('SUNION', 'a', 'b', 'nokey'))).toEqual(['1', 'w', 'x', 'y', 'z']);
    expect(s.run('SUNION', 'i')).toEqual(['1', '2', '3']);
    expect(sorted(s.run('SDIFF', 'a', 'b', 'nokey'))).toEqual(['1', 'x']);
    expect(s.run('SDIFF', 'a', 'a')).toEqual([]);
    expect(s.run('SDIFF', 'nokey', 'a')).toEqual([]);
    expect(s.run('SDIFF', 'i', 'a')).toEqual(['2', '3']);
    s.client.proto = 3;
    expect(wire(s, 'SINTER', 'i', 'i')).toBe('~3 $1 $2 $3');
    expect(wire(s, 'SINTER', 'nokey')).toBe('~0');
    expect(wire(s, 'SUNION', 'nokey')).toBe('~0');
    expect(wire(s, 'SDIFF', 'i', 'a')).toBe('~2 $2 $3');
  });

  test('SINTERSTORE SUNIONSTORE SDIFFSTORE: events, TTL cleared, empty result deletes', () => {
    s.run('SET', 'd', 'old');
    expect(s.run('SINTERSTORE', 'd', 'a', 'b')).toBe(2);
    expect(sorted(s.run('SMEMBERS', 'd'))).toEqual(['y', 'z']);
    expect(s.run('SUNIONSTORE', 'd', 'i', 'd')).toBe(5);
    expect(setOf('d').encoding).toBe('hashtable');
    expect(s.run('SDIFFSTORE', 'd', 'i', 'a')).toBe(2);
    expect(setOf('d').encoding).toBe('intset');
    expect(s.run('SINTERSTORE', 'd', 'a', 'nokey')).toBe(0);
    expect(s.ks.dbs[0].has('d')).toBe(false);
    expect(s.run('SINTERSTORE', 'd', 'a', 'nokey')).toBe(0);
    expect(s.run('SDIFFSTORE', 'd', 'a', 'a')).toBe(0);
    expect(s.notifications.filter((n) => !n.startsWith('$'))).toEqual([
      's:sinterstore:d', 's:sunionstore:d', 's:sdiffstore:d', 'g:del:d',
    ]);
  });

  test('a *STORE result replaces a key of any type and its TTL', () => {
    s.run('SET', 'd', 'old', 'EX', '100');
    expect(s.run('SUNIONSTORE', 'd', 'i')).toBe(3);
    expect(s.ks.dbs[0].get('d')?.expireAt).toBe(0);
    expect(s.run('SMEMBERS', 'd')).toEqual(['1', '2', '3']);
  });

  test('SINTERCARD with LIMIT and its errors; movable keys', () => {
    expect(s.run('SINTERCARD', '2', 'a', 'b')).toBe(2);
    expect(s.run('SINTERCARD', '1', 'a', 'LIMIT', '3')).toBe(3);
    expect(s.run('SINTERCARD', '1', 'a', 'limit', '0')).toBe(4);
    expect(s.run('SINTERCARD', '2', 'a', 'nokey')).toBe(0);
    expect(s.run('SINTERCARD', '0', 'a')).toEqual({ err: 'ERR numkeys should be greater than 0' });
    expect(s.run('SINTERCARD', 'x', 'a')).toEqual({ err: 'ERR numkeys should be greater than 0' });
    expect(s.run('SINTERCARD', '2', 'a')).toEqual({ err: "ERR Number of keys can't be greater than number of args" });
    expect(s.run('SINTERCARD', '1', 'a', 'LIMIT', '-1')).toEqual({ err: "ERR LIMIT can't be negative" });
    expect(s.run('SINTERCARD', '1', 'a', 'LIMIT', 'x')).toEqual({ err: "ERR LIMIT can't be negative" });
    expect(s.run('SINTERCARD', '1', 'a', 'LIMIT')).toEqual(SYNTAX);
    expect(s.run('SINTERCARD', '1', 'a', 'FOO')).toEqual(SYNTAX);
    const cmd = s.table.get('sintercard');
    expect(cmd?.keyIndexes(['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'])).toEqual([2, 3]);
  });
});

describe('SSCAN', () => {
  test('an intset comes whole and sorted; MATCH; cursor errors', () => {
    s.run('SADD', 'i', '3', '1', '2', '10');
    expect(s.run('SSCAN', 'i', '0', 'COUNT', '1')).toEqual(['0', ['1', '2', '3', '10']]);
    expect(s.run('SSCAN', 'i', '0', 'MATCH', '1*')).toEqual(['0', ['1', '10']]);
    expect(s.run('SSCAN', 'nokey', '0')).toEqual(['0', []]);
    expect(s.run('SSCAN', 'nokey', '0', 'COUNT', '0')).toEqual(['0', []]);
    expect(s.run('SSCAN', 'i', 'x')).toEqual({ err: 'ERR invalid cursor' });
    expect(s.run('SSCAN', 'i', '0', 'COUNT', '0')).toEqual(SYNTAX);
    expect(s.run('SSCAN', 'i', '0', 'COUNT', 'x')).toEqual(NOT_INT);
    expect(s.run('SSCAN', 'i', '0', 'FOO', 'x')).toEqual(SYNTAX);
  });

  test('a small hashtable set fits in one call', () => {
    s.run('SADD', 's', 'a', 'b', 'c');
    expect(s.run('SSCAN', 's', '0')).toEqual(['0', ['a', 'b', 'c']]);
  });

  test('a large set: every member present for the whole scan is returned despite SPOP and SADD', () => {
    const all = Array.from({ length: 2000 }, (_, i) => `m${i}`);
    s.run('SADD', 's', ...all);
    const seen = new Set<string>();
    const popped = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = s.run('SSCAN', 's', cursor, 'COUNT', '20') as [string, string[]];
      for (const m of items) seen.add(m);
      for (const m of s.run('SPOP', 's', '3') as string[]) popped.add(m);
      s.run('SADD', 's', `new${calls}`);
      cursor = next;
      calls++;
    } while (cursor !== '0' && calls < 10_000);
    expect(cursor).toBe('0');
    for (const m of all) if (!popped.has(m)) expect(seen.has(m)).toBe(true);
  });
});
