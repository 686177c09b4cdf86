import * as fs from 'fs';
import * as path from 'path';
import { HashValue, SetValue, StreamValue, ZSetValue } from '@strata/commands';
import { TestServer } from './harness';

const FIXTURES = path.join(__dirname, 'fixtures/rdb');
const NOW = 1_700_000_000_000;
/** A DUMP payload from Redis 7.0 as the latin1 string a client sends. */
function fixture(name: string): string {
  return Buffer.from(fs.readFileSync(path.join(FIXTURES, `${name}.hex`), 'utf8').trim(), 'hex').toString('latin1');
}

let s: TestServer;
beforeEach(() => {
  s = new TestServer();
  s.setTime(NOW);
});
const entry = (key: string) => s.ks.dbs[0].peek(key);

describe('DUMP', () => {
  test('a missing key is a null reply; a string gives the bytes Redis gives', () => {
    expect(s.run('DUMP', 'nope')).toBeNull();
    s.run('SET', 'k', 'hello');
    expect(s.run('DUMP', 'k')).toBe(fixture('string-short'));
  });
  test('a stream has no encoding yet: a clear error', () => {
    s.ks.dbs[0].set('st', { kind: 'stream' } as StreamValue);
    expect(s.run('DUMP', 'st')).toEqual({ err: 'ERR DUMP of this value type is not supported yet' });
  });
});

describe('RESTORE', () => {
  const names = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.hex')).map((f) => f.slice(0, -4));
  test.each(names)('%s restores and dumps back to the same bytes', (name) => {
    expect(s.run('RESTORE', 'k', '0', fixture(name))).toEqual({ ok: 'OK' });
    expect(s.run('DUMP', 'k')).toBe(fixture(name));
    expect(s.notifications).toContain('g:restore:k');
  });
  test('the compact encodings follow the payload, as OBJECT ENCODING reports them', () => {
    s.run('RESTORE', 'h1', '0', fixture('hash-listpack'));
    s.run('RESTORE', 'h2', '0', fixture('hash-hashtable-long-value'));
    s.run('RESTORE', 's1', '0', fixture('set-intset16'));
    s.run('RESTORE', 's2', '0', fixture('set-hashtable'));
    s.run('RESTORE', 'z1', '0', fixture('zset-listpack'));
    s.run('RESTORE', 'z2', '0', fixture('zset-skiplist-many'));
    expect((entry('h1')?.value as HashValue).compact).toBe(true);
    expect((entry('h2')?.value as HashValue).compact).toBe(false);
    expect((entry('s1')?.value as SetValue).encoding).toBe('intset');
    expect((entry('s2')?.value as SetValue).encoding).toBe('hashtable');
    expect((entry('z1')?.value as ZSetValue).compact).toBe(true);
    expect((entry('z2')?.value as ZSetValue).compact).toBe(false);
    expect(s.run('GET', 'h1')).toEqual({ err: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  });
  test('BUSYKEY unless REPLACE', () => {
    s.run('SET', 'k', 'old');
    expect(s.run('RESTORE', 'k', '0', fixture('string-short'))).toEqual({ err: 'BUSYKEY Target key name already exists.' });
    expect(s.run('GET', 'k')).toBe('old');
    expect(s.run('RESTORE', 'k', '0', fixture('string-short'), 'replace')).toEqual({ ok: 'OK' });
    expect(s.run('GET', 'k')).toBe('hello');
  });
  test('TTL relative, absolute, already expired; propagated as an absolute time', () => {
    expect(s.run('RESTORE', 'a', '5000', fixture('string-short'))).toEqual({ ok: 'OK' });
    expect(entry('a')?.expireAt).toBe(NOW + 5000);
    expect(s.propagated.at(-1)).toEqual(['RESTORE', 'a', String(NOW + 5000), fixture('string-short'), 'ABSTTL']);
    expect(s.run('RESTORE', 'b', String(NOW + 9000), fixture('string-short'), 'ABSTTL')).toEqual({ ok: 'OK' });
    expect(entry('b')?.expireAt).toBe(NOW + 9000);
    expect(s.run('RESTORE', 'c', String(NOW - 1), fixture('string-short'), 'ABSTTL')).toEqual({ ok: 'OK' });
    expect(entry('c')).toBeUndefined();
    s.run('SET', 'd', 'x');
    expect(s.run('RESTORE', 'd', '1', fixture('string-short'), 'ABSTTL', 'REPLACE')).toEqual({ ok: 'OK' });
    expect(entry('d')).toBeUndefined();
    expect(s.propagated.at(-1)).toEqual(['DEL', 'd']);
    expect(s.run('RESTORE', 'e', '0', fixture('string-short'))).toEqual({ ok: 'OK' });
    expect(entry('e')?.expireAt).toBe(0);
  });
  test('IDLETIME and FREQ set the access data; they exclude each other', () => {
    s.run('RESTORE', 'i', '0', fixture('string-short'), 'IDLETIME', '120');
    expect(entry('i')?.lru).toBe(s.ks.lruClock - 120);
    s.run('RESTORE', 'f', '0', fixture('string-short'), 'FREQ', '200');
    expect(entry('f')?.freq).toBe(200);
    expect(s.run('RESTORE', 'x', '0', fixture('string-short'), 'IDLETIME', '1', 'FREQ', '2')).toEqual({ err: 'ERR syntax error' });
    expect(s.run('RESTORE', 'x', '0', fixture('string-short'), 'FREQ', '2', 'IDLETIME', '1')).toEqual({ err: 'ERR syntax error' });
  });
  test('error texts and their order, as Redis 7.0', () => {
    const p = fixture('string-short');
    expect(s.run('RESTORE', 'x', '0', p, 'IDLETIME', '-1')).toEqual({ err: 'ERR Invalid IDLETIME value, must be >= 0' });
    expect(s.run('RESTORE', 'x', '0', p, 'IDLETIME', 'abc')).toEqual({ err: 'ERR value is not an integer or out of range' });
    expect(s.run('RESTORE', 'x', '0', p, 'FREQ', '256')).toEqual({ err: 'ERR Invalid FREQ value, must be >= 0 and <= 255' });
    expect(s.run('RESTORE', 'x', '0', p, 'FREQ', '-1')).toEqual({ err: 'ERR Invalid FREQ value, must be >= 0 and <= 255' });
    expect(s.run('RESTORE', 'x', '0', p, 'IDLETIME')).toEqual({ err: 'ERR syntax error' });
    expect(s.run('RESTORE', 'x', '0', p, 'NOPE')).toEqual({ err: 'ERR syntax error' });
    expect(s.run('RESTORE', 'x', '-1', p)).toEqual({ err: 'ERR Invalid TTL value, must be >= 0' });
    expect(s.run('RESTORE', 'x', 'ten', p)).toEqual({ err: 'ERR value is not an integer or out of range' });
    expect(s.run('RESTORE', 'x', '0', 'garbage')).toEqual({ err: 'ERR DUMP payload version or checksum are wrong' });
    expect(s.run('RESTORE', 'x', '0', p.slice(0, 3) + 'X' + p.slice(4))).toEqual({ err: 'ERR DUMP payload version or checksum are wrong' });
    expect(s.run('RESTORE', 'x')).toEqual({ err: "ERR wrong number of arguments for 'restore' command" });
    // Options are parsed first, then the key is checked, then the TTL, then the payload.
    s.run('SET', 'busy', 'v');
    expect(s.run('RESTORE', 'busy', '-1', 'garbage', 'NOPE')).toEqual({ err: 'ERR syntax error' });
    expect(s.run('RESTORE', 'busy', '-1', 'garbage')).toEqual({ err: 'BUSYKEY Target key name already exists.' });
    expect(s.run('RESTORE', 'x', '-1', 'garbage')).toEqual({ err: 'ERR Invalid TTL value, must be >= 0' });
    expect(entry('x')).toBeUndefined();
  });
  test('a well-sealed payload with a broken body is a bad data format', () => {
    const good = Buffer.from(fixture('list-small'), 'latin1');
    good[5] ^= 0xff;
    const { crc64 } = jest.requireActual('../src/rdb') as typeof import('../src/rdb');
    crc64(good, 0, good.length - 8).copy(good, good.length - 8);
    expect(s.run('RESTORE', 'x', '0', good.toString('latin1'))).toEqual({ err: 'ERR Bad data format' });
    expect(entry('x')).toBeUndefined();
  });
});
