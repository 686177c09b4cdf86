// MULTI/EXEC/WATCH, pub/sub and blocking commands, as scenarios of several clients run against
// redis-server 7.0 and the kv-server alike; the raw replies of both must be the same bytes.
// Without redis-server the suite is skipped loudly, except in CI (CI=true), where that fails.
import { RawClient, redisServerInstalled, startKvServer, startRedisServer, waitFor, type ServerProcess } from './harness';

const installed = redisServerInstalled();
const inCi = process.env.CI === 'true';
const suite = installed || inCi ? describe : describe.skip;
if (!installed) console.warn(`features.e2e: redis-server is not installed${inCi ? ' (CI: failing)' : '; skipping'}`);

let redis: ServerProcess;
let kv: ServerProcess;

beforeAll(async () => {
  if (!installed) throw new Error('redis-server is required for the differential feature tests');
  [redis, kv] = await Promise.all([startRedisServer(), startKvServer()]);
}, 30_000);
afterAll(async () => {
  await Promise.all([redis?.stop(), kv?.stop()]);
});

type Scenario = (port: number) => Promise<string[]>;

/** Runs a scenario against both servers (one after the other) and returns both transcripts. */
async function both(s: Scenario): Promise<[string[], string[]]> {
  return [await s(redis.port), await s(kv.port)];
}

async function clients(port: number, n: number): Promise<RawClient[]> {
  return Promise.all(Array.from({ length: n }, () => RawClient.connect(port)));
}

async function raw(c: RawClient, n = 1): Promise<string> {
  return (await c.readRaw(n)).map((b) => b.toString('latin1')).join('');
}

async function cmd(c: RawClient, ...args: string[]): Promise<string> {
  c.send(...args);
  return raw(c);
}

suite('transactions', () => {
  test('MULTI/EXEC/DISCARD and their errors', async () => {
    const [a, b] = await both(async (port) => {
      const [c] = await clients(port, 1);
      const t: string[] = [];
      for (const argv of [
        ['FLUSHALL'], ['EXEC'], ['DISCARD'], ['MULTI'], ['MULTI'], ['SET', 'k', '1'], ['INCR', 'k'], ['GET', 'k'],
        ['LPUSH', 'k', 'x'], ['EXEC'], ['MULTI'], ['SET', 'k'], ['INCR', 'k'], ['EXEC'], ['GET', 'k'],
        ['MULTI'], ['NOSUCHCMD'], ['EXEC'], ['MULTI'], ['WATCH', 'k'], ['DISCARD'], ['MULTI'], ['SET', 'k', '5'], ['DISCARD'], ['GET', 'k'],
        ['MULTI'], ['EXEC'], ['MULTI'], ['BLPOP', 'nolist', '0'], ['EXEC'],
      ]) t.push(await cmd(c, ...argv));
      c.close();
      return t;
    });
    expect(b).toEqual(a);
    expect(a.join('')).toContain('EXECABORT');
  });

  test('WATCH: a write by another client, an expiry, FLUSHALL and SWAPDB all fail the EXEC', async () => {
    const [a, b] = await both(async (port) => {
      const [c, other] = await clients(port, 2);
      const t: string[] = [];
      t.push(await cmd(c, 'FLUSHALL'));
      // another client writes the watched key
      t.push(await cmd(c, 'WATCH', 'w'), await cmd(other, 'SET', 'w', '1'), await cmd(c, 'MULTI'), await cmd(c, 'SET', 'w', '2'), await cmd(c, 'EXEC'));
      // no write: EXEC runs
      t.push(await cmd(c, 'WATCH', 'w'), await cmd(c, 'MULTI'), await cmd(c, 'INCR', 'w'), await cmd(c, 'EXEC'));
      // a watched key expires
      t.push(await cmd(c, 'SET', 'e', 'v', 'PX', '30'), await cmd(c, 'WATCH', 'e'));
      await waitFor('the key to expire', async () => ((await cmd(other, 'PTTL', 'e')) === ':-2\r\n' ? true : undefined));
      t.push(await cmd(c, 'MULTI'), await cmd(c, 'SET', 'x', '1'), await cmd(c, 'EXEC'));
      // FLUSHALL touches existing watched keys
      t.push(await cmd(c, 'WATCH', 'w'), await cmd(other, 'FLUSHALL'), await cmd(c, 'MULTI'), await cmd(c, 'PING'), await cmd(c, 'EXEC'));
      // SWAPDB touches keys of both databases
      t.push(await cmd(c, 'SET', 'w', '1'), await cmd(c, 'WATCH', 'w'), await cmd(other, 'SWAPDB', '0', '1'), await cmd(c, 'MULTI'), await cmd(c, 'PING'), await cmd(c, 'EXEC'));
      // UNWATCH forgets
      t.push(await cmd(c, 'WATCH', 'w'), await cmd(other, 'SET', 'w', '3'), await cmd(c, 'UNWATCH'), await cmd(c, 'MULTI'), await cmd(c, 'PING'), await cmd(c, 'EXEC'));
      c.close();
      other.close();
      return t;
    });
    expect(b).toEqual(a);
    expect(a.filter((r) => r === '*-1\r\n').length).toBe(4);
  });
});

suite('pub/sub', () => {
  test('messages, patterns, RESP2 subscribed mode and PUBSUB introspection', async () => {
    const [a, b] = await both(async (port) => {
      const [sub, psub, pub] = await clients(port, 3);
      const t: string[] = [];
      sub.send('SUBSCRIBE', 'news', 'sports');
      t.push(await raw(sub, 2));
      psub.send('PSUBSCRIBE', 'n*', 'x?');
      t.push(await raw(psub, 2));
      t.push(await cmd(pub, 'PUBLISH', 'news', 'hello'));
      t.push(await raw(sub), await raw(psub));
      t.push(await cmd(pub, 'PUBLISH', 'nothing', 'x'), await raw(psub));
      t.push(await cmd(pub, 'PUBLISH', 'sports', ''), await raw(sub));
      t.push(await cmd(pub, 'PUBSUB', 'NUMSUB', 'news', 'none'), await cmd(pub, 'PUBSUB', 'NUMPAT'), await cmd(pub, 'PUBSUB', 'CHANNELS', 'sp*'));
      t.push(await cmd(sub, 'GET', 'k'), await cmd(sub, 'PING'), await cmd(sub, 'PING', 'hi'));
      // (a bare UNSUBSCRIBE lists channels in hash order in Redis: name one, then the last)
      sub.send('UNSUBSCRIBE', 'news');
      t.push(await raw(sub));
      sub.send('UNSUBSCRIBE');
      t.push(await raw(sub));
      t.push(await cmd(sub, 'UNSUBSCRIBE'), await cmd(sub, 'PING'));
      psub.send('PUNSUBSCRIBE', 'x?');
      t.push(await raw(psub));
      for (const c of [sub, psub, pub]) c.close();
      return t;
    });
    expect(b).toEqual(a);
  });

  test('RESP3 subscribers get push messages and may run any command', async () => {
    const [a, b] = await both(async (port) => {
      const [sub, pub] = await clients(port, 2);
      sub.proto = 3;
      await cmd(sub, 'HELLO', '3');
      const t: string[] = [];
      sub.send('SUBSCRIBE', 'c');
      t.push(await raw(sub));
      t.push(await cmd(pub, 'PUBLISH', 'c', 'm'), await raw(sub));
      t.push(await cmd(sub, 'SET', 'k', 'v'), await cmd(sub, 'GET', 'k'));
      sub.send('SSUBSCRIBE', 'sc');
      t.push(await raw(sub), await cmd(pub, 'SPUBLISH', 'sc', 'x'), await raw(sub));
      sub.close();
      pub.close();
      return t;
    });
    expect(b).toEqual(a);
  });

  test('keyspace notifications', async () => {
    const [a, b] = await both(async (port) => {
      const [sub, c] = await clients(port, 2);
      const t: string[] = [];
      t.push(await cmd(c, 'CONFIG', 'SET', 'notify-keyspace-events', 'KEA'));
      sub.send('PSUBSCRIBE', '__key*__:*');
      t.push(await raw(sub));
      t.push(await cmd(c, 'SET', 'n1', 'v'), await raw(sub, 2));
      t.push(await cmd(c, 'LPUSH', 'n2', 'a'), await raw(sub, 2));
      t.push(await cmd(c, 'EXPIRE', 'n1', '100'), await raw(sub, 2));
      t.push(await cmd(c, 'DEL', 'n1', 'n2'), await raw(sub, 4));
      t.push(await cmd(c, 'CONFIG', 'SET', 'notify-keyspace-events', ''));
      sub.close();
      c.close();
      return t;
    });
    expect(b).toEqual(a);
  });
});

suite('blocking commands', () => {
  test('clients are served first come first served, also when a transaction pushes', async () => {
    const [a, b] = await both(async (port) => {
      const [b1, b2, b3, p] = await clients(port, 4);
      const t: string[] = [];
      t.push(await cmd(p, 'DEL', 'q', 'q2', 'z'));
      b1.send('BLPOP', 'q', '0');
      b2.send('BRPOP', 'q', 'other', '0');
      b3.send('BLMOVE', 'q', 'q2', 'LEFT', 'RIGHT', '0');
      // all three are parked before the push
      await waitFor('three blocked clients', async () => (/blocked_clients:3/.test(await cmd(p, 'INFO', 'clients')) ? true : undefined));
      t.push(await cmd(p, 'RPUSH', 'q', '1', '2', '3'));
      t.push(await raw(b1), await raw(b2), await raw(b3));
      b1.send('BZPOPMIN', 'z', '0');
      await waitFor('one blocked client', async () => (/blocked_clients:1/.test(await cmd(p, 'INFO', 'clients')) ? true : undefined));
      p.send('MULTI');
      p.send('ZADD', 'z', '2', 'b', '1', 'a');
      p.send('ZREM', 'z', 'a');
      p.send('EXEC');
      t.push(await raw(p, 4), await raw(b1));
      // pipelined commands behind a blocked one wait for it
      b2.send('BLPOP', 'q3', '0');
      b2.send('PING');
      await waitFor('one blocked client', async () => (/blocked_clients:1/.test(await cmd(p, 'INFO', 'clients')) ? true : undefined));
      t.push(await cmd(p, 'LPUSH', 'q3', 'v'), await raw(b2, 2));
      for (const c of [b1, b2, b3, p]) c.close();
      return t;
    });
    expect(b).toEqual(a);
  });

  test('XREAD and XREADGROUP with BLOCK are woken by XADD', async () => {
    const [a, b] = await both(async (port) => {
      const [r1, r2, p] = await clients(port, 3);
      const t: string[] = [];
      t.push(await cmd(p, 'DEL', 's'), await cmd(p, 'XADD', 's', '1-1', 'f', 'v'), await cmd(p, 'XGROUP', 'CREATE', 's', 'g', '$'));
      r1.send('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
      r2.send('XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '>');
      await waitFor('two blocked clients', async () => (/blocked_clients:2/.test(await cmd(p, 'INFO', 'clients')) ? true : undefined));
      t.push(await cmd(p, 'XADD', 's', '2-1', 'x', 'y'), await raw(r1), await raw(r2));
      t.push(await cmd(r1, 'XREAD', 'BLOCK', '50', 'STREAMS', 's', '$'), await cmd(p, 'XPENDING', 's', 'g'));
      for (const c of [r1, r2, p]) c.close();
      return t;
    });
    expect(b).toEqual(a);
  });

  test('timeouts and CLIENT UNBLOCK', async () => {
    const [a, b] = await both(async (port) => {
      const [c, p] = await clients(port, 2);
      const t: string[] = [];
      t.push(await cmd(c, 'BLPOP', 'none', '0.05'));
      const id = (await cmd(c, 'CLIENT', 'ID')).slice(1, -2);
      c.send('BRPOP', 'none', '0');
      await waitFor('a blocked client', async () => (/blocked_clients:1/.test(await cmd(p, 'INFO', 'clients')) ? true : undefined));
      t.push(await cmd(p, 'CLIENT', 'UNBLOCK', id, 'ERROR'), await raw(c));
      c.send('BZPOPMAX', 'none', '0');
      await waitFor('a blocked client', async () => (/blocked_clients:1/.test(await cmd(p, 'INFO', 'clients')) ? true : undefined));
      t.push(await cmd(p, 'CLIENT', 'UNBLOCK', id), await raw(c), await cmd(p, 'CLIENT', 'UNBLOCK', id));
      c.close();
      p.close();
      return t;
    });
    expect(b).toEqual(a);
  });
});

suite('scripting', () => {
  test('EVAL, EVALSHA, SCRIPT, FUNCTION and FCALL replies and errors', async () => {
    const [a, b] = await both(async (port) => {
      const [c] = await clients(port, 1);
      const t: string[] = [];
      for (const argv of [
        ['FLUSHALL'], ['SCRIPT', 'FLUSH'], ['FUNCTION', 'FLUSH'],
        ['EVAL', "return redis.call('SET', KEYS[1], ARGV[1])", '1', 'k', 'v'],
        ['EVAL', "return {redis.call('GET', KEYS[1]), 1, {2, 'x'}, nil, 5}", '1', 'k'],
        ['EVAL', "return redis.call('INCR', 'k')", '0'], ['EVAL', "return redis.pcall('INCR', 'k')", '0'],
        ['SCRIPT', 'LOAD', 'return ARGV[1]'], ['EVALSHA', '098e0f0d1448c0a81dafe820f66d460eb09263da', '0', 'hi'],
        ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0'], ['SCRIPT', 'EXISTS', '098e0f0d1448c0a81dafe820f66d460eb09263da', 'ff'],
        ['EVAL_RO', "return redis.call('SET', 'a', 'b')", '0'], ['EVAL', "return redis.call('nosuch')", '0'],
        ['EVAL', 'x = 1', '0'], ['EVAL', 'return 3.7', '0'], ['EVAL', "return {ok='FINE'}", '0'], ['EVAL', "return redis.error_reply('MY err')", '0'],
        ['EVAL', "redis.call('select', '1') redis.call('set', 'indb1', '1') return redis.call('dbsize')", '0'], ['DBSIZE'],
        ['EVAL', "return redis.call('SUBSCRIBE', 'x')", '0'], ['EVAL', 'return 1', '-1'], ['EVAL', 'return 1', '5'],
        ['FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('echo', function(keys, args) return args[1] end)"],
        ['FCALL', 'echo', '0', 'hello'], ['FCALL_RO', 'echo', '0', 'x'], ['FUNCTION', 'LIST'], ['FUNCTION', 'DELETE', 'lib'],
        ['MULTI'], ['EVAL', "return redis.call('INCR', 'cnt')", '0'], ['EXEC'], ['SCRIPT', 'KILL'],
      ]) t.push(await cmd(c, ...argv));
      c.close();
      return t;
    });
    expect(b).toEqual(a);
  });

  test('a long script makes others BUSY until SCRIPT KILL', async () => {
    const [a, b] = await both(async (port) => {
      const [runner, other] = await clients(port, 2);
      const t: string[] = [];
      t.push(await cmd(other, 'CONFIG', 'SET', 'busy-reply-threshold', '100'));
      runner.send('EVAL', 'local i = 0 while true do i = i + 1 end', '0');
      await waitFor('the script to be busy', async () => {
        const r = await cmd(other, 'GET', 'x');
        return r.startsWith('-BUSY') ? r : undefined;
      });
      t.push(await cmd(other, 'SCRIPT', 'KILL'), await raw(runner), await cmd(other, 'GET', 'x'));
      t.push(await cmd(other, 'CONFIG', 'SET', 'busy-reply-threshold', '5000'));
      runner.close();
      other.close();
      return t;
    });
    expect(b).toEqual(a);
  });
});
