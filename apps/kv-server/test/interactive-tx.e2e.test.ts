// Interactive transactions (BEGIN ... COMMIT | ROLLBACK): own writes visible, others' not;
// a conflicting write makes COMMIT fail with nothing applied.
import Redis from 'ioredis';
import { startKvServer, type ServerProcess } from './harness';

let kv: ServerProcess;
let a: Redis;
let b: Redis;
beforeAll(async () => {
  kv = await startKvServer();
  a = new Redis({ port: kv.port, host: '127.0.0.1' });
  b = new Redis({ port: kv.port, host: '127.0.0.1' });
}, 30_000);
afterAll(async () => {
  a?.disconnect();
  b?.disconnect();
  await kv?.stop();
});
beforeEach(async () => {
  await a.flushall();
});

const call = (c: Redis, ...args: string[]) => c.call(args[0], ...args.slice(1)).catch((e: Error) => `error: ${e.message}`);

test('writes are visible inside the transaction only, then all at COMMIT', async () => {
  await a.set('acct', '100');
  expect(await call(a, 'BEGIN')).toBe('OK');
  expect(await call(a, 'DECRBY', 'acct', '30')).toBe(70);
  expect(await call(a, 'HSET', 'h', 'f', 'v')).toBe(1);
  expect(await call(a, 'LPUSH', 'l', 'x', 'y')).toBe(2);
  expect(await call(a, 'GET', 'acct')).toBe('70');
  expect(await b.get('acct')).toBe('100');
  expect(await b.exists('h', 'l')).toBe(0);
  expect(await call(a, 'COMMIT')).toBe('OK');
  expect(await b.get('acct')).toBe('70');
  expect(await b.hget('h', 'f')).toBe('v');
  expect(await b.lrange('l', 0, -1)).toEqual(['y', 'x']);
});

test('a conflicting write by another client aborts COMMIT and nothing is applied', async () => {
  await a.set('acct', '100');
  await call(a, 'BEGIN');
  await call(a, 'DECRBY', 'acct', '30');
  await call(a, 'SET', 'audit', 'debited');
  await b.incr('acct');
  expect(await call(a, 'COMMIT')).toBe("error: ERR transaction aborted: key 'acct' was changed by another client; nothing was applied");
  expect(await b.get('acct')).toBe('101');
  expect(await b.exists('audit')).toBe(0);
  // the connection is usable and out of the transaction
  expect(await call(a, 'COMMIT')).toBe('error: ERR COMMIT without BEGIN');
});

test('a key created by another client after the transaction looked at it is a conflict too', async () => {
  await call(a, 'BEGIN');
  expect(await call(a, 'SETNX', 'lock', 'me')).toBe(1);
  await b.set('lock', 'other');
  expect(String(await call(a, 'COMMIT'))).toContain('transaction aborted');
  expect(await b.get('lock')).toBe('other');
});

test('ROLLBACK, expiry, deletes and refusals', async () => {
  await a.set('k', 'v');
  await call(a, 'BEGIN');
  await call(a, 'DEL', 'k');
  await call(a, 'SET', 't', '1', 'EX', '100');
  expect(await call(a, 'EXISTS', 'k')).toBe(0);
  expect(await call(a, 'ROLLBACK')).toBe('OK');
  expect(await b.get('k')).toBe('v');
  expect(await b.exists('t')).toBe(0);

  await call(a, 'BEGIN');
  await call(a, 'DEL', 'k');
  await call(a, 'SET', 't', '1', 'EX', '100');
  expect(await call(a, 'COMMIT')).toBe('OK');
  expect(await b.exists('k')).toBe(0);
  expect(await b.ttl('t')).toBeGreaterThan(90);

  await call(a, 'BEGIN');
  expect(await call(a, 'BEGIN')).toBe('error: ERR BEGIN calls can not be nested');
  expect(await call(a, 'FLUSHDB')).toBe('error: ERR FLUSHDB is not allowed inside BEGIN ... COMMIT');
  expect(await call(a, 'MULTI')).toBe('error: ERR MULTI is not allowed inside BEGIN ... COMMIT');
  expect(String(await call(a, 'EVAL', 'return 1', '0'))).toContain('not allowed inside BEGIN');
  expect(await call(a, 'ROLLBACK')).toBe('OK');
  expect(await call(a, 'ROLLBACK')).toBe('error: ERR ROLLBACK without BEGIN');
});

test('keyspace notifications of a transaction are published at COMMIT', async () => {
  await a.config('SET', 'notify-keyspace-events', 'KEA');
  const sub = new Redis({ port: kv.port, host: '127.0.0.1' });
  const got: string[] = [];
  await sub.psubscribe('__keyevent@0__:*');
  sub.on('pmessage', (_p: string, ch: string, key: string) => got.push(`${ch}:${key}`));
  await call(a, 'BEGIN');
  await call(a, 'SET', 'n', '1');
  expect(await b.ping()).toBe('PONG'); // a round trip: anything published by now has arrived
  expect(got).toEqual([]);
  await call(a, 'COMMIT');
  await b.ping();
  for (let i = 0; i < 50 && got.length === 0; i++) await b.ping();
  expect(got).toContain('__keyevent@0__:set:n');
  await a.config('SET', 'notify-keyspace-events', '');
  sub.disconnect();
});
