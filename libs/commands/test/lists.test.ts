// List commands; expected replies and error texts as Redis 7.0.15 gives them.
import { ListValue } from '@strata/commands';
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

const range = (key: string) => s.run('LRANGE', key, '0', '-1');

describe('push and pop', () => {
  test('LPUSH RPUSH order and length, LPUSHX RPUSHX only on existing lists', () => {
    expect(s.run('LPUSH', 'l', 'a', 'b')).toBe(2);
    expect(s.run('RPUSH', 'l', 'c', 'd')).toBe(4);
    expect(range('l')).toEqual(['b', 'a', 'c', 'd']);
    expect(s.run('LPUSHX', 'nokey', 'a')).toBe(0);
    expect(s.run('RPUSHX', 'nokey', 'a')).toBe(0);
    expect(s.run('LLEN', 'nokey')).toBe(0);
    expect(s.run('LPUSHX', 'l', 'z', 'y')).toBe(6);
    expect(s.run('RPUSHX', 'l', 'e')).toBe(7);
    expect(range('l')).toEqual(['y', 'z', 'b', 'a', 'c', 'd', 'e']);
    for (const c of ['LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX']) expect(s.run(c, 'str', 'a')).toEqual(WRONGTYPE);
    expect(s.notifications).toEqual(['l:lpush:l', 'l:rpush:l', 'l:lpush:l', 'l:rpush:l']);
  });

  test('LPOP RPOP without count; the emptied list is deleted', () => {
    s.run('RPUSH', 'l', 'a', 'b', 'c');
    expect(s.run('LPOP', 'l')).toBe('a');
    expect(s.run('RPOP', 'l')).toBe('c');
    expect(s.run('LPOP', 'l')).toBe('b');
    expect(s.ks.dbs[0].has('l')).toBe(false);
    expect(s.notifications.slice(-4)).toEqual(['l:lpop:l', 'l:rpop:l', 'l:lpop:l', 'g:del:l']);
    expect(wire(s, 'LPOP', 'l')).toBe('$-1');
    expect(s.run('RPOP', 'str')).toEqual(WRONGTYPE);
  });

  test('LPOP RPOP with count: arrays, the null array for a missing key, *0 for count 0', () => {
    s.run('RPUSH', 'l', 'a', 'b', 'c', 'd');
    expect(s.run('LPOP', 'l', '2')).toEqual(['a', 'b']);
    expect(s.run('RPOP', 'l', '1')).toEqual(['d']);
    expect(s.run('LPOP', 'l', '0')).toEqual([]);
    expect(s.run('RPOP', 'l', '10')).toEqual(['c']);
    expect(s.ks.dbs[0].has('l')).toBe(false);
    expect(wire(s, 'LPOP', 'l', '2')).toBe('*-1');
    expect(wire(s, 'LPOP', 'l', '0')).toBe('*-1');
    s.client.proto = 3;
    expect(wire(s, 'LPOP', 'l', '2')).toBe('_');
    expect(wire(s, 'RPOP', 'l')).toBe('_');
    s.client.proto = 2;
    expect(s.run('LPOP', 'l', '-1')).toEqual({ err: 'ERR value is out of range, must be positive' });
    expect(s.run('LPOP', 'l', 'x')).toEqual({ err: 'ERR value is out of range, must be positive' });
    expect(s.run('LPOP', 'l', '1', '2')).toEqual({ err: "ERR wrong number of arguments for 'lpop' command" });
    expect(s.run('RPOP', 'l', '1', '2')).toEqual({ err: "ERR wrong number of arguments for 'rpop' command" });
    expect(s.run('LPOP', 'str', '0')).toEqual(WRONGTYPE);
  });

  test('push and pop at both ends of a long list keep order (deque growth and shrink)', () => {
    for (let i = 0; i < 300; i++) s.run(i % 2 ? 'LPUSH' : 'RPUSH', 'l', String(i));
    const expected = [...Array.from({ length: 150 }, (_, i) => String(299 - 2 * i)), ...Array.from({ length: 150 }, (_, i) => String(2 * i))];
    expect(range('l')).toEqual(expected);
    expect(s.run('LPOP', 'l', '290')).toEqual(expected.slice(0, 290));
    expect(range('l')).toEqual(expected.slice(290));
  });
});

describe('reading', () => {
  test('LLEN LRANGE LINDEX', () => {
    s.run('RPUSH', 'l', 'a', 'b', 'c');
    expect(s.run('LLEN', 'l')).toBe(3);
    expect(s.run('LLEN', 'nokey')).toBe(0);
    expect(s.run('LLEN', 'str')).toEqual(WRONGTYPE);
    expect(s.run('LRANGE', 'l', '1', '1')).toEqual(['b']);
    expect(s.run('LRANGE', 'l', '-2', '100')).toEqual(['b', 'c']);
    expect(s.run('LRANGE', 'l', '2', '1')).toEqual([]);
    expect(s.run('LRANGE', 'l', '5', '10')).toEqual([]);
    expect(s.run('LRANGE', 'l', '9223372036854775807', '-9223372036854775808')).toEqual([]);
    expect(s.run('LRANGE', 'l', '-9223372036854775808', '9223372036854775807')).toEqual(['a', 'b', 'c']);
    expect(s.run('LRANGE', 'nokey', '0', '1')).toEqual([]);
    expect(s.run('LRANGE', 'nokey', 'x', '1')).toEqual(NOT_INT);
    expect(s.run('LRANGE', 'str', '0', '1')).toEqual(WRONGTYPE);
    expect(s.run('LINDEX', 'l', '0')).toBe('a');
    expect(s.run('LINDEX', 'l', '-1')).toBe('c');
    expect(s.run('LINDEX', 'l', '3')).toBeNull();
    expect(s.run('LINDEX', 'l', '-4')).toBeNull();
    expect(s.run('LINDEX', 'l', 'x')).toEqual(NOT_INT);
    expect(s.run('LINDEX', 'l', '9223372036854775808')).toEqual(NOT_INT);
    // The key is looked up before the index is parsed.
    expect(wire(s, 'LINDEX', 'nokey', 'x')).toBe('$-1');
    expect(s.run('LINDEX', 'str', 'x')).toEqual(WRONGTYPE);
  });

  test('LPOS with RANK COUNT MAXLEN', () => {
    s.run('RPUSH', 'p', 'a', 'b', 'c', 'a', 'b', 'c', 'a');
    expect(s.run('LPOS', 'p', 'a')).toBe(0);
    expect(s.run('LPOS', 'p', 'c')).toBe(2);
    expect(s.run('LPOS', 'p', 'a', 'RANK', '-1')).toBe(6);
    expect(s.run('LPOS', 'p', 'a', 'RANK', '2')).toBe(3);
    expect(s.run('LPOS', 'p', 'a', 'RANK', '-2', 'COUNT', '2')).toEqual([3, 0]);
    expect(s.run('LPOS', 'p', 'a', 'COUNT', '0')).toEqual([0, 3, 6]);
    expect(s.run('LPOS', 'p', 'a', 'COUNT', '2', 'COUNT', '0')).toEqual([0, 3, 6]);
    expect(s.run('LPOS', 'p', 'a', 'rank', '2', 'count', '0')).toEqual([3, 6]);
    expect(s.run('LPOS', 'p', 'a', 'MAXLEN', '3', 'COUNT', '0')).toEqual([0]);
    expect(wire(s, 'LPOS', 'p', 'a', 'RANK', '2', 'MAXLEN', '3')).toBe('$-1');
    expect(wire(s, 'LPOS', 'p', 'z')).toBe('$-1');
    expect(s.run('LPOS', 'p', 'z', 'COUNT', '1')).toEqual([]);
    expect(s.run('LPOS', 'nokey', 'z', 'COUNT', '1')).toEqual([]);
    expect(wire(s, 'LPOS', 'nokey', 'z')).toBe('$-1');
    expect(wire(s, 'LPOS', 'p', 'a', 'RANK', '-9223372036854775807')).toBe('$-1');
    // Redis negates LLONG_MIN into itself: the first match from the tail.
    expect(s.run('LPOS', 'p', 'a', 'RANK', '-9223372036854775808')).toBe(6);
    expect(s.run('LPOS', 'str', 'a')).toEqual(WRONGTYPE);
  });

  test('LPOS errors', () => {
    s.run('RPUSH', 'p', 'a');
    expect(s.run('LPOS', 'p', 'a', 'RANK', '0')).toEqual({
      err: "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
    });
    expect(s.run('LPOS', 'nokey', 'a', 'RANK', '0')).toEqual(s.run('LPOS', 'p', 'a', 'RANK', '0'));
    expect(s.run('LPOS', 'p', 'a', 'RANK', 'x')).toEqual(NOT_INT);
    expect(s.run('LPOS', 'p', 'a', 'RANK', '9223372036854775808')).toEqual(NOT_INT);
    expect(s.run('LPOS', 'p', 'a', 'COUNT', '-1')).toEqual({ err: "ERR COUNT can't be negative" });
    expect(s.run('LPOS', 'p', 'a', 'COUNT', 'x')).toEqual({ err: "ERR COUNT can't be negative" });
    expect(s.run('LPOS', 'p', 'a', 'MAXLEN', '-1')).toEqual({ err: "ERR MAXLEN can't be negative" });
    expect(s.run('LPOS', 'p', 'a', 'FOO')).toEqual(SYNTAX);
    expect(s.run('LPOS', 'p', 'a', 'RANK')).toEqual(SYNTAX);
  });
});

describe('editing', () => {
  test('LSET', () => {
    s.run('RPUSH', 'l', 'a', 'b', 'c');
    expect(s.run('LSET', 'l', '1', 'B')).toEqual({ ok: 'OK' });
    expect(s.run('LSET', 'l', '-1', 'C')).toEqual({ ok: 'OK' });
    expect(range('l')).toEqual(['a', 'B', 'C']);
    expect(s.run('LSET', 'l', '3', 'x')).toEqual({ err: 'ERR index out of range' });
    expect(s.run('LSET', 'l', '-4', 'x')).toEqual({ err: 'ERR index out of range' });
    expect(s.run('LSET', 'l', 'x', 'a')).toEqual(NOT_INT);
    expect(s.run('LSET', 'nokey', 'x', 'a')).toEqual({ err: 'ERR no such key' });
    expect(s.run('LSET', 'str', '0', 'a')).toEqual(WRONGTYPE);
    expect(s.notifications.filter((n) => n.includes('lset'))).toEqual(['l:lset:l', 'l:lset:l']);
  });

  test('LINSERT', () => {
    s.run('RPUSH', 'l', 'a', 'b', 'c');
    expect(s.run('LINSERT', 'l', 'BEFORE', 'a', 'x')).toBe(4);
    expect(s.run('LINSERT', 'l', 'after', 'c', 'y')).toBe(5);
    expect(s.run('LINSERT', 'l', 'AFTER', 'a', 'z')).toBe(6);
    expect(s.run('LINSERT', 'l', 'BEFORE', 'c', 'w')).toBe(7);
    expect(range('l')).toEqual(['x', 'a', 'z', 'b', 'w', 'c', 'y']);
    expect(s.run('LINSERT', 'l', 'BEFORE', 'nope', 'v')).toBe(-1);
    expect(s.run('LINSERT', 'nokey', 'BEFORE', 'a', 'v')).toBe(0);
    expect(s.run('LINSERT', 'l', 'MIDDLE', 'a', 'v')).toEqual(SYNTAX);
    expect(s.run('LINSERT', 'nokey', 'MIDDLE', 'a', 'v')).toEqual(SYNTAX);
    expect(s.run('LINSERT', 'str', 'BEFORE', 'a', 'v')).toEqual(WRONGTYPE);
    expect(s.notifications.filter((n) => n.includes('linsert')).length).toBe(4);
  });

  test('LINSERT in the middle of a long list, on both halves', () => {
    const items = Array.from({ length: 100 }, (_, i) => String(i));
    s.run('RPUSH', 'l', ...items);
    s.run('LINSERT', 'l', 'BEFORE', '10', 'x');
    s.run('LINSERT', 'l', 'AFTER', '90', 'y');
    expect(range('l')).toEqual([...items.slice(0, 10), 'x', ...items.slice(10, 91), 'y', ...items.slice(91)]);
  });

  test('LREM from the head, from the tail, all', () => {
    s.run('RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'd', 'a');
    expect(s.run('LREM', 'l', '-2', 'a')).toBe(2);
    expect(range('l')).toEqual(['a', 'b', 'a', 'c', 'd']);
    expect(s.run('LREM', 'l', '1', 'a')).toBe(1);
    expect(range('l')).toEqual(['b', 'a', 'c', 'd']);
    expect(s.run('LREM', 'l', '0', 'a')).toBe(1);
    expect(range('l')).toEqual(['b', 'c', 'd']);
    expect(s.run('LREM', 'l', '0', 'zz')).toBe(0);
    expect(s.notifications.filter((n) => n.includes('lrem')).length).toBe(3);
    expect(s.run('LREM', 'nokey', '1', 'a')).toBe(0);
    expect(s.run('LREM', 'nokey', 'x', 'a')).toEqual(NOT_INT);
    expect(s.run('LREM', 'str', '1', 'a')).toEqual(WRONGTYPE);
    s.run('RPUSH', 'm', 'a', 'a');
    expect(s.run('LREM', 'm', '0', 'a')).toBe(2);
    expect(s.ks.dbs[0].has('m')).toBe(false);
    expect(s.notifications.slice(-2)).toEqual(['l:lrem:m', 'g:del:m']);
  });

  test('LTRIM', () => {
    s.run('RPUSH', 'l', '1', '2', '3', '4', '5', '6', '7', '8', '9');
    expect(s.run('LTRIM', 'l', '2', '-3')).toEqual({ ok: 'OK' });
    expect(range('l')).toEqual(['3', '4', '5', '6', '7']);
    expect(s.run('LTRIM', 'l', '-100', '100')).toEqual({ ok: 'OK' });
    expect(range('l')).toEqual(['3', '4', '5', '6', '7']);
    expect(s.run('LTRIM', 'l', '3', '1')).toEqual({ ok: 'OK' });
    expect(s.ks.dbs[0].has('l')).toBe(false);
    expect(s.notifications.slice(-3)).toEqual(['l:ltrim:l', 'l:ltrim:l', 'g:del:l']);
    expect(s.run('LTRIM', 'nokey', '0', '1')).toEqual({ ok: 'OK' });
    expect(s.run('LTRIM', 'nokey', 'x', '1')).toEqual(NOT_INT);
    expect(s.run('LTRIM', 'str', '0', '1')).toEqual(WRONGTYPE);
  });
});

describe('moves', () => {
  test('RPOPLPUSH and LMOVE between lists, notifications in Redis order', () => {
    s.run('RPUSH', 'k', 'a', 'b');
    s.notifications.length = 0;
    expect(s.run('LMOVE', 'k', 'd', 'LEFT', 'RIGHT')).toBe('a');
    expect(s.run('RPOPLPUSH', 'k', 'd')).toBe('b');
    expect(range('d')).toEqual(['b', 'a']);
    expect(s.ks.dbs[0].has('k')).toBe(false);
    expect(s.notifications).toEqual(['l:rpush:d', 'l:lpop:k', 'l:lpush:d', 'l:rpop:k', 'g:del:k']);
    expect(s.run('LMOVE', 'd', 'd', 'left', 'right')).toBe('b');
    expect(range('d')).toEqual(['a', 'b']);
    s.run('RPUSH', 'one', 'x');
    expect(s.run('RPOPLPUSH', 'one', 'one')).toBe('x');
    expect(range('one')).toEqual(['x']);
  });

  test('LMOVE and RPOPLPUSH errors and missing source', () => {
    s.run('RPUSH', 'k', 'a');
    expect(wire(s, 'LMOVE', 'nokey', 'd', 'LEFT', 'LEFT')).toBe('$-1');
    expect(wire(s, 'RPOPLPUSH', 'nokey', 'd')).toBe('$-1');
    expect(wire(s, 'LMOVE', 'nokey', 'str', 'LEFT', 'LEFT')).toBe('$-1');
    expect(s.run('LMOVE', 'k', 'str', 'LEFT', 'LEFT')).toEqual(WRONGTYPE);
    expect(range('k')).toEqual(['a']);
    expect(s.run('RPOPLPUSH', 'str', 'k')).toEqual(WRONGTYPE);
    expect(s.run('LMOVE', 'k', 'd', 'UP', 'LEFT')).toEqual(SYNTAX);
    expect(s.run('LMOVE', 'nokey', 'd', 'LEFT', 'UP')).toEqual(SYNTAX);
  });

  test('LMPOP', () => {
    s.run('RPUSH', 'k', 'a', 'b', 'c');
    expect(s.run('LMPOP', '2', 'nokey', 'k', 'LEFT', 'COUNT', '2')).toEqual(['k', ['a', 'b']]);
    expect(s.propagated).toEqual([['LPOP', 'k', '2']]);
    expect(s.run('LMPOP', '1', 'k', 'RIGHT', 'COUNT', '5')).toEqual(['k', ['c']]);
    expect(s.propagated[1]).toEqual(['RPOP', 'k', '1']);
    expect(s.ks.dbs[0].has('k')).toBe(false);
    s.run('RPUSH', 'k', 'a', 'b');
    expect(s.run('LMPOP', '1', 'k', 'right')).toEqual(['k', ['b']]);
    expect(wire(s, 'LMPOP', '1', 'nokey', 'LEFT')).toBe('*-1');
    s.client.proto = 3;
    expect(wire(s, 'LMPOP', '1', 'nokey', 'LEFT')).toBe('_');
    expect(wire(s, 'LMPOP', '1', 'k', 'LEFT')).toBe('*2 $k *1 $a');
  });

  test('LMPOP errors', () => {
    const numkeys = { err: 'ERR numkeys should be greater than 0' };
    const count = { err: 'ERR count should be greater than 0' };
    expect(s.run('LMPOP', '0', 'k', 'LEFT')).toEqual(numkeys);
    expect(s.run('LMPOP', 'x', 'k', 'LEFT')).toEqual(numkeys);
    expect(s.run('LMPOP', '3', 'k', 'LEFT')).toEqual(SYNTAX);
    expect(s.run('LMPOP', '1', 'k', 'MIDDLE')).toEqual(SYNTAX);
    expect(s.run('LMPOP', '1', 'k', 'LEFT', 'COUNT', '0')).toEqual(count);
    expect(s.run('LMPOP', '1', 'k', 'LEFT', 'COUNT', '-1')).toEqual(count);
    expect(s.run('LMPOP', '1', 'k', 'LEFT', 'COUNT', 'x')).toEqual(count);
    expect(s.run('LMPOP', '1', 'k', 'LEFT', 'COUNT', '1', 'COUNT', '1')).toEqual(SYNTAX);
    expect(s.run('LMPOP', '1', 'k', 'LEFT', 'FOO')).toEqual(SYNTAX);
    expect(s.run('LMPOP', '2', 'nokey', 'str', 'LEFT')).toEqual(WRONGTYPE);
  });

  test('LMPOP has movable keys', () => {
    const cmd = s.table.get('lmpop');
    expect(cmd?.movableKeys).toBe(true);
    expect(cmd?.keyIndexes(['LMPOP', '2', 'a', 'b', 'LEFT'])).toEqual([2, 3]);
    expect(cmd?.keyIndexes(['LMPOP', '0', 'a', 'LEFT'])).toEqual([]);
  });
});

test('values are held in a ListValue deque', () => {
  s.run('RPUSH', 'l', 'a');
  expect(s.ks.dbs[0].get('l')?.value).toBeInstanceOf(ListValue);
});
