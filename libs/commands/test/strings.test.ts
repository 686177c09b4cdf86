import { TestServer } from './harness';

let s: TestServer;
beforeEach(() => {
  s = new TestServer();
  s.setTime(1_700_000_000_000);
});

describe('SET and GET', () => {
  test('basic, NX, XX, GET', () => {
    expect(s.run('SET', 'k', 'v')).toEqual({ ok: 'OK' });
    expect(s.run('GET', 'k')).toBe('v');
    expect(s.run('SET', 'k', 'w', 'NX')).toBeNull();
    expect(s.run('SET', 'k', 'w', 'XX', 'GET')).toBe('v');
    expect(s.run('SET', 'nx', 'w', 'XX')).toBeNull();
    expect(s.run('GET', 'nx')).toBeNull();
    expect(s.run('SET', 'k', 'x', 'NX', 'GET')).toBe('w');
    expect(s.run('GET', 'k')).toBe('w');
  });
  test('option errors as Redis 7 words them', () => {
    expect(s.run('SET', 'k', 'v', 'NX', 'XX')).toEqual({ err: 'ERR syntax error' });
    expect(s.run('SET', 'k', 'v', 'EX')).toEqual({ err: 'ERR syntax error' });
    expect(s.run('SET', 'k', 'v', 'EX', '10', 'PX', '10')).toEqual({ err: 'ERR syntax error' });
    expect(s.run('SET', 'k', 'v', 'EX', '10', 'KEEPTTL')).toEqual({ err: 'ERR syntax error' });
    expect(s.run('SET', 'k', 'v', 'EX', '0')).toEqual({ err: "ERR invalid expire time in 'set' command" });
    expect(s.run('SET', 'k', 'v', 'EX', '-1')).toEqual({ err: "ERR invalid expire time in 'set' command" });
    expect(s.run('SET', 'k', 'v', 'EX', 'abc')).toEqual({ err: 'ERR value is not an integer or out of range' });
    expect(s.run('SET', 'k', 'v', 'EX', '9223372036854775807')).toEqual({ err: "ERR invalid expire time in 'set' command" });
    expect(s.run('SET', 'k')).toEqual({ err: "ERR wrong number of arguments for 'set' command" });
  });
  test('expiry: EX, PX, KEEPTTL, and a plain SET clears the TTL', () => {
    s.run('SET', 'k', 'v', 'EX', '10');
    expect(s.ks.dbs[0].get('k')?.expireAt).toBe(1_700_000_010_000);
    s.run('SET', 'k', 'v2', 'KEEPTTL');
    expect(s.ks.dbs[0].get('k')?.expireAt).toBe(1_700_000_010_000);
    s.run('SET', 'k', 'v3');
    expect(s.ks.dbs[0].get('k')?.expireAt).toBe(0);
    s.run('SET', 'k', 'v', 'PX', '5');
    s.setTime(1_700_000_000_005);
    expect(s.run('GET', 'k')).toBeNull();
  });
  test('GET on a wrong type, SET GET on a wrong type sets nothing', () => {
    s.ks.dbs[0].set('l', new (require('@strata/commands').ListValue)());
    expect(s.run('GET', 'l')).toEqual({ err: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    expect(s.run('SET', 'l', 'x', 'GET')).toEqual({ err: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    expect(s.run('SET', 'l', 'x')).toEqual({ ok: 'OK' });
  });
});

describe('counters', () => {
  test('INCR family and its errors', () => {
    expect(s.run('INCR', 'c')).toBe(1);
    expect(s.run('INCRBY', 'c', '41')).toBe(42);
    expect(s.run('DECRBY', 'c', '2')).toBe(40);
    expect(s.run('DECR', 'c')).toBe(39);
    s.run('SET', 'c', '9223372036854775806');
    expect(s.run('INCR', 'c')).toBe(9223372036854775807n);
    expect(s.run('INCR', 'c')).toEqual({ err: 'ERR increment or decrement would overflow' });
    s.run('SET', 'c', ' 1');
    expect(s.run('INCR', 'c')).toEqual({ err: 'ERR value is not an integer or out of range' });
    s.run('SET', 'c', '01');
    expect(s.run('INCR', 'c')).toEqual({ err: 'ERR value is not an integer or out of range' });
    expect(s.run('DECRBY', 'd', '-9223372036854775808')).toEqual({ err: 'ERR decrement would overflow' });
    expect(s.run('INCRBY', 'd', '1.5')).toEqual({ err: 'ERR value is not an integer or out of range' });
  });
  test('INCRBYFLOAT', () => {
    s.run('SET', 'f', '10.50');
    expect(s.run('INCRBYFLOAT', 'f', '0.1')).toBe('10.6');
    expect(s.run('INCRBYFLOAT', 'f', '-5.0e3')).toBe('-4989.39999999999999991');
    expect(s.run('INCRBYFLOAT', 'g', '3')).toBe('3');
    expect(s.run('INCRBYFLOAT', 'g', 'inf')).toEqual({ err: 'ERR increment would produce NaN or Infinity' });
    expect(s.run('INCRBYFLOAT', 'g', 'x')).toEqual({ err: 'ERR value is not a valid float' });
    expect(s.propagated).toContainEqual(['SET', 'f', '10.6', 'KEEPTTL']);
  });
});

describe('ranges and the rest', () => {
  test('APPEND STRLEN SETRANGE GETRANGE', () => {
    expect(s.run('APPEND', 'a', 'Hello')).toBe(5);
    expect(s.run('APPEND', 'a', ' World')).toBe(11);
    expect(s.run('STRLEN', 'a')).toBe(11);
    expect(s.run('GETRANGE', 'a', '0', '3')).toBe('Hell');
    expect(s.run('GETRANGE', 'a', '-3', '-1')).toBe('rld');
    expect(s.run('GETRANGE', 'a', '-1', '-5')).toBe('');
    expect(s.run('GETRANGE', 'a', '0', '-100')).toBe('H');
    expect(s.run('GETRANGE', 'a', '5', '3')).toBe('');
    expect(s.run('GETRANGE', 'missing', '0', '-1')).toBe('');
    expect(s.run('SETRANGE', 'a', '6', 'Redis')).toBe(11);
    expect(s.run('GET', 'a')).toBe('Hello Redis');
    expect(s.run('SETRANGE', 'z', '3', 'x')).toBe(4);
    expect(s.run('GET', 'z')).toBe('\0\0\0x');
    expect(s.run('SETRANGE', 'e', '0', '')).toBe(0);
    expect(s.ks.dbs[0].has('e')).toBe(false);
    expect(s.run('SETRANGE', 'a', '-1', 'x')).toEqual({ err: 'ERR offset is out of range' });
    expect(s.run('SETRANGE', 'a', '536870911', 'xx')).toEqual({ err: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)' });
  });
  test('MSET MSETNX MGET GETDEL GETSET', () => {
    expect(s.run('MSET', 'a', '1', 'b', '2')).toEqual({ ok: 'OK' });
    expect(s.run('MSET', 'a', '1', 'b')).toEqual({ err: "ERR wrong number of arguments for 'mset' command" });
    expect(s.run('MSETNX', 'a', '3', 'c', '4')).toBe(0);
    expect(s.run('MSETNX', 'c', '3', 'd', '4')).toBe(1);
    expect(s.run('MGET', 'a', 'x', 'c')).toEqual(['1', null, '3']);
    expect(s.run('GETSET', 'a', '9')).toBe('1');
    expect(s.run('GETDEL', 'a')).toBe('9');
    expect(s.run('GET', 'a')).toBeNull();
  });
  test('LCS', () => {
    s.run('MSET', 'key1', 'ohmytext', 'key2', 'mynewtext');
    expect(s.run('LCS', 'key1', 'key2')).toBe('mytext');
    expect(s.run('LCS', 'key1', 'key2', 'LEN')).toBe(6);
    expect(s.run('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN')).toEqual([
      'matches', [[[4, 7], [5, 8], 4]], 'len', 6,
    ]);
    expect(s.run('LCS', 'key1', 'key2', 'IDX')).toEqual(['matches', [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], 'len', 6]);
  });
  test('GETEX', () => {
    s.run('SET', 'k', 'v');
    expect(s.run('GETEX', 'k', 'EX', '100')).toBe('v');
    expect(s.ks.dbs[0].get('k')?.expireAt).toBe(1_700_000_100_000);
    expect(s.run('GETEX', 'k', 'PERSIST')).toBe('v');
    expect(s.ks.dbs[0].get('k')?.expireAt).toBe(0);
    expect(s.run('GETEX', 'k', 'EX', '1', 'PX', '1')).toEqual({ err: 'ERR syntax error' });
    expect(s.run('GETEX', 'k', 'EXAT', '1')).toBe('v');
    expect(s.run('GET', 'k')).toBeNull();
  });
});
