// ioredis against the built server over TCP: every data family, pipelining, binary safety, RESP3.
import Redis from 'ioredis';
import { plain, RawClient, startKvServer, waitFor, type ServerProcess } from './harness';

let server: ServerProcess;
let redis: Redis;

beforeAll(async () => {
  server = await startKvServer();
  redis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  await redis.connect();
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

beforeEach(async () => {
  await redis.flushall();
});

test('strings', async () => {
  expect(await redis.set('s', 'hello')).toBe('OK');
  expect(await redis.get('s')).toBe('hello');
  expect(await redis.append('s', ' world')).toBe(11);
  expect(await redis.strlen('s')).toBe(11);
  expect(await redis.getrange('s', 0, 4)).toBe('hello');
  expect(await redis.setrange('s', 6, 'WORLD')).toBe(11);
  expect(await redis.get('s')).toBe('hello WORLD');
  expect(await redis.incr('n')).toBe(1);
  expect(await redis.incrby('n', 41)).toBe(42);
  expect(await redis.decr('n')).toBe(41);
  expect(await redis.incrbyfloat('f', '1.5')).toBe('1.5');
  expect(await redis.mset('a', '1', 'b', '2')).toBe('OK');
  expect(await redis.mget('a', 'b', 'missing')).toEqual(['1', '2', null]);
  expect(await redis.setnx('a', 'x')).toBe(0);
  expect(await redis.getdel('a')).toBe('1');
  expect(await redis.get('a')).toBeNull();
  await expect(redis.incr('s')).rejects.toThrow('ERR value is not an integer or out of range');
  expect(await redis.set('s', 'v', 'NX')).toBeNull();
  expect(await redis.set('s', 'v2', 'XX', 'GET')).toBe('hello WORLD');
});

test('keys', async () => {
  await redis.mset('k1', 'a', 'k2', 'b', 'other', 'c');
  expect(await redis.exists('k1', 'k2', 'nope')).toBe(2);
  expect((await redis.keys('k*')).sort()).toEqual(['k1', 'k2']);
  expect(await redis.type('k1')).toBe('string');
  expect(await redis.rename('k1', 'k3')).toBe('OK');
  expect(await redis.renamenx('k3', 'k2')).toBe(0);
  expect(await redis.copy('k3', 'k4')).toBe(1);
  expect(await redis.del('k3', 'k4', 'nope')).toBe(2);
  expect(await redis.dbsize()).toBe(2);
  const seen = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1);
    keys.forEach((k) => seen.add(k));
    cursor = next;
  } while (cursor !== '0');
  expect([...seen].sort()).toEqual(['k2', 'other']);
  await expect(redis.rename('nope', 'x')).rejects.toThrow('ERR no such key');
});

test('expiry', async () => {
  await redis.set('e', 'v');
  expect(await redis.ttl('e')).toBe(-1);
  expect(await redis.ttl('missing')).toBe(-2);
  expect(await redis.expire('e', 100)).toBe(1);
  expect(await redis.ttl('e')).toBeGreaterThan(98);
  expect(await redis.expire('e', 50, 'GT')).toBe(0);
  expect(await redis.persist('e')).toBe(1);
  expect(await redis.pttl('e')).toBe(-1);
  // A key with a past deadline is gone at once, and one with a 1 ms TTL disappears soon.
  await redis.set('gone', 'v', 'PX', 1);
  await waitFor('the key to expire', async () => ((await redis.exists('gone')) === 0 ? true : undefined));
  expect(await redis.get('gone')).toBeNull();
  await redis.set('at', 'v');
  expect(await redis.pexpireat('at', Date.now() - 1000)).toBe(1);
  expect(await redis.exists('at')).toBe(0);
  const t = Math.floor(Date.now() / 1000) + 1000;
  await redis.set('x', 'v', 'EXAT', t);
  expect(await redis.expiretime('x')).toBe(t);
});

test('hashes', async () => {
  expect(await redis.hset('h', 'a', '1', 'b', '2')).toBe(2);
  expect(await redis.hget('h', 'a')).toBe('1');
  expect(await redis.hgetall('h')).toEqual({ a: '1', b: '2' });
  expect(await redis.hincrby('h', 'a', 10)).toBe(11);
  expect(await redis.hexists('h', 'c')).toBe(0);
  expect(await redis.hsetnx('h', 'b', 'x')).toBe(0);
  expect(await redis.hdel('h', 'a', 'zz')).toBe(1);
  expect(await redis.hlen('h')).toBe(1);
  expect(await redis.hmget('h', 'a', 'b')).toEqual([null, '2']);
  await redis.set('str', 'x');
  await expect(redis.hget('str', 'a')).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
});

test('lists', async () => {
  expect(await redis.rpush('l', 'a', 'b', 'c')).toBe(3);
  expect(await redis.lpush('l', 'z')).toBe(4);
  expect(await redis.lrange('l', 0, -1)).toEqual(['z', 'a', 'b', 'c']);
  expect(await redis.lpop('l')).toBe('z');
  expect(await redis.rpop('l', 2)).toEqual(['c', 'b']);
  expect(await redis.llen('l')).toBe(1);
  await redis.rpush('l', 'b', 'a');
  expect(await redis.lpos('l', 'a', 'RANK', 2)).toBe(2);
  expect(await redis.linsert('l', 'BEFORE', 'b', 'x')).toBe(4);
  expect(await redis.lmove('l', 'm', 'LEFT', 'RIGHT')).toBe('a');
  expect(await redis.lindex('l', -1)).toBe('a');
  expect(await redis.ltrim('l', 0, 0)).toBe('OK');
  expect(await redis.lrange('l', 0, -1)).toEqual(['x']);
});

test('sets', async () => {
  expect(await redis.sadd('s1', 'a', 'b', 'c')).toBe(3);
  expect(await redis.sadd('s2', 'b', 'c', 'd')).toBe(3);
  expect((await redis.sinter('s1', 's2')).sort()).toEqual(['b', 'c']);
  expect((await redis.sunion('s1', 's2')).sort()).toEqual(['a', 'b', 'c', 'd']);
  expect(await redis.sdiff('s1', 's2')).toEqual(['a']);
  expect(await redis.sismember('s1', 'a')).toBe(1);
  expect(await redis.smismember('s1', 'a', 'd')).toEqual([1, 0]);
  expect(await redis.scard('s1')).toBe(3);
  expect(await redis.srem('s1', 'a', 'q')).toBe(1);
  expect(await redis.smove('s1', 's2', 'b')).toBe(1);
  expect(await redis.sintercard(2, 's1', 's2')).toBe(1);
});

test('sorted sets', async () => {
  expect(await redis.zadd('z', 1, 'a', 2, 'b', 3, 'c')).toBe(3);
  expect(await redis.zrange('z', 0, -1, 'WITHSCORES')).toEqual(['a', '1', 'b', '2', 'c', '3']);
  expect(await redis.zscore('z', 'b')).toBe('2');
  expect(await redis.zincrby('z', 2.5, 'a')).toBe('3.5');
  expect(await redis.zrank('z', 'a')).toBe(2);
  expect(await redis.zrange('z', '(2', '+inf', 'BYSCORE', 'LIMIT', 0, 1)).toEqual(['c']);
  expect(await redis.zrevrange('z', 0, 0)).toEqual(['a']);
  expect(await redis.zcount('z', '-inf', 3)).toBe(2);
  expect(await redis.zadd('z2', 10, 'a', 20, 'x')).toBe(2);
  expect(await redis.zunionstore('u', 2, 'z', 'z2', 'WEIGHTS', 1, 2)).toBe(4);
  expect(await redis.zscore('u', 'a')).toBe('23.5');
  expect(await redis.zpopmin('z')).toEqual(['b', '2']);
  expect(await redis.zrem('z', 'c', 'nope')).toBe(1);
  expect(await redis.zcard('z')).toBe(1);
});

test('a pipeline of 1000 commands gets 1000 replies in order', async () => {
  const p = redis.pipeline();
  for (let i = 0; i < 1000; i++) {
    if (i % 2 === 0) p.set(`p:${i}`, String(i));
    else p.incr('p:count');
  }
  const results = (await p.exec()) ?? [];
  expect(results).toHaveLength(1000);
  results.forEach(([err, r], i) => {
    expect(err).toBeNull();
    expect(r).toEqual(i % 2 === 0 ? 'OK' : (i + 1) / 2);
  });
  expect(await redis.dbsize()).toBe(501);
  const gets = redis.pipeline();
  for (let i = 0; i < 1000; i += 2) gets.get(`p:${i}`);
  const values = ((await gets.exec()) ?? []).map(([, v]) => v);
  expect(values).toEqual(Array.from({ length: 500 }, (_, i) => String(i * 2)));
});

test('values and keys are binary safe (all 256 byte values)', async () => {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const key = Buffer.concat([Buffer.from('bin:'), all]);
  expect(await redis.set(key, all)).toBe('OK');
  expect((await redis.getBuffer(key))?.equals(all)).toBe(true);
  expect(await redis.strlen(key)).toBe(256);
  await redis.hset('bh', all, all);
  expect((await redis.hgetBuffer('bh', all))?.equals(all)).toBe(true);
  await redis.rpush('bl', all, Buffer.from([0]));
  const items = await redis.lrangeBuffer('bl', 0, -1);
  expect(items.map((b) => b.toString('hex'))).toEqual([all.toString('hex'), '00']);
  // Bytes above 0x7f survive APPEND and GETRANGE unchanged (no UTF-8 re-encoding anywhere).
  await redis.append(key, Buffer.from([0xff, 0xfe]));
  expect((await redis.getrangeBuffer(key, 255, -1)).toString('hex')).toBe('fffffe');
  const keys = await redis.keysBuffer('bin:*');
  expect(keys).toHaveLength(1);
  expect(keys[0].equals(key)).toBe(true);
});

test('HELLO 3 on a raw socket switches to RESP3 types', async () => {
  const c = await RawClient.connect(server.port);
  try {
    c.send('HELLO', '3');
    c.proto = 3;
    const [hello] = await c.read();
    expect(hello.t).toBe('map');
    const h = plain(hello) as Record<string, unknown>;
    expect(h.server).toBe('redis');
    expect(h.proto).toBe(3);
    expect(h.version).toBe('7.0.15');
    c.send('HSET', 'h3', 'f', 'v');
    c.send('HGETALL', 'h3');
    c.send('GET', 'missing');
    c.send('ZADD', 'z3', '1.5', 'm');
    c.send('ZSCORE', 'z3', 'm');
    c.send('SMEMBERS', 'nokey');
    const raw = (await c.readRaw(6)).map((b) => b.toString('latin1'));
    expect(raw).toEqual([':1\r\n', '%1\r\n$1\r\nf\r\n$1\r\nv\r\n', '_\r\n', ':1\r\n', ',1.5\r\n', '~0\r\n']);
  } finally {
    c.close();
  }
});
