// Sorted-set commands. The scripted cases below were recorded from Redis 7.0.15 (redis-cli
// against a scratch redis-server) and are replayed here through the real reply writer, so replies
// are compared as wire values: RESP2 scores are "%.17g" bulk strings, RESP3 scores doubles.
import { parseReplies, RespWriter, type RespValue } from '@strata/resp';
import { CommandError, Ctx, SetValue, ZSetValue } from '@strata/commands';
import { TestServer } from './harness';

type Decoded =
  | null
  | number
  | bigint
  | string
  | boolean
  | { ok: string }
  | { err: string }
  | { double: number }
  | { nil: 'array' }
  | { map: Decoded[] }
  | Decoded[];

function decode(v: RespValue): Decoded {
  switch (v.t) {
    case 'simple':
      return { ok: v.s };
    case 'error':
      return { err: v.s };
    case 'int':
      return v.n;
    case 'bulk':
    case 'verbatim':
      return v.s;
    case 'null':
      return v.array ? { nil: 'array' } : null;
    case 'double':
      return { double: v.d };
    case 'bool':
      return v.b;
    case 'map':
      return { map: v.items.map(decode) };
    case 'array':
    case 'set':
    case 'push':
      return v.items.map(decode);
    default:
      throw new Error(`unexpected reply ${JSON.stringify(v)}`);
  }
}

/** Runs commands against a keyspace and decodes the bytes the connection would send. */
class WireServer {
  /** The shared harness provides the keyspace, the command table and the client and server state. */
  private readonly base = new TestServer();
  readonly ks = this.base.ks;
  readonly table = this.base.table;
  readonly client = this.base.client;
  readonly server = this.base.server;
  readonly notifications: string[] = [];
  /** What each command propagated instead of itself (undefined: itself). */
  lastPropagated: string[] | undefined;

  run(...argv: string[]): Decoded {
    const out = new RespWriter(this.client.proto);
    this.lastPropagated = undefined;
    const ctx: Ctx = {
      ks: this.ks, db: this.ks.dbs[this.client.db], out, client: this.client, server: this.server,
      notify: (cls, event, key) => this.notifications.push(`${cls}:${event}:${key}`),
      propagate: (a) => (this.lastPropagated = a),
      canBlock: false,
    };
    const cmd = this.table.get(argv[0]);
    if (!cmd && argv[0] === 'sadd') return this.sadd(argv[1], argv.slice(2));
    if (!cmd) throw new Error(`no command ${argv[0]}`);
    if (!cmd.arityOk(argv.length)) out.error(`ERR wrong number of arguments for '${cmd.fullName}' command`);
    else {
      try {
        cmd.handler?.(ctx, argv);
      } catch (e) {
        if (e instanceof CommandError) out.error(e.reply);
        else throw e;
      }
    }
    const replies = parseReplies(out.take() ?? Buffer.alloc(0), this.client.proto);
    if (replies.length !== 1) throw new Error(`expected one reply, got ${replies.length}`);
    return decode(replies[0]);
  }

  /** Plain sets are inputs of ZUNION & co; made directly so these tests do not need SADD. */
  private sadd(key: string, members: string[]): number {
    const db = this.ks.dbs[this.client.db];
    const value = (db.get(key)?.value as SetValue | undefined) ?? new SetValue();
    const before = value.set.size;
    for (const m of members) value.set.add(m);
    db.set(key, value);
    return value.set.size - before;
  }

  zset(key: string): ZSetValue {
    return this.ks.dbs[0].get(key)?.value as ZSetValue;
  }
}

type Step = [argv: string[], expected: Decoded];
type Scenario = [name: string, proto: 2 | 3, steps: Step[]];

let s: WireServer;
beforeEach(() => {
  s = new WireServer();
});

const N_INF = -Infinity;
const INF = Infinity;

const SCENARIOS: Scenario[] = [
  ['ZADD basics, CH, NX, XX, GT, LT', 2, [
    [['zadd', 'z', '1', 'a', '2', 'b', '3', 'c'], 3],
    [['zadd', 'z', '1', 'a', '5', 'b', '6', 'd'], 1],
    [['zadd', 'z', 'ch', '1', 'a', '7', 'b', '8', 'e'], 2],
    [['zadd', 'z', 'nx', '100', 'a', '9', 'f'], 1],
    [['zadd', 'z', 'xx', '100', 'a', '9', 'g'], 0],
    [['zadd', 'z', 'xx', 'ch', '101', 'a', '102', 'nope'], 1],
    [['zadd', 'z', 'gt', 'ch', '50', 'a', '200', 'b'], 1],
    [['zadd', 'z', 'lt', 'ch', '50', 'a', '300', 'b', '1', 'h'], 2],
    [['zadd', 'z', 'gt', '1', 'newgt'], 1],
    [['zadd', 'z', 'GT', 'CH', 'xx', '1000', 'c'], 1],
    [['zrange', 'z', '0', '-1', 'withscores'], ['h', '1', 'newgt', '1', 'd', '6', 'e', '8', 'f', '9', 'a', '50', 'b', '200', 'c', '1000']],
    [['zadd', 'nokey', 'xx', '1', 'a'], 0],
    [['exists', 'nokey'], 0],
    [['zadd', 'z', '1', 'a', '2'], { err: 'ERR syntax error' }],
    [['zadd', 'z', 'nx', 'ch'], { err: 'ERR syntax error' }],
    [['zadd', 'z', 'xx', 'nx', '1', 'a'], { err: 'ERR XX and NX options at the same time are not compatible' }],
    [['zadd', 'z', 'gt', 'lt', '1', 'a'], { err: 'ERR GT, LT, and/or NX options at the same time are not compatible' }],
    [['zadd', 'z', 'gt', 'nx', '1', 'a'], { err: 'ERR GT, LT, and/or NX options at the same time are not compatible' }],
    [['zadd', 'z', 'lt', 'nx', '1', 'a'], { err: 'ERR GT, LT, and/or NX options at the same time are not compatible' }],
    [['zadd', 'z', 'incr', '1', 'a', '2', 'b'], { err: 'ERR INCR option supports a single increment-element pair' }],
    [['zadd', 'z', 'abc', 'a'], { err: 'ERR value is not a valid float' }],
    [['zadd', 'z', 'nan', 'a'], { err: 'ERR value is not a valid float' }],
    [['zadd', 'z', '', 'a'], { err: 'ERR value is not a valid float' }],
    [['zadd', 'z', ' 1', 'a'], { err: 'ERR value is not a valid float' }],
    [['zadd', 'z', '1 ', 'a'], { err: 'ERR value is not a valid float' }],
    [['zadd', 'z', '1e400', 'a'], { err: 'ERR value is not a valid float' }],
    [['zadd', 'z', '1e-400', 'a'], { err: 'ERR value is not a valid float' }],
    [['zadd', 'z', '0x10', 'hex'], 1],
    [['zadd', 'z', '+5', 'plus'], 1],
    [['zadd', 'z', '.5', 'dot'], 1],
    [['zadd', 'z', '5.', 'dot2'], 1],
    [['zadd', 'z', '1e2', 'exp'], 1],
    [['zadd', 'z', 'inf', 'pinf', '-inf', 'ninf'], 2],
    [['zadd', 'z', '+inf', 'pinf2', '-Infinity', 'ninf2'], 2],
    [['zscore', 'z', 'hex'], '16'],
    [['zscore', 'z', 'plus'], '5'],
    [['zscore', 'z', 'exp'], '100'],
    [['zcard', 'z'], 17],
    [['zadd', 'z', 'foo', '1', 'a'], { err: 'ERR syntax error' }],
    [['set', 'str', 'x'], { ok: 'OK' }],
    [['zadd', 'str', '1', 'a'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zadd', 'z', 'wrongopt', '1', 'a'], { err: 'ERR syntax error' }],
  ]],
  ['ZADD INCR and ZINCRBY', 3, [
    [['zadd', 'z', 'incr', '1.5', 'a'], { double: 1.5 }],
    [['zadd', 'z', 'incr', '1', 'a'], { double: 2.5 }],
    [['zadd', 'z', 'incr', 'nx', '1', 'a'], null],
    [['zadd', 'z', 'incr', 'xx', '1', 'nope'], null],
    [['zadd', 'z', 'incr', 'gt', '-1', 'a'], null],
    [['zadd', 'z', 'incr', 'lt', '-1', 'a'], { double: 1.5 }],
    [['zadd', 'z', 'incr', 'gt', '0', 'a'], null],
    [['zadd', 'z', 'incr', 'lt', '0', 'a'], null],
    [['zadd', 'z', 'incr', 'nx', '3', 'b'], { double: 3 }],
    [['zincrby', 'z', '2', 'b'], { double: 5 }],
    [['zincrby', 'z', '0', 'b'], { double: 5 }],
    [['zincrby', 'z', '-5', 'c'], { double: -5 }],
    [['zincrby', 'z', 'abc', 'c'], { err: 'ERR value is not a valid float' }],
    [['zincrby', 'z', 'inf', 'd'], { double: INF }],
    [['zincrby', 'z', '-inf', 'd'], { err: 'ERR resulting score is not a number (NaN)' }],
    [['zadd', 'z', 'incr', '-inf', 'd'], { err: 'ERR resulting score is not a number (NaN)' }],
    [['zscore', 'z', 'd'], { double: INF }],
    [['zincrby', 'z', '1', 'd'], { double: INF }],
    [['zadd', 'z', 'incr', '1e308', 'e'], { double: 1e+308 }],
    [['zadd', 'z', 'incr', '1e308', 'e'], { double: INF }],
    [['zincrby', 'nokey', '1'], { err: 'ERR wrong number of arguments for \'zincrby\' command' }],
    [['zmscore', 'z', 'a', 'b', 'c', 'nope'], [{ double: 1.5 }, { double: 5 }, { double: -5 }, null]],
    [['zmscore', 'nokey', 'a', 'b'], [null, null]],
    [['zscore', 'z', 'a'], { double: 1.5 }],
    [['zscore', 'z', 'nope'], null],
    [['zscore', 'nokey', 'a'], null],
    [['set', 'str', 'x'], { ok: 'OK' }],
    [['zincrby', 'str', '1', 'a'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zscore', 'str', 'a'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zmscore', 'str', 'a'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
  ]],
  ['ZCARD ZSCORE ZRANK ZREVRANK ZREM', 2, [
    [['zadd', 'z', '1', 'a', '2', 'b', '3', 'c', '3', 'd', '4', 'e'], 5],
    [['zcard', 'z'], 5],
    [['zcard', 'nokey'], 0],
    [['zrank', 'z', 'a'], 0],
    [['zrank', 'z', 'd'], 3],
    [['zrevrank', 'z', 'a'], 4],
    [['zrevrank', 'z', 'e'], 0],
    [['zrank', 'z', 'nope'], null],
    [['zrank', 'nokey', 'a'], null],
    [['zrevrank', 'nokey', 'a'], null],
    [['zrank', 'z', 'a', 'withscore'], { err: 'ERR wrong number of arguments for \'zrank\' command' }],
    [['zrem', 'z', 'a', 'nope', 'b', 'a'], 2],
    [['zrem', 'z', 'nope'], 0],
    [['zrem', 'nokey', 'a'], 0],
    [['zrange', 'z', '0', '-1'], ['c', 'd', 'e']],
    [['zrem', 'z', 'c', 'd', 'e'], 3],
    [['exists', 'z'], 0],
    [['set', 'str', 'x'], { ok: 'OK' }],
    [['zrank', 'str', 'a'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zcard', 'str'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zrem', 'str', 'a'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
  ]],
  ['ZRANGE by rank, REV, WITHSCORES', 2, [
    [['zadd', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'], 5],
    [['zrange', 'z', '0', '-1'], ['a', 'b', 'c', 'd', 'e']],
    [['zrange', 'z', '0', '-1', 'withscores'], ['a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5']],
    [['zrange', 'z', '1', '2'], ['b', 'c']],
    [['zrange', 'z', '-2', '-1'], ['d', 'e']],
    [['zrange', 'z', '-100', '100'], ['a', 'b', 'c', 'd', 'e']],
    [['zrange', 'z', '3', '1'], []],
    [['zrange', 'z', '5', '10'], []],
    [['zrange', 'z', '0', '0', 'rev'], ['e']],
    [['zrange', 'z', '0', '1', 'rev', 'withscores'], ['e', '5', 'd', '4']],
    [['zrange', 'z', '-1', '-1', 'rev'], ['a']],
    [['zrevrange', 'z', '0', '-1'], ['e', 'd', 'c', 'b', 'a']],
    [['zrevrange', 'z', '1', '2', 'withscores'], ['d', '4', 'c', '3']],
    [['zrevrange', 'z', '0', '-1', 'limit', '0', '1'], { err: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX' }],
    [['zrange', 'z', '0', '-1', 'limit', '0', '1'], { err: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX' }],
    [['zrange', 'z', '0', '-1', 'limit', '0', '-1'], ['a', 'b', 'c', 'd', 'e']],
    [['zrange', 'z', '0', '-1', 'limit', '1'], { err: 'ERR syntax error' }],
    [['zrange', 'z', 'a', 'b'], { err: 'ERR value is not an integer or out of range' }],
    [['zrange', 'z', '0', '1.5'], { err: 'ERR value is not an integer or out of range' }],
    [['zrange', 'z', '0', '-1', 'withscores', 'withscores'], ['a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5']],
    [['zrange', 'z', '0', '-1', 'rev', 'rev'], { err: 'ERR syntax error' }],
    [['zrange', 'z', '0', '-1', 'byscore', 'byscore'], { err: 'ERR syntax error' }],
    [['zrange', 'z', '0', '-1', 'bylex', 'byscore'], { err: 'ERR syntax error' }],
    [['zrange', 'z', '0', '-1', 'foo'], { err: 'ERR syntax error' }],
    [['zrange', 'nokey', '0', '-1'], []],
    [['zrange', 'z', '0', '9223372036854775807'], ['a', 'b', 'c', 'd', 'e']],
    [['zrange', 'z', '-9223372036854775808', '2'], ['a', 'b', 'c']],
    [['zrange', 'z', '0', '9223372036854775808'], { err: 'ERR value is not an integer or out of range' }],
    [['set', 'str', 'x'], { ok: 'OK' }],
    [['zrange', 'str', '0', '-1'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zrange', 'str', 'a', 'b'], { err: 'ERR value is not an integer or out of range' }],
  ]],
  ['ZRANGE BYSCORE and the ZRANGEBYSCORE family', 2, [
    [['zadd', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '5', 'f', '-inf', 'ninf', '+inf', 'pinf'], 8],
    [['zrange', 'z', '2', '4', 'byscore'], ['b', 'c', 'd']],
    [['zrange', 'z', '(2', '4', 'byscore'], ['c', 'd']],
    [['zrange', 'z', '2', '(4', 'byscore'], ['b', 'c']],
    [['zrange', 'z', '(2', '(4', 'byscore', 'withscores'], ['c', '3']],
    [['zrange', 'z', '-inf', '+inf', 'byscore'], ['ninf', 'a', 'b', 'c', 'd', 'e', 'f', 'pinf']],
    [['zrange', 'z', '4', '2', 'byscore', 'rev'], ['d', 'c', 'b']],
    [['zrange', 'z', '(4', '2', 'byscore', 'rev'], ['c', 'b']],
    [['zrange', 'z', '2', '4', 'byscore', 'rev'], []],
    [['zrange', 'z', '-inf', '+inf', 'byscore', 'limit', '1', '2'], ['a', 'b']],
    [['zrange', 'z', '-inf', '+inf', 'byscore', 'limit', '1', '-1'], ['a', 'b', 'c', 'd', 'e', 'f', 'pinf']],
    [['zrange', 'z', '-inf', '+inf', 'byscore', 'limit', '-1', '2'], []],
    [['zrange', 'z', '-inf', '+inf', 'byscore', 'limit', '0', '0'], []],
    [['zrange', 'z', '-inf', '+inf', 'byscore', 'limit', '100', '1'], []],
    [['zrange', 'z', '+inf', '-inf', 'byscore', 'rev', 'limit', '2', '3', 'withscores'], ['e', '5', 'd', '4', 'c', '3']],
    [['zrange', 'z', '5', '5', 'byscore'], ['e', 'f']],
    [['zrange', 'z', '(5', '5', 'byscore'], []],
    [['zrange', 'z', '6', '1', 'byscore'], []],
    [['zrange', 'z', 'a', '1', 'byscore'], { err: 'ERR min or max is not a float' }],
    [['zrange', 'z', '1', '((2', 'byscore'], { err: 'ERR min or max is not a float' }],
    [['zrange', 'z', 'nan', '1', 'byscore'], { err: 'ERR min or max is not a float' }],
    [['zrange', 'z', '', '2', 'byscore'], ['a', 'b']],
    [['zrange', 'z', '(', '2', 'byscore'], ['a', 'b']],
    [['zrange', 'z', ' 1', '2', 'byscore'], ['a', 'b']],
    [['zrange', 'z', '( 1', '2', 'byscore'], ['b']],
    [['zrange', 'z', '1 ', '2', 'byscore'], { err: 'ERR min or max is not a float' }],
    [['zrange', 'z', '1e400', '+inf', 'byscore'], ['pinf']],
    [['zrange', 'z', '0x2', '3', 'byscore'], ['b', 'c']],
    [['zrange', 'z', '-inf', '+inf', 'byscore', 'limit', 'a', '1'], { err: 'ERR value is not an integer or out of range' }],
    [['zrangebyscore', 'z', '2', '4'], ['b', 'c', 'd']],
    [['zrangebyscore', 'z', '2', '4', 'withscores'], ['b', '2', 'c', '3', 'd', '4']],
    [['zrangebyscore', 'z', '2', '4', 'limit', '1', '1'], ['c']],
    [['zrangebyscore', 'z', '2', '4', 'rev'], { err: 'ERR syntax error' }],
    [['zrangebyscore', 'z', '2', '4', 'byscore'], { err: 'ERR syntax error' }],
    [['zrangebyscore', 'z', '2', '4', 'bylex'], { err: 'ERR syntax error' }],
    [['zrevrangebyscore', 'z', '4', '2'], ['d', 'c', 'b']],
    [['zrevrangebyscore', 'z', '2', '4'], []],
    [['zrevrangebyscore', 'z', '+inf', '-inf', 'withscores', 'limit', '0', '3'], ['pinf', 'inf', 'f', '5', 'e', '5']],
    [['zrevrangebyscore', 'z', '(5', '(1'], ['d', 'c', 'b']],
    [['zrangebyscore', 'nokey', '1', '2'], []],
    [['zrangebyscore', 'nokey', 'a', 'b'], { err: 'ERR min or max is not a float' }],
    [['zcount', 'z', '2', '4'], 3],
    [['zcount', 'z', '(2', '(4'], 1],
    [['zcount', 'z', '-inf', '+inf'], 8],
    [['zcount', 'z', '5', '5'], 2],
    [['zcount', 'z', '(5', '5'], 0],
    [['zcount', 'z', '10', '20'], 0],
    [['zcount', 'z', 'a', 'b'], { err: 'ERR min or max is not a float' }],
    [['zcount', 'nokey', '1', '2'], 0],
    [['zcount', 'nokey', 'a', 'b'], { err: 'ERR min or max is not a float' }],
    [['set', 'str', 'x'], { ok: 'OK' }],
    [['zcount', 'str', '1', '2'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zrangebyscore', 'str', '1', '2'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
  ]],
  ['ZRANGE BYLEX, ZRANGEBYLEX, ZLEXCOUNT', 2, [
    [['zadd', 'z', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e', '0', 'bb', '0', '', '0', 'ÿ'], 8],
    [['zrange', 'z', '-', '+', 'bylex'], ['', 'a', 'b', 'bb', 'c', 'd', 'e', 'ÿ']],
    [['zrange', 'z', '[b', '[d', 'bylex'], ['b', 'bb', 'c', 'd']],
    [['zrange', 'z', '(b', '(d', 'bylex'], ['bb', 'c']],
    [['zrange', 'z', '[b', '(bb', 'bylex'], ['b']],
    [['zrange', 'z', '+', '-', 'bylex', 'rev'], ['ÿ', 'e', 'd', 'c', 'bb', 'b', 'a', '']],
    [['zrange', 'z', '[d', '[b', 'bylex', 'rev'], ['d', 'c', 'bb', 'b']],
    [['zrange', 'z', '-', '+', 'bylex', 'limit', '2', '3'], ['b', 'bb', 'c']],
    [['zrange', 'z', '+', '-', 'bylex', 'rev', 'limit', '1', '2'], ['e', 'd']],
    [['zrange', 'z', '-', '+', 'bylex', 'withscores'], { err: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX' }],
    [['zrangebylex', 'z', '-', '+', 'withscores'], { err: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX' }],
    [['zrange', 'z', '[', '+', 'bylex'], ['', 'a', 'b', 'bb', 'c', 'd', 'e', 'ÿ']],
    [['zrange', 'z', '(', '+', 'bylex'], ['a', 'b', 'bb', 'c', 'd', 'e', 'ÿ']],
    [['zrange', 'z', '-', '[', 'bylex'], ['']],
    [['zrange', 'z', 'a', '+', 'bylex'], { err: 'ERR min or max not valid string range item' }],
    [['zrange', 'z', '+a', '+', 'bylex'], { err: 'ERR min or max not valid string range item' }],
    [['zrange', 'z', '--', '+', 'bylex'], { err: 'ERR min or max not valid string range item' }],
    [['zrange', 'z', '+', '+', 'bylex'], []],
    [['zrange', 'z', '-', '-', 'bylex'], []],
    [['zrange', 'z', '+', '-', 'bylex'], []],
    [['zrange', 'z', '[c', '[a', 'bylex'], []],
    [['zrangebylex', 'z', '[a', '[c'], ['a', 'b', 'bb', 'c']],
    [['zrangebylex', 'z', '[a', '[c', 'limit', '1', '1'], ['b']],
    [['zrangebylex', 'z', '[a', '[c', 'limit', '1'], { err: 'ERR syntax error' }],
    [['zrevrangebylex', 'z', '[c', '[a'], ['c', 'bb', 'b', 'a']],
    [['zrevrangebylex', 'z', '+', '-', 'limit', '0', '2'], ['ÿ', 'e']],
    [['zrevrangebylex', 'z', '[a', '[c'], []],
    [['zrangebylex', 'nokey', '-', '+'], []],
    [['zrangebylex', 'nokey', 'a', 'b'], { err: 'ERR min or max not valid string range item' }],
    [['zlexcount', 'z', '-', '+'], 8],
    [['zlexcount', 'z', '[b', '[d'], 4],
    [['zlexcount', 'z', '(b', '(d'], 2],
    [['zlexcount', 'z', '+', '-'], 0],
    [['zlexcount', 'z', 'a', 'b'], { err: 'ERR min or max not valid string range item' }],
    [['zlexcount', 'nokey', '-', '+'], 0],
    [['zlexcount', 'nokey', 'a', 'b'], { err: 'ERR min or max not valid string range item' }],
    [['set', 'str', 'x'], { ok: 'OK' }],
    [['zlexcount', 'str', '-', '+'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zrangebylex', 'str', '-', '+'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
  ]],
  ['ZRANGESTORE', 2, [
    [['zadd', 'src', '1', 'a', '2', 'b', '3', 'c', '4', 'd'], 4],
    [['zrangestore', 'dst', 'src', '0', '1'], 2],
    [['zrange', 'dst', '0', '-1', 'withscores'], ['a', '1', 'b', '2']],
    [['zrangestore', 'dst', 'src', '1', '3', 'byscore'], 3],
    [['zrange', 'dst', '0', '-1', 'withscores'], ['a', '1', 'b', '2', 'c', '3']],
    [['zrangestore', 'dst', 'src', '4', '1', 'byscore', 'rev', 'limit', '1', '2'], 2],
    [['zrange', 'dst', '0', '-1', 'withscores'], ['b', '2', 'c', '3']],
    [['zrangestore', 'dst', 'src', '[b', '[c', 'bylex'], 2],
    [['zrange', 'dst', '0', '-1', 'withscores'], ['b', '2', 'c', '3']],
    [['zrangestore', 'dst', 'src', '5', '10'], 0],
    [['exists', 'dst'], 0],
    [['zrangestore', 'dst', 'src', '0', '-1'], 4],
    [['set', 'dst', 'x'], { ok: 'OK' }],
    [['zrangestore', 'dst', 'src', '0', '0'], 1],
    [['type', 'dst'], { ok: 'zset' }],
    [['zrangestore', 'dst', 'nokey', '0', '-1'], 0],
    [['exists', 'dst'], 0],
    [['zrangestore', 'dst', 'src', '0', '-1', 'withscores'], { err: 'ERR syntax error' }],
    [['zrangestore', 'dst', 'src', '0', '-1', 'limit', '0', '1'], { err: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX' }],
    [['zrangestore', 'dst', 'src', 'a', 'b', 'byscore'], { err: 'ERR min or max is not a float' }],
    [['set', 'str', 'x'], { ok: 'OK' }],
    [['zrangestore', 'dst', 'str', '0', '-1'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zrangestore', 'src', 'src', '0', '1'], 2],
    [['zrange', 'src', '0', '-1'], ['a', 'b']],
  ]],
  ['ZREMRANGEBYRANK SCORE LEX', 2, [
    [['zadd', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f'], 6],
    [['zremrangebyrank', 'z', '0', '0'], 1],
    [['zremrangebyrank', 'z', '-1', '-1'], 1],
    [['zremrangebyrank', 'z', '10', '20'], 0],
    [['zremrangebyrank', 'z', '2', '1'], 0],
    [['zrange', 'z', '0', '-1'], ['b', 'c', 'd', 'e']],
    [['zremrangebyscore', 'z', '(2', '3'], 1],
    [['zremrangebyscore', 'z', '10', '20'], 0],
    [['zrange', 'z', '0', '-1'], ['b', 'd', 'e']],
    [['zremrangebyscore', 'z', '-inf', '+inf'], 3],
    [['exists', 'z'], 0],
    [['zadd', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd'], 4],
    [['zremrangebylex', 'l', '[b', '(d'], 2],
    [['zremrangebylex', 'l', '+', '-'], 0],
    [['zrange', 'l', '0', '-1'], ['a', 'd']],
    [['zremrangebylex', 'l', '-', '+'], 2],
    [['exists', 'l'], 0],
    [['zremrangebyrank', 'nokey', '0', '-1'], 0],
    [['zremrangebyscore', 'nokey', '0', '1'], 0],
    [['zremrangebylex', 'nokey', '-', '+'], 0],
    [['zremrangebyrank', 'nokey', 'a', 'b'], { err: 'ERR value is not an integer or out of range' }],
    [['zremrangebyscore', 'nokey', 'a', 'b'], { err: 'ERR min or max is not a float' }],
    [['zremrangebylex', 'nokey', 'a', 'b'], { err: 'ERR min or max not valid string range item' }],
    [['set', 'str', 'x'], { ok: 'OK' }],
    [['zremrangebyrank', 'str', '0', '-1'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zremrangebyscore', 'str', '0', '1'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zremrangebylex', 'str', '-', '+'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
  ]],
  ['ZPOPMIN ZPOPMAX ZMPOP (RESP2)', 2, [
    [['zadd', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'], 5],
    [['zpopmin', 'z'], ['a', '1']],
    [['zpopmax', 'z'], ['e', '5']],
    [['zpopmin', 'z', '2'], ['b', '2', 'c', '3']],
    [['zpopmax', 'z', '0'], []],
    [['zpopmin', 'z', '-1'], { err: 'ERR value is out of range, must be positive' }],
    [['zpopmin', 'z', 'abc'], { err: 'ERR value is out of range, must be positive' }],
    [['zpopmin', 'z', '1', '2'], { err: 'ERR syntax error' }],
    [['zpopmax', 'z', '10'], ['d', '4']],
    [['exists', 'z'], 0],
    [['zpopmin', 'z'], []],
    [['zpopmin', 'z', '1'], []],
    [['zpopmin', 'nokey', '0'], []],
    [['set', 'str', 'x'], { ok: 'OK' }],
    [['zpopmin', 'str'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zpopmin', 'str', '0'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zadd', 'z', '1', 'a', '2', 'b', '3', 'c'], 3],
    [['zmpop', '1', 'z', 'min'], ['z', [['a', '1']]]],
    [['zmpop', '2', 'nokey', 'z', 'max', 'count', '10'], ['z', [['c', '3'], ['b', '2']]]],
    [['zmpop', '1', 'z', 'min'], { nil: 'array' }],
    [['zmpop', '2', 'nokey', 'z', 'min'], { nil: 'array' }],
    [['zmpop', '2', 'nokey', 'str', 'min'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zmpop', '2', 'str', 'z', 'min'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zmpop', '0', 'z', 'min'], { err: 'ERR numkeys should be greater than 0' }],
    [['zmpop', '-1', 'z', 'min'], { err: 'ERR numkeys should be greater than 0' }],
    [['zmpop', 'abc', 'z', 'min'], { err: 'ERR numkeys should be greater than 0' }],
    [['zmpop', '2', 'z', 'min'], { err: 'ERR syntax error' }],
    [['zmpop', '1', 'z'], { err: 'ERR wrong number of arguments for \'zmpop\' command' }],
    [['zmpop', '1', 'z', 'foo'], { err: 'ERR syntax error' }],
    [['zmpop', '1', 'z', 'min', 'count', '0'], { err: 'ERR count should be greater than 0' }],
    [['zmpop', '1', 'z', 'min', 'count', '-1'], { err: 'ERR count should be greater than 0' }],
    [['zmpop', '1', 'z', 'min', 'count', 'abc'], { err: 'ERR count should be greater than 0' }],
    [['zmpop', '1', 'z', 'min', 'count'], { err: 'ERR syntax error' }],
    [['zmpop', '1', 'z', 'min', 'count', '1', 'count', '1'], { err: 'ERR syntax error' }],
    [['zmpop', '1', 'z', 'min', 'foo'], { err: 'ERR syntax error' }],
  ]],
  ['ZPOPMIN ZPOPMAX ZMPOP (RESP3)', 3, [
    [['zadd', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'], 5],
    [['zpopmin', 'z'], ['a', { double: 1 }]],
    [['zpopmax', 'z', '1'], [['e', { double: 5 }]]],
    [['zpopmin', 'z', '2'], [['b', { double: 2 }], ['c', { double: 3 }]]],
    [['zpopmax', 'z', '0'], []],
    [['zpopmin', 'nokey'], []],
    [['zpopmin', 'nokey', '1'], []],
    [['zmpop', '1', 'z', 'max'], ['z', [['d', { double: 4 }]]]],
    [['zmpop', '1', 'z', 'min', 'count', '5'], null],
    [['zmpop', '1', 'z', 'min'], null],
  ]],
  ['ZRANGE and friends (RESP3)', 3, [
    [['zadd', 'z', '1', 'a', '2.5', 'b', '-inf', 'c', '+inf', 'd'], 4],
    [['zrange', 'z', '0', '-1', 'withscores'], [['c', { double: N_INF }], ['a', { double: 1 }], ['b', { double: 2.5 }], ['d', { double: INF }]]],
    [['zrange', 'z', '0', '-1'], ['c', 'a', 'b', 'd']],
    [['zrange', 'z', '-inf', '+inf', 'byscore', 'withscores'], [['c', { double: N_INF }], ['a', { double: 1 }], ['b', { double: 2.5 }], ['d', { double: INF }]]],
    [['zrevrangebyscore', 'z', '+inf', '-inf', 'withscores', 'limit', '0', '2'], [['d', { double: INF }], ['b', { double: 2.5 }]]],
    [['zrevrange', 'z', '0', '0', 'withscores'], [['d', { double: INF }]]],
    [['zscore', 'z', 'b'], { double: 2.5 }],
    [['zscore', 'z', 'c'], { double: N_INF }],
    [['zincrby', 'z', '0.1', 'a'], { double: 1.1 }],
    [['zmscore', 'z', 'a', 'd', 'nope'], [{ double: 1.1 }, { double: INF }, null]],
    [['zrank', 'z', 'b'], 2],
    [['zrank', 'z', 'nope'], null],
    [['zrandmember', 'nokey'], null],
    [['zrandmember', 'nokey', '2'], []],
    [['zunion', '1', 'z', 'withscores'], [['c', { double: N_INF }], ['a', { double: 1.1 }], ['b', { double: 2.5 }], ['d', { double: INF }]]],
    [['zinter', '1', 'z', 'withscores'], [['c', { double: N_INF }], ['a', { double: 1.1 }], ['b', { double: 2.5 }], ['d', { double: INF }]]],
    [['zdiff', '1', 'z', 'withscores'], [['c', { double: N_INF }], ['a', { double: 1.1 }], ['b', { double: 2.5 }], ['d', { double: INF }]]],
    [['zscan', 'z', '0'], ['0', ['c', '-inf', 'a', '1.1000000000000001', 'b', '2.5', 'd', 'inf']]],
    [['zscan', 'nokey', '0'], ['0', []]],
  ]],
  ['ZUNION ZINTER ZDIFF with WEIGHTS and AGGREGATE', 2, [
    [['zadd', 'z1', '1', 'a', '2', 'b', '3', 'c'], 3],
    [['zadd', 'z2', '10', 'b', '20', 'c', '30', 'd'], 3],
    [['sadd', 's', 'c', 'd', 'e'], 3],
    [['zunion', '2', 'z1', 'z2'], ['a', 'b', 'c', 'd']],
    [['zunion', '2', 'z1', 'z2', 'withscores'], ['a', '1', 'b', '12', 'c', '23', 'd', '30']],
    [['zunion', '2', 'z1', 'z2', 'weights', '2', '3', 'withscores'], ['a', '2', 'b', '34', 'c', '66', 'd', '90']],
    [['zunion', '2', 'z1', 'z2', 'aggregate', 'min', 'withscores'], ['a', '1', 'b', '2', 'c', '3', 'd', '30']],
    [['zunion', '2', 'z1', 'z2', 'aggregate', 'max', 'withscores'], ['a', '1', 'b', '10', 'c', '20', 'd', '30']],
    [['zunion', '2', 'z1', 'z2', 'weights', '1', '-1', 'aggregate', 'sum', 'withscores'], ['d', '-30', 'c', '-17', 'b', '-8', 'a', '1']],
    [['zunion', '3', 'z1', 'z2', 's', 'withscores'], ['a', '1', 'e', '1', 'b', '12', 'c', '24', 'd', '31']],
    [['zunion', '3', 'z1', 'nokey', 's', 'withscores'], ['a', '1', 'd', '1', 'e', '1', 'b', '2', 'c', '4']],
    [['zinter', '2', 'z1', 'z2', 'withscores'], ['b', '12', 'c', '23']],
    [['zinter', '2', 'z1', 'z2', 'weights', '2', '3', 'aggregate', 'max', 'withscores'], ['b', '30', 'c', '60']],
    [['zinter', '3', 'z1', 'z2', 's', 'withscores'], ['c', '24']],
    [['zinter', '2', 'z1', 'nokey', 'withscores'], []],
    [['zinter', '2', 'z1', 'z1', 'withscores'], ['a', '2', 'b', '4', 'c', '6']],
    [['zdiff', '2', 'z1', 'z2', 'withscores'], ['a', '1']],
    [['zdiff', '2', 'z2', 's', 'withscores'], ['b', '10']],
    [['zdiff', '2', 'nokey', 'z1'], []],
    [['zdiff', '1', 'z1'], ['a', 'b', 'c']],
    [['zdiff', '2', 'z1', 'z1'], []],
    [['zunion', '0', 'z1'], { err: 'ERR at least 1 input key is needed for \'zunion\' command' }],
    [['zunion', '-1', 'z1'], { err: 'ERR at least 1 input key is needed for \'zunion\' command' }],
    [['zunion', 'abc', 'z1'], { err: 'ERR value is not an integer or out of range' }],
    [['zunion', '3', 'z1', 'z2'], { err: 'ERR syntax error' }],
    [['zinter', '0', 'z1'], { err: 'ERR at least 1 input key is needed for \'zinter\' command' }],
    [['zdiff', '0', 'z1'], { err: 'ERR at least 1 input key is needed for \'zdiff\' command' }],
    [['zunion', '2', 'z1', 'z2', 'weights', '1'], { err: 'ERR syntax error' }],
    [['zunion', '2', 'z1', 'z2', 'weights', '1', 'x'], { err: 'ERR weight value is not a float' }],
    [['zunion', '2', 'z1', 'z2', 'weights', '1', '2', '3'], { err: 'ERR syntax error' }],
    [['zunion', '2', 'z1', 'z2', 'weights', '1', 'nan'], { err: 'ERR weight value is not a float' }],
    [['zunion', '2', 'z1', 'z2', 'aggregate', 'avg'], { err: 'ERR syntax error' }],
    [['zunion', '2', 'z1', 'z2', 'aggregate'], { err: 'ERR syntax error' }],
    [['zunion', '2', 'z1', 'z2', 'foo'], { err: 'ERR syntax error' }],
    [['zdiff', '2', 'z1', 'z2', 'weights', '1', '2'], { err: 'ERR syntax error' }],
    [['zdiff', '2', 'z1', 'z2', 'aggregate', 'sum'], { err: 'ERR syntax error' }],
    [['zinter', '2', 'z1', 'z2', 'limit', '1'], { err: 'ERR syntax error' }],
    [['set', 'str', 'x'], { ok: 'OK' }],
    [['zunion', '2', 'z1', 'str'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zunion', '2', 'str', 'nokey', 'weights', 'x'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zinter', '2', 'nokey', 'str'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zadd', 'inf', '1', 'a'], 1],
    [['zadd', 'inf2', '1', 'a'], 1],
    [['zunion', '2', 'inf', 'inf2', 'weights', 'inf', '-inf', 'withscores'], ['a', '0']],
    [['zinter', '2', 'inf', 'inf2', 'weights', 'inf', '-inf', 'withscores'], ['a', '0']],
    [['zinter', '2', 'inf', 'inf2', 'weights', '0', 'inf', 'withscores'], ['a', 'inf']],
    [['zunion', '2', 'inf', 'inf2', 'weights', '0', 'inf', 'aggregate', 'max', 'withscores'], ['a', 'inf']],
    [['zadd', 'pinf', '+inf', 'x'], 1],
    [['zadd', 'ninf', '-inf', 'x'], 1],
    [['zunion', '2', 'pinf', 'ninf', 'withscores'], ['x', '0']],
    [['zinter', '2', 'pinf', 'ninf', 'withscores'], ['x', '0']],
    [['zinter', '2', 'pinf', 'ninf', 'aggregate', 'min', 'withscores'], ['x', '-inf']],
    [['zunion', '1', 'pinf', 'weights', '0', 'withscores'], ['x', '0']],
    [['zunion', '1', 'pinf', 'weights', '-1', 'withscores'], ['x', '-inf']],
  ]],
  ['ZUNIONSTORE ZINTERSTORE ZDIFFSTORE ZINTERCARD', 2, [
    [['zadd', 'z1', '1', 'a', '2', 'b', '3', 'c'], 3],
    [['zadd', 'z2', '10', 'b', '20', 'c', '30', 'd'], 3],
    [['sadd', 's', 'c', 'd', 'e'], 3],
    [['zunionstore', 'out', '2', 'z1', 'z2'], 4],
    [['zrange', 'out', '0', '-1', 'withscores'], ['a', '1', 'b', '12', 'c', '23', 'd', '30']],
    [['zinterstore', 'out', '2', 'z1', 'z2', 'weights', '1', '2', 'aggregate', 'min'], 2],
    [['zrange', 'out', '0', '-1', 'withscores'], ['b', '2', 'c', '3']],
    [['zdiffstore', 'out', '2', 'z1', 'z2'], 1],
    [['zrange', 'out', '0', '-1', 'withscores'], ['a', '1']],
    [['zinterstore', 'out', '2', 'z1', 'nokey'], 0],
    [['exists', 'out'], 0],
    [['set', 'out', 'x'], { ok: 'OK' }],
    [['zunionstore', 'out', '1', 'z1'], 3],
    [['type', 'out'], { ok: 'zset' }],
    [['zunionstore', 'out', '2', 'out', 'z2'], 4],
    [['zrange', 'out', '0', '-1', 'withscores'], ['a', '1', 'b', '12', 'c', '23', 'd', '30']],
    [['zunionstore', 'out', '0', 'z1'], { err: 'ERR at least 1 input key is needed for \'zunionstore\' command' }],
    [['zinterstore', 'out', '0', 'z1'], { err: 'ERR at least 1 input key is needed for \'zinterstore\' command' }],
    [['zdiffstore', 'out', '0', 'z1'], { err: 'ERR at least 1 input key is needed for \'zdiffstore\' command' }],
    [['zunionstore', 'out', '-5', 'z1'], { err: 'ERR at least 1 input key is needed for \'zunionstore\' command' }],
    [['zunionstore', 'out', '2', 'z1'], { err: 'ERR syntax error' }],
    [['zunionstore', 'out', '1', 'z1', 'withscores'], { err: 'ERR syntax error' }],
    [['zdiffstore', 'out', '1', 'z1', 'weights', '1'], { err: 'ERR syntax error' }],
    [['zinterstore', 'out', '2', 'z1', 's'], 1],
    [['zrange', 'out', '0', '-1', 'withscores'], ['c', '4']],
    [['zunionstore', 'out', '2', 'z1', 'z2', 'weights', '1', 'x'], { err: 'ERR weight value is not a float' }],
    [['set', 'str', 'x'], { ok: 'OK' }],
    [['zunionstore', 'out', '2', 'z1', 'str'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zintercard', '2', 'z1', 'z2'], 2],
    [['zintercard', '3', 'z1', 'z2', 's'], 1],
    [['zintercard', '2', 'z1', 'z2', 'limit', '1'], 1],
    [['zintercard', '2', 'z1', 'z2', 'limit', '0'], 2],
    [['zintercard', '2', 'z1', 'z2', 'limit', '100'], 2],
    [['zintercard', '2', 'z1', 'z2', 'limit', '-1'], { err: 'ERR LIMIT can\'t be negative' }],
    [['zintercard', '2', 'z1', 'z2', 'limit', 'abc'], { err: 'ERR LIMIT can\'t be negative' }],
    [['zintercard', '2', 'z1', 'z2', 'limit'], { err: 'ERR syntax error' }],
    [['zintercard', '2', 'z1', 'z2', 'withscores'], { err: 'ERR syntax error' }],
    [['zintercard', '2', 'z1', 'z2', 'weights', '1', '2'], { err: 'ERR syntax error' }],
    [['zintercard', '0', 'z1'], { err: 'ERR at least 1 input key is needed for \'zintercard\' command' }],
    [['zintercard', '3', 'z1', 'z2'], { err: 'ERR syntax error' }],
    [['zintercard', '1', 'nokey'], 0],
    [['zintercard', '2', 'z1', 'str'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
  ]],
  ['ZRANDMEMBER errors and fixed cases', 2, [
    [['zadd', 'z', '1', 'a', '2', 'b', '3', 'c'], 3],
    [['zrandmember', 'z', '0'], []],
    [['zrandmember', 'z', '0', 'withscores'], []],
    [['zrandmember', 'z', '3', 'withscores'], ['c', '3', 'b', '2', 'a', '1']],
    [['zrandmember', 'z', '10'], ['c', 'b', 'a']],
    [['zrandmember', 'z', 'abc'], { err: 'ERR value is not an integer or out of range' }],
    [['zrandmember', 'z', '1', 'foo'], { err: 'ERR syntax error' }],
    [['zrandmember', 'z', '1', 'withscores', 'foo'], { err: 'ERR syntax error' }],
    [['zrandmember', 'z', '-9223372036854775808'], { err: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807' }],
    [['zrandmember', 'z', '9223372036854775807', 'withscores'], { err: 'ERR value is out of range' }],
    [['zrandmember', 'z', '-4611686018427387904', 'withscores'], { err: 'ERR value is out of range' }],
    [['zrandmember', 'nokey'], null],
    [['zrandmember', 'nokey', '5'], []],
    [['zrandmember', 'nokey', '0'], []],
    [['zrandmember', 'nokey', 'abc'], { err: 'ERR value is not an integer or out of range' }],
    [['set', 'str', 'x'], { ok: 'OK' }],
    [['zrandmember', 'str'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
    [['zrandmember', 'str', '1'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
  ]],
  ['ZSCAN', 2, [
    [['zadd', 'z', '1', 'a', '2', 'b', '3', 'c', '1.5', 'ab'], 4],
    [['zscan', 'z', '0'], ['0', ['a', '1', 'ab', '1.5', 'b', '2', 'c', '3']]],
    [['zscan', 'z', '0', 'match', 'a*'], ['0', ['a', '1', 'ab', '1.5']]],
    [['zscan', 'z', '0', 'count', '1'], ['0', ['a', '1', 'ab', '1.5', 'b', '2', 'c', '3']]],
    [['zscan', 'z', '0', 'count', '0'], { err: 'ERR syntax error' }],
    [['zscan', 'z', '0', 'count', '-1'], { err: 'ERR syntax error' }],
    [['zscan', 'z', '0', 'count', 'abc'], { err: 'ERR value is not an integer or out of range' }],
    [['zscan', 'z', '0', 'foo'], { err: 'ERR syntax error' }],
    [['zscan', 'z', '0', 'match'], { err: 'ERR syntax error' }],
    [['zscan', 'z', '0', 'type', 'zset'], { err: 'ERR syntax error' }],
    [['zscan', 'z', 'abc'], { err: 'ERR invalid cursor' }],
    [['zscan', 'z', '-1'], ['0', ['a', '1', 'ab', '1.5', 'b', '2', 'c', '3']]],
    [['zscan', 'z', ' 1'], { err: 'ERR invalid cursor' }],
    [['zscan', 'z', '18446744073709551616'], { err: 'ERR invalid cursor' }],
    [['zscan', 'nokey', '0'], ['0', []]],
    [['zscan', 'nokey', '0', 'foo'], ['0', []]],
    [['zscan', 'nokey', 'abc'], { err: 'ERR invalid cursor' }],
    [['set', 'str', 'x'], { ok: 'OK' }],
    [['zscan', 'str', '0'], { err: 'WRONGTYPE Operation against a key holding the wrong kind of value' }],
  ]],
  ['extra edge cases', 2, [
    [['zadd', 'z', '0x1p3', 'hexp', '1e-310', 'denorm', '-0x10', 'neghex', '1E2', 'bige'], 4],
    [['zadd', 'z', '0x', '0x'], { err: 'ERR value is not a valid float' }],
    [['zadd', 'z', '0xg', 'a'], { err: 'ERR value is not a valid float' }],
    [['zadd', 'z', 'infinity', 'i1', '-INFINITY', 'i2', '+Inf', 'i3', '-nan', 'n'], { err: 'ERR value is not a valid float' }],
    [['zrange', 'z', '-inf', '(+inf', 'byscore', 'withscores'], ['neghex', '-16', 'denorm', '9.9999999999999694e-311', 'hexp', '8', 'bige', '100']],
    [['zcount', 'z', '(inf', 'inf'], 0],
    [['zcount', 'z', '-inf', '(-inf'], 0],
    [['zcount', 'z', '(-inf', '(inf'], 4],
    [['zadd', 'l', '0', 'a\u0000b', '0', 'a', '0', 'a\u0000', '0', 'b'], 4],
    [['zrangebylex', 'l', '[a', '[a\u0000b'], ['a', 'a\u0000', 'a\u0000b']],
    [['zrangebylex', 'l', '(a\u0000', '+'], ['a\u0000b', 'b']],
    [['zrange', 'l', '+', '-', 'bylex', 'rev', 'limit', '1', '2'], ['a\u0000b', 'a\u0000']],
    [['zrange', 'l', '+', '-', 'bylex', 'rev', 'limit', '0', '-5'], ['b', 'a\u0000b', 'a\u0000', 'a']],
    [['zrange', 'l', '[b', '[a', 'bylex', 'rev'], ['b', 'a\u0000b', 'a\u0000', 'a']],
    [['zadd', 'm', '1', 'a', '2', 'b', '3', 'c'], 3],
    [['sadd', 's', 'a', 'c', 'x'], 3],
    [['zinterstore', 'out', '2', 's', 'm', 'weights', '2', '3'], 2],
    [['zrange', 'out', '0', '-1', 'withscores'], ['a', '5', 'c', '11']],
    [['zdiffstore', 'out', '2', 's', 'm'], 1],
    [['zrange', 'out', '0', '-1', 'withscores'], ['x', '1']],
    [['zunionstore', 'out', '2', 's', 'm', 'aggregate', 'max', 'weights', '10', '1'], 4],
    [['zrange', 'out', '0', '-1', 'withscores'], ['b', '2', 'a', '10', 'c', '10', 'x', '10']],
    [['zunion', '2', 'm', 'm', 'weights', '1', '2', 'aggregate', 'min', 'withscores'], ['a', '1', 'b', '2', 'c', '3']],
    [['zadd', 'm', 'CH', 'NX', 'INCR', '5', 'd'], '5'],
    [['zadd', 'm', 'Incr', 'xX', '1', 'd'], '6'],
    [['zrank', 'm', 'd'], 3],
    [['zrangestore', 'out', 'm', '(1', '+inf', 'byscore', 'limit', '1', '1'], 1],
    [['zrange', 'out', '0', '-1', 'withscores'], ['c', '3']],
    [['zrevrangebyscore', 'm', '(3', '(1', 'withscores'], ['b', '2']],
    [['zrevrangebyscore', 'm', '3', '1', 'limit', '1', '5', 'withscores'], ['b', '2', 'a', '1']],
    [['zremrangebyrank', 'm', '-100', '-3'], 2],
    [['zrange', 'm', '0', '-1'], ['c', 'd']],
    [['zinter', '1', 'm', 'aggregate', 'sum', 'aggregate', 'max', 'withscores'], ['c', '3', 'd', '6']],
    [['zunion', '1', 'm', 'weights', '2', 'weights', '3', 'withscores'], ['c', '9', 'd', '18']],
    [['zmpop', '1', 'm', 'max', 'count', '100'], ['m', [['d', '6'], ['c', '3']]]],
  ]],
];

describe('replies recorded from Redis 7.0', () => {
  test.each(SCENARIOS)('%s', (_name, proto, steps) => {
    s.client.proto = proto;
    const mismatches: string[] = [];
    for (const [argv, expected] of steps) {
      const got = s.run(...argv);
      try {
        expect(got).toEqual(expected);
      } catch {
        mismatches.push(`${argv.join(' ')}\n  expected ${fmt(expected)}\n  got      ${fmt(got)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

function fmt(v: Decoded): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : x));
}

describe('scores on the wire', () => {
  test('RESP2 scores are %.17g bulk strings, RESP3 doubles; infinities are inf and -inf', () => {
    s.run('zadd', 'z', '0.1', 'a', 'inf', 'b', '-inf', 'c', '1e20', 'd');
    expect(s.run('zscore', 'z', 'a')).toBe('0.10000000000000001');
    expect(s.run('zrange', 'z', '0', '-1', 'withscores')).toEqual(['c', '-inf', 'a', '0.10000000000000001', 'd', '1e+20', 'b', 'inf']);
    expect(s.run('zscan', 'z', '0')).toEqual(['0', ['c', '-inf', 'a', '0.10000000000000001', 'd', '1e+20', 'b', 'inf']]);
    s.client.proto = 3;
    expect(s.run('zscore', 'z', 'a')).toEqual({ double: 0.1 });
    expect(s.run('zincrby', 'z', '0.2', 'a')).toEqual({ double: 0.1 + 0.2 });
    // ZSCAN gives bulk strings in RESP3 too.
    expect(s.run('zscan', 'z', '0')).toEqual(['0', ['c', '-inf', 'a', '0.30000000000000004', 'd', '1e+20', 'b', 'inf']]);
  });

  test('-0: a listpack stores 0, a skiplist keeps the sign, as Redis 7.0', () => {
    s.run('zadd', 'small', '-0', 'a');
    expect(s.run('zscore', 'small', 'a')).toBe('0');
    const args: string[] = [];
    for (let i = 0; i < 200; i++) args.push(String(i), `m${i}`);
    s.run('zadd', 'big', ...args);
    s.run('zadd', 'big', '-0', 'neg');
    expect(s.run('zscore', 'big', 'neg')).toBe('-0');
    expect(s.run('zadd', 'big', '0', 'neg')).toBe(0); // 0 == -0: no update
    expect(s.run('zscore', 'big', 'neg')).toBe('-0');
  });
});

describe('encoding (OBJECT ENCODING, DUMP)', () => {
  test('ZADD creates a listpack unless the command brings more than 128 pairs or a long member', () => {
    s.run('zadd', 'a', '1', 'x');
    expect(s.zset('a').compact).toBe(true);
    const args: string[] = [];
    for (let i = 0; i < 129; i++) args.push(String(i), `m${i}`);
    s.run('zadd', 'b', ...args);
    expect(s.zset('b').compact).toBe(false);
    s.run('zadd', 'c', 'nx', '1', 'x'.repeat(65), '2', 'y');
    expect(s.zset('c').compact).toBe(false);
    s.run('zadd', 'a', 'xx', '1', 'x'.repeat(65)); // nothing added: still a listpack
    expect(s.zset('a').compact).toBe(true);
  });

  test('store commands convert small results back to a listpack', () => {
    const args: string[] = [];
    for (let i = 0; i < 200; i++) args.push(String(i), `m${i}`);
    s.run('zadd', 'big', ...args);
    s.run('zremrangebyrank', 'big', '0', '150');
    expect(s.zset('big').compact).toBe(false);
    s.run('zunionstore', 'u', '1', 'big');
    expect(s.zset('u').compact).toBe(true);
    s.run('zrangestore', 'r', 'big', '-inf', '+inf', 'byscore');
    expect(s.zset('r').compact).toBe(true);
    s.run('zadd', 'long', '1', 'x'.repeat(65));
    s.run('zinterstore', 'i', '1', 'long');
    expect(s.zset('i').compact).toBe(false);
  });
});

describe('keyspace effects', () => {
  test('notifications as Redis 7.0 sends them', () => {
    s.run('zadd', 'z', '1', 'a', '2', 'b');
    s.run('zadd', 'z', 'gt', '1', 'a'); // no change, no event
    s.run('zadd', 'z', 'incr', '1', 'a');
    s.run('zincrby', 'z', '0', 'a'); // unchanged score: no event
    s.run('zrem', 'z', 'nope');
    s.run('zrem', 'z', 'a');
    s.run('zpopmin', 'z');
    expect(s.notifications).toEqual(['z:zadd:z', 'z:zincr:z', 'z:zrem:z', 'z:zpopmin:z', 'g:del:z']);
    s.notifications.length = 0;
    s.run('zadd', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    s.run('zremrangebyrank', 'z', '0', '0');
    s.run('zremrangebyscore', 'z', '2', '2');
    s.run('zremrangebylex', 'z', '-', '[c');
    s.run('zmpop', '1', 'z', 'max');
    expect(s.notifications).toEqual(['z:zadd:z', 'z:zremrangebyrank:z', 'z:zremrangebyscore:z', 'z:zremrangebylex:z', 'z:zpopmax:z', 'g:del:z']);
    s.notifications.length = 0;
    s.run('zadd', 'src', '1', 'a');
    s.run('zunionstore', 'd1', '1', 'src');
    s.run('zinterstore', 'd2', '1', 'src');
    s.run('zdiffstore', 'd3', '1', 'src');
    s.run('zrangestore', 'd4', 'src', '0', '-1');
    s.run('zinterstore', 'd1', '2', 'src', 'nokey');
    s.run('zinterstore', 'd1', '2', 'src', 'nokey'); // nothing to delete: no event
    expect(s.notifications).toEqual(['z:zadd:src', 'z:zunionstore:d1', 'z:zinterstore:d2', 'z:zdiffstore:d3', 'z:zrangestore:d4', 'g:del:d1']);
  });

  test('an emptied set is deleted, by every removing command', () => {
    for (const argv of [
      ['zrem', 'z', 'a'], ['zpopmin', 'z'], ['zpopmax', 'z', '5'], ['zmpop', '1', 'z', 'min'],
      ['zremrangebyrank', 'z', '0', '-1'], ['zremrangebyscore', 'z', '-inf', '+inf'], ['zremrangebylex', 'z', '-', '+'],
    ]) {
      s.run('zadd', 'z', '1', 'a');
      s.run(...argv);
      expect(s.run('exists', 'z')).toBe(0);
    }
  });

  test('ZMPOP is propagated as ZPOPMIN/ZPOPMAX with the requested count; no-op writes propagate nothing', () => {
    s.run('zadd', 'z', '1', 'a', '2', 'b');
    expect(s.lastPropagated).toBeUndefined(); // ZADD goes as itself
    s.run('zmpop', '2', 'nokey', 'z', 'max', 'count', '10');
    expect(s.lastPropagated).toEqual(['ZPOPMAX', 'z', '10']);
    s.run('zadd', 'z', '1', 'a');
    s.run('zmpop', '1', 'z', 'min');
    expect(s.lastPropagated).toEqual(['ZPOPMIN', 'z', '1']);
    s.run('zmpop', '1', 'z', 'min');
    expect(s.lastPropagated).toEqual([]);
    s.run('zpopmin', 'z');
    expect(s.lastPropagated).toEqual([]);
    s.run('zadd', 'z', 'xx', '1', 'a');
    expect(s.lastPropagated).toEqual([]);
    s.run('zadd', 'z', '1', 'a');
    s.run('zpopmin', 'z');
    expect(s.lastPropagated).toBeUndefined();
  });

  test('stores replace the destination whatever its type and drop its TTL; the source may be the destination', () => {
    s.run('set', 'd', 'x');
    s.ks.dbs[0].setExpire('d', s.ks.dbs[0].get('d')!, Date.now() + 100000);
    s.run('zadd', 'z', '1', 'a', '2', 'b');
    expect(s.run('zunionstore', 'd', '1', 'z')).toBe(2);
    expect(s.ks.dbs[0].get('d')?.expireAt).toBe(0);
    expect(s.run('zunionstore', 'z', '2', 'z', 'z')).toBe(2);
    expect(s.run('zrange', 'z', '0', '-1', 'withscores')).toEqual(['a', '2', 'b', '4']);
  });

  test('ZADD stops at a NaN increment but keeps what it did before, as Redis', () => {
    s.run('zadd', 'z', 'inf', 'a');
    expect(s.run('zadd', 'z', 'incr', '-inf', 'a')).toEqual({ err: 'ERR resulting score is not a number (NaN)' });
    expect(s.run('zscore', 'z', 'a')).toBe('inf');
  });
});

describe('key positions', () => {
  test('numkeys commands report their keys; a bad numkeys reports only the fixed ones', () => {
    const keys = (...argv: string[]) => s.table.get(argv[0])!.keyIndexes(argv).map((i) => argv[i]);
    expect(keys('zunion', '2', 'a', 'b', 'weights', '1', '2')).toEqual(['a', 'b']);
    expect(keys('zunionstore', 'd', '2', 'a', 'b')).toEqual(['d', 'a', 'b']);
    expect(keys('zinterstore', 'd', 'x', 'a')).toEqual(['d']);
    expect(keys('zmpop', '2', 'a', 'b', 'min')).toEqual(['a', 'b']);
    expect(keys('zintercard', '5', 'a')).toEqual(['a']);
    expect(keys('zrangestore', 'd', 's', '0', '-1')).toEqual(['d', 's']);
    expect(keys('zadd', 'z', '1', 'a')).toEqual(['z']);
  });
});

describe('ZRANDMEMBER', () => {
  beforeEach(() => {
    const args: string[] = [];
    for (let i = 0; i < 20; i++) args.push(String(i), `m${i}`);
    s.run('zadd', 'z', ...args);
  });

  test('a positive count gives distinct members, a negative one may repeat', () => {
    for (const count of [1, 3, 7, 15, 19]) {
      const got = s.run('zrandmember', 'z', String(count)) as string[];
      expect(got).toHaveLength(count);
      expect(new Set(got).size).toBe(count);
      for (const m of got) expect(m).toMatch(/^m\d+$/);
    }
    const all = s.run('zrandmember', 'z', '100') as string[];
    expect([...all].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
    const many = s.run('zrandmember', 'z', '-200') as string[];
    expect(many).toHaveLength(200);
    expect(new Set(many).size).toBeLessThan(200);
    expect(typeof s.run('zrandmember', 'z')).toBe('string');
  });

  test('WITHSCORES pairs each member with its own score, flat in RESP2, nested in RESP3', () => {
    const flat = s.run('zrandmember', 'z', '-5', 'withscores') as string[];
    expect(flat).toHaveLength(10);
    for (let i = 0; i < 10; i += 2) expect(`m${flat[i + 1]}`).toBe(flat[i]);
    s.client.proto = 3;
    const nested = s.run('zrandmember', 'z', '4', 'withscores') as [string, { double: number }][];
    expect(nested).toHaveLength(4);
    for (const [m, sc] of nested) expect(m).toBe(`m${sc.double}`);
  });
});

describe('ZSCAN of a skiplist-encoded set', () => {
  const SIZE = 500;
  beforeEach(() => {
    const args: string[] = [];
    for (let i = 0; i < SIZE; i++) args.push(String(i % 7), `m${i}`);
    s.run('zadd', 'z', ...args);
  });

  function scanAll(between: (round: number) => void): Set<string> {
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, items] = s.run('zscan', 'z', cursor, 'count', '20') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.add(items[i]);
      cursor = next;
      between(round++);
      expect(round).toBeLessThan(1000);
    } while (cursor !== '0');
    return seen;
  }

  test('visits every member, COUNT at a time', () => {
    const [cursor, first] = s.run('zscan', 'z', '0', 'count', '20') as [string, string[]];
    expect(cursor).not.toBe('0');
    expect(first).toHaveLength(40);
    expect(scanAll(() => {}).size).toBe(SIZE);
  });

  test('members present for the whole scan are returned even when others are deleted or added meanwhile', () => {
    const churn = new Set<string>();
    const seen = scanAll((round) => {
      // Delete members that sort early (before the cursor) and add new ones, shifting ranks.
      for (let k = 0; k < 5; k++) {
        const victim = `m${(round * 5 + k) * 7}`; // score 0: at the front
        if (s.run('zrem', 'z', victim) === 1) churn.add(victim);
        s.run('zadd', 'z', '100', `new${round}-${k}`); // after the cursor: ranks before it only shrink
      }
    });
    for (let i = 0; i < SIZE; i++) {
      const m = `m${i}`;
      if (!churn.has(m)) expect(seen.has(m)).toBe(true);
    }
  });

  test('MATCH filters what a call returns, not how far it goes', () => {
    let cursor = '0';
    const seen: string[] = [];
    do {
      const [next, items] = s.run('zscan', 'z', cursor, 'match', 'm1?', 'count', '50') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.push(items[i]);
      cursor = next;
    } while (cursor !== '0');
    expect(seen.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m1${i}`).sort());
  });
});

describe('complexity', () => {
  test('rank and range on a large set', () => {
    const args: string[] = [];
    for (let i = 0; i < 20000; i++) args.push(String(i), `m${String(i).padStart(5, '0')}`);
    s.run('zadd', 'z', ...args);
    expect(s.run('zrank', 'z', 'm12345')).toBe(12345);
    expect(s.run('zrevrank', 'z', 'm12345')).toBe(20000 - 1 - 12345);
    expect(s.run('zrange', 'z', '15000', '15001')).toEqual(['m15000', 'm15001']);
    expect(s.run('zrangebyscore', 'z', '(100', '+inf', 'limit', '10000', '2')).toEqual(['m10101', 'm10102']);
    expect(s.run('zrevrangebyscore', 'z', '+inf', '-inf', 'limit', '19998', '5')).toEqual(['m00001', 'm00000']);
    expect(s.run('zcount', 'z', '100', '(200')).toBe(100);
    s.zset('z').validate();
  });
});
