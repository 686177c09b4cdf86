// SORT and SORT_RO. The scenarios below were recorded from Redis 7.0.15 (a scratch redis-server,
// raw replies) and are replayed through the real reply writer: each reply is compared as the RESP
// it puts on the wire, written as tokens ("*2 $a _", "$-1", ":3"). Sets and sorted sets whose
// order Redis leaves to its hash tables (ALPHA ties, unsorted sets) are avoided.
import { TestServer } from './harness';
import { WireServer } from './wire-server';

type Step = [argv: string[], expected: string];
type Scenario = [name: string, proto: 2 | 3, steps: Step[]];

const SCENARIOS: Scenario[] = [
  ['lists: numeric and ALPHA order, ASC DESC, LIMIT', 2, [
    [['rpush', 'l', '3', '1', '2', '10', '1.5', '-2', '1e2'], ':7'],
    [['sort', 'l'], '*7 $-2 $1 $1.5 $2 $3 $10 $1e2'],
    [['sort', 'l', 'desc'], '*7 $1e2 $10 $3 $2 $1.5 $1 $-2'],
    [['sort', 'l', 'ASC'], '*7 $-2 $1 $1.5 $2 $3 $10 $1e2'],
    [['sort', 'l', 'desc', 'asc'], '*7 $-2 $1 $1.5 $2 $3 $10 $1e2'],
    [['sort', 'l', 'alpha'], '*7 $-2 $1 $1.5 $10 $1e2 $2 $3'],
    [['sort', 'l', 'alpha', 'desc'], '*7 $3 $2 $1e2 $10 $1.5 $1 $-2'],
    [['sort', 'l', 'limit', '1', '2'], '*2 $1 $1.5'],
    [['sort', 'l', 'limit', '-1', '2'], '*2 $-2 $1'],
    [['sort', 'l', 'limit', '1', '-5'], '*6 $1 $1.5 $2 $3 $10 $1e2'],
    [['sort', 'l', 'limit', '10', '2'], '*0'],
    [['sort', 'l', 'limit', '6', '10'], '*1 $1e2'],
    [['sort', 'l', 'limit', '0', '0'], '*0'],
    [['sort', 'l', 'limit', '2', '3', 'desc'], '*3 $3 $2 $1.5'],
    [['sort', 'l', 'limit', '0', '1', 'limit', '3', '1'], '*1 $2'],
    [['sort_ro', 'l', 'desc', 'limit', '0', '3'], '*3 $1e2 $10 $3'],
    [['rpush', 'dups', '2', '1', '2', 'b', 'a'], ':5'],
    [['sort', 'dups', 'alpha'], '*5 $1 $2 $2 $a $b'],
    [['sort', 'dups', 'alpha', 'desc'], '*5 $b $a $2 $2 $1'],
    [['sort', 'nokey'], '*0'],
    [['sort', 'nokey', 'desc', 'limit', '0', '5'], '*0'],
  ]],
  ['errors: syntax, LIMIT values, SORT_RO STORE, wrong type', 2, [
    [['rpush', 'l', '1', '2'], ':2'],
    [['sort', 'l', 'foo'], '-ERR syntax error'],
    [['sort', 'l', 'limit', '1'], '-ERR syntax error'],
    [['sort', 'l', 'limit', 'x', '2'], '-ERR value is not an integer or out of range'],
    [['sort', 'l', 'limit', '1', '2.5'], '-ERR value is not an integer or out of range'],
    [['sort', 'l', 'limit', '99999999999999999999', '1'], '-ERR value is not an integer or out of range'],
    [['sort', 'l', 'by'], '-ERR syntax error'],
    [['sort', 'l', 'get'], '-ERR syntax error'],
    [['sort', 'l', 'store'], '-ERR syntax error'],
    [['sort_ro', 'l', 'store', 'x'], '-ERR syntax error'],
    [['sort_ro', 'l', 'STORE'], '-ERR syntax error'],
    [['set', 'str', 'x'], '+OK'],
    [['sort', 'str'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    [['sort', 'str', 'foo'], '-ERR syntax error'],
    [['sort_ro', 'str'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    [['hset', 'h', 'f', 'v'], ':1'],
    [['sort', 'h'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    [['sort'], '-ERR wrong number of arguments for \'sort\' command'],
  ]],
  ['sets and sorted sets', 2, [
    [['sadd', 's', '5', '3', '9', '1', '-4'], ':5'],
    [['sort', 's'], '*5 $-4 $1 $3 $5 $9'],
    [['sort', 's', 'desc', 'limit', '1', '2'], '*2 $5 $3'],
    [['sort', 's', 'by', 'nosort'], '*5 $-4 $1 $3 $5 $9'],
    [['sadd', 's2', 'b', 'a', 'c'], ':3'],
    [['sort', 's2', 'alpha'], '*3 $a $b $c'],
    [['sort', 's2', 'by', 'nosort', 'store', 'd2'], ':3'],
    [['lrange', 'd2', '0', '-1'], '*3 $a $b $c'],
    [['sort', 's2', 'by', 'nosort', 'desc', 'store', 'd2'], ':3'],
    [['lrange', 'd2', '0', '-1'], '*3 $c $b $a'],
    [['zadd', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'], ':5'],
    [['sort', 'z', 'by', 'nosort'], '*5 $a $b $c $d $e'],
    [['sort', 'z', 'by', 'nosort', 'desc'], '*5 $e $d $c $b $a'],
    [['sort', 'z', 'by', 'nosort', 'limit', '1', '2'], '*2 $b $c'],
    [['sort', 'z', 'by', 'nosort', 'desc', 'limit', '1', '2'], '*2 $d $c'],
    [['sort', 'z', 'by', 'nosort', 'limit', '4', '10'], '*1 $e'],
    [['sort', 'z', 'by', 'nosort', 'limit', '5', '1'], '*0'],
    [['sort', 'z', 'by', 'nosort', 'desc', 'limit', '-3', '2'], '*2 $e $d'],
    [['sort', 'z', 'alpha', 'desc'], '*5 $e $d $c $b $a'],
    [['zadd', 'zn', '3', 'x', '1', 'y', '2', 'z'], ':3'],
    [['sort', 'zn', 'by', 'nosort'], '*3 $y $z $x'],
    [['sort', 'zn', 'by', 'nosort', 'get', '#', 'get', 'w_*'], '*6 $y $-1 $z $-1 $x $-1'],
    [['sort', 'zn'], '-ERR One or more scores can\'t be converted into double'],
  ]],
  ['BY and GET patterns: strings, hash fields, #, missing keys', 2, [
    [['rpush', 'l', 'a', 'b', 'c', 'd'], ':4'],
    [['mset', 'w_a', '3', 'w_b', '1', 'w_c', '2', 'o_a', 'x', 'o_b', 'y'], '+OK'],
    [['hset', 'h_a', 'f', 'z', 'n', '10'], ':2'],
    [['hset', 'h_b', 'f', 'y', 'n', '9'], ':2'],
    [['hset', 'h_c', 'n', '11'], ':1'],
    [['sort', 'l', 'by', 'w_*'], '*4 $d $b $c $a'],
    [['sort', 'l', 'by', 'w_*', 'desc'], '*4 $a $c $b $d'],
    [['sort', 'l', 'by', 'w_*', 'get', '#', 'get', 'w_*', 'get', 'h_*->f', 'get', 'nope_*'],
      '*16 $d $-1 $-1 $-1 $b $1 $y $-1 $c $2 $-1 $-1 $a $3 $z $-1'],
    [['sort', 'l', 'by', 'h_*->n'], '*4 $d $b $a $c'],
    [['sort', 'l', 'by', 'h_*->f', 'alpha'], '*4 $c $d $b $a'],
    [['sort', 'l', 'by', 'h_*->f', 'alpha', 'desc'], '*4 $a $b $c $d'],
    [['sort', 'l', 'by', 'h_*->f'], '-ERR One or more scores can\'t be converted into double'],
    [['sort', 'l', 'by', 'o_*', 'alpha'], '*4 $c $d $a $b'],
    [['sort', 'l', 'by', 'o_*'], '-ERR One or more scores can\'t be converted into double'],
    [['sort', 'l', 'by', 'w_*->'], '*4 $a $b $c $d'],
    [['sort', 'l', 'by', 'h_*->n', 'limit', '1', '2'], '*2 $b $a'],
    [['sort', 'l', 'by', 'w_*', 'limit', '0', '2', 'desc'], '*2 $a $c'],
    [['sort', 'l', 'get', 'o_*', 'alpha'], '*4 $x $y $-1 $-1'],
    [['sort', 'l', 'get', 'x', 'alpha'], '*4 $-1 $-1 $-1 $-1'],
    [['sort', 'l', 'get', '#', 'alpha', 'get', 'h_*->n'], '*8 $a $10 $b $9 $c $11 $d $-1'],
    [['sort', 'l', 'by', 'nosort', 'get', '#', 'get', 'o_*'], '*8 $a $x $b $y $c $-1 $d $-1'],
    [['sort', 'l', 'by', 'nosort', 'desc', 'limit', '1', '2'], '*2 $c $b'],
    [['sort', 'l', 'by', 'constant', 'alpha'], '*4 $a $b $c $d'],
    [['sort', 'l', 'by', 'w_*', 'by', 'nosort'], '*4 $a $b $c $d'],
    [['set', 'typed', 'x'], '+OK'],
    [['sort', 'l', 'by', '*typed', 'get', '*->f', 'alpha'], '*4 $-1 $-1 $-1 $-1'],
    [['sort', 'l', 'get', 'w_*', 'limit', '0', '0'], '-ERR One or more scores can\'t be converted into double'],
    [['lpush', 'w_d', 'x'], ':1'],
    [['sort', 'l', 'by', 'w_*', 'get', 'w_*'], '*4 $-1 $1 $2 $3'],
  ]],
  ['ties: stable full sorts, Redis\'s partial quicksort under BY + LIMIT', 2, [
    [[
      'rpush', 't', 'e00', 'e01', 'e02', 'e03', 'e04', 'e05', 'e06', 'e07', 'e08', 'e09', 'e10', 'e11', 'e12',
      'e13', 'e14', 'e15', 'e16', 'e17', 'e18', 'e19', 'e20', 'e21', 'e22', 'e23', 'e24', 'e25', 'e26', 'e27',
      'e28', 'e29',
    ],
      ':30'],
    [[
      'mset', 'k_e00', '0', 'k_e01', '1', 'k_e02', '2', 'k_e03', '0', 'k_e04', '1', 'k_e05', '2', 'k_e06', '0',
      'k_e07', '1', 'k_e08', '2', 'k_e09', '0', 'k_e10', '1', 'k_e11', '2', 'k_e12', '0', 'k_e13', '1',
      'k_e14', '2', 'k_e15', '0', 'k_e16', '1', 'k_e17', '2', 'k_e18', '0', 'k_e19', '1', 'k_e20', '2',
      'k_e21', '0', 'k_e22', '1', 'k_e23', '2', 'k_e24', '0', 'k_e25', '1', 'k_e26', '2', 'k_e27', '0',
      'k_e28', '1', 'k_e29', '2',
    ],
      '+OK'],
    [[
      'hset', 'hw', 'e00', 'a', 'e01', 'b', 'e02', 'a', 'e03', 'b', 'e04', 'a', 'e05', 'b', 'e06', 'a', 'e07',
      'b', 'e08', 'a', 'e09', 'b', 'e10', 'a', 'e11', 'b', 'e12', 'a', 'e13', 'b', 'e14', 'a', 'e15', 'b',
      'e16', 'a', 'e17', 'b', 'e18', 'a', 'e19', 'b', 'e20', 'a', 'e21', 'b', 'e22', 'a', 'e23', 'b', 'e24',
      'a', 'e25', 'b', 'e26', 'a', 'e27', 'b', 'e28', 'a', 'e29', 'b',
    ],
      ':30'],
    [['sort', 't', 'by', 'k_*', 'alpha'],
      '*30 $e00 $e03 $e06 $e09 $e12 $e15 $e18 $e21 $e24 $e27 $e01 $e04 $e07 $e10 $e13 $e16 $e19 $e22 $e25 ' +
      '$e28 $e02 $e05 $e08 $e11 $e14 $e17 $e20 $e23 $e26 $e29'],
    [['sort', 't', 'by', 'k_*', 'alpha', 'desc'],
      '*30 $e02 $e05 $e08 $e11 $e14 $e17 $e20 $e23 $e26 $e29 $e01 $e04 $e07 $e10 $e13 $e16 $e19 $e22 $e25 ' +
      '$e28 $e00 $e03 $e06 $e09 $e12 $e15 $e18 $e21 $e24 $e27'],
    [['sort', 't', 'by', 'k_*', 'alpha', 'limit', '3', '8'], '*8 $e09 $e12 $e15 $e18 $e21 $e24 $e27 $e10'],
    [['sort', 't', 'by', 'k_*', 'alpha', 'desc', 'limit', '0', '5'], '*5 $e20 $e11 $e08 $e23 $e14'],
    [['sort', 't', 'by', 'k_*', 'alpha', 'limit', '20', '20'],
      '*10 $e23 $e11 $e14 $e17 $e26 $e20 $e02 $e29 $e05 $e08'],
    [['sort', 't', 'by', 'k_*', 'limit', '5', '10'], '*10 $e15 $e18 $e21 $e24 $e27 $e01 $e04 $e07 $e10 $e13'],
    [['sort', 't', 'by', 'nokey_*', 'alpha', 'limit', '2', '5'], '*5 $e02 $e03 $e04 $e05 $e06'],
    [['sort', 't', 'by', 'nokey_*', 'alpha'],
      '*30 $e00 $e01 $e02 $e03 $e04 $e05 $e06 $e07 $e08 $e09 $e10 $e11 $e12 $e13 $e14 $e15 $e16 $e17 $e18 ' +
      '$e19 $e20 $e21 $e22 $e23 $e24 $e25 $e26 $e27 $e28 $e29'],
  ]],
  ['STORE', 2, [
    [['rpush', 'l', '3', '1', '2'], ':3'],
    [['sort', 'l', 'store', 'dst'], ':3'],
    [['type', 'dst'], '+list'],
    [['lrange', 'dst', '0', '-1'], '*3 $1 $2 $3'],
    [['sort', 'l', 'desc', 'store', 'l'], ':3'],
    [['lrange', 'l', '0', '-1'], '*3 $3 $2 $1'],
    [['mset', 'w_1', 'x'], '+OK'],
    [['sort', 'l', 'store', 'd2', 'get', '#', 'get', 'w_*'], ':6'],
    [['lrange', 'd2', '0', '-1'], '*6 $1 $x $2 $ $3 $'],
    [['sort', 'l', 'limit', '0', '0', 'store', 'd2'], ':0'],
    [['exists', 'd2'], ':0'],
    [['sort', 'nokey', 'store', 'd3'], ':0'],
    [['exists', 'd3'], ':0'],
    [['set', 'd4', 'old'], '+OK'],
    [['sort', 'l', 'store', 'd4', 'store', 'd5'], ':3'],
    [['get', 'd4'], '$old'],
    [['lrange', 'd5', '0', '-1'], '*3 $1 $2 $3'],
    [['zadd', 'z', '1', 'b', '2', 'a'], ':2'],
    [['sort', 'z', 'alpha', 'store', 'd6'], ':2'],
    [['lrange', 'd6', '0', '-1'], '*2 $a $b'],
  ]],
  ['RESP3 replies', 3, [
    [['rpush', 'l', 'b', 'a'], ':2'],
    [['sort', 'l', 'alpha', 'get', '#', 'get', 'nope_*'], '*4 $a _ $b _'],
    [['sort', 'l', 'alpha'], '*2 $a $b'],
    [['sort', 'l'], '-ERR One or more scores can\'t be converted into double'],
    [['sort', 'nokey'], '*0'],
    [['sort', 'l', 'alpha', 'store', 'd'], ':2'],
  ]],
  ['numeric conversion as strtod, and its error', 2, [
    [['rpush', 'e', '', ' 1', '0x10', 'inf', '-inf', '+5', '1e2', '007', '-0', '.5'], ':10'],
    [['sort', 'e'], '*10 $-inf $ $-0 $.5 $ 1 $+5 $007 $0x10 $1e2 $inf'],
    [['sort', 'e', 'desc'], '*10 $inf $1e2 $0x10 $007 $+5 $ 1 $.5 $-0 $ $-inf'],
    [['rpush', 'bad', '1', 'a', '2'], ':3'],
    [['sort', 'bad'], '-ERR One or more scores can\'t be converted into double'],
    [['sort', 'bad', 'alpha'], '*3 $1 $2 $a'],
    [['sort', 'bad', 'by', 'nosort'], '*3 $1 $a $2'],
    [['rpush', 'nan', 'nan'], ':1'],
    [['sort', 'nan'], '-ERR One or more scores can\'t be converted into double'],
    [['rpush', 'big', '1e400'], ':1'],
    [['sort', 'big'], '-ERR One or more scores can\'t be converted into double'],
    [['rpush', 'small', '1e-400'], ':1'],
    [['sort', 'small'], '-ERR One or more scores can\'t be converted into double'],
    [['rpush', 'trail', '1 '], ':1'],
    [['sort', 'trail'], '-ERR One or more scores can\'t be converted into double'],
    [['sort', 'bad', 'store', 'dst'], '-ERR One or more scores can\'t be converted into double'],
    [['exists', 'dst'], ':0'],
  ]],
];

describe('SORT replays Redis 7.0', () => {
  for (const [name, proto, steps] of SCENARIOS) {
    test(`${name} (RESP${proto})`, () => {
      const s = new WireServer();
      s.base.client.proto = proto;
      for (const [argv, expected] of steps) expect([argv, s.run(...argv)]).toEqual([argv, expected]);
    });
  }
});

describe('SORT writes', () => {
  test('STORE notifies sortstore; an empty result deletes the destination; nothing to do propagates nothing', () => {
    const s = new WireServer();
    s.run('rpush', 'l', '2', '1');
    s.notifications = [];
    expect(s.run('sort', 'l', 'store', 'dst')).toBe(':2');
    expect(s.run('sort', 'nokey', 'store', 'dst')).toBe(':0');
    expect(s.notifications).toEqual(['l:sortstore:dst', 'g:del:dst']);
    s.propagated = [];
    expect(s.run('sort', 'nokey', 'store', 'dst')).toBe(':0');
    expect(s.propagated).toEqual([[]]);
  });

  test('sorting a sorted set converts it to the skiplist encoding, as Redis does', () => {
    const s = new WireServer();
    s.run('zadd', 'z', '1', 'a', '2', 'b');
    expect(s.zset('z').compact).toBe(true);
    expect(s.run('sort_ro', 'z', 'by', 'nosort')).toBe('*2 $a $b');
    expect(s.zset('z').compact).toBe(false);
  });

  test('SORT_RO reads the same as SORT and never writes', () => {
    const s = new WireServer();
    s.run('rpush', 'l', 'b', 'a');
    s.notifications = [];
    expect(s.run('sort_ro', 'l', 'alpha', 'desc')).toBe(s.run('sort', 'l', 'alpha', 'desc'));
    expect(s.run('sort_ro', 'l', 'store', 'x')).toBe('-ERR syntax error');
    expect(s.notifications).toEqual([]);
  });
});

describe('SORT key positions (COMMAND GETKEYS)', () => {
  const table = new TestServer().table;
  const keys = (...argv: string[]): number[] => {
    const c = table.get(argv[0]);
    if (c === undefined) throw new Error(argv[0]);
    return c.keyIndexes(argv);
  };
  test('the sorted key and the last STORE destination, skipping the arguments of LIMIT, GET and BY', () => {
    expect(keys('sort', 'k')).toEqual([1]);
    expect(keys('sort', 'k', 'STORE', 'd')).toEqual([1, 3]);
    expect(keys('sort', 'k', 'store', 'a', 'limit', '0', '1', 'store', 'b')).toEqual([1, 8]);
    expect(keys('sort', 'k', 'get', 'store', 'by', 'store')).toEqual([1]);
    expect(keys('sort', 'k', 'limit', 'store', 'x', 'store', 'd')).toEqual([1, 6]);
    expect(keys('sort', 'k', 'store')).toEqual([1]);
    // After STORE the destination itself is read as an option name again, as sortGetKeys does.
    expect(keys('sort', 'k', 'store', 'store', 'd')).toEqual([1, 4]);
    expect(keys('sort_ro', 'k', 'store', 'd')).toEqual([1]);
    expect(table.get('sort')?.movableKeys).toBe(true);
    expect(table.get('sort_ro')?.movableKeys).toBe(true);
  });
});
