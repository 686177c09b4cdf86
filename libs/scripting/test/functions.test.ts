import { ScriptErr, parseDump } from '../src';
import { newEngine, wire } from './helpers';

const LIB2 = [
  '#!lua name=lib2',
  "local function helper() return 'h' end",
  "redis.register_function{function_name='ro', callback=function(keys, args) return {keys[1], args[1], helper()} end, flags={'no-writes', 'allow-oom'}, description='read only'}",
  "redis.register_function('rw', function(keys, args) return redis.call('set', keys[1], args[1]) end)",
  "redis.register_function('err', function(keys, args) return foo end)",
  "redis.register_function('callerr', function(keys, args) return redis.call('incr', 'strkey') end)",
].join('\n');

// Replies recorded from Redis 7.0.15.
const LOAD_ERRORS: [string, string][] = [
  ["redis.register_function('f2', function() return 1 end)", 'ERR Missing library metadata'],
  ["#!lua\nredis.register_function('f2', function() return 1 end)", 'ERR Library name was not given'],
  ["#!lua name=a name=b\nredis.register_function('f2', function() return 1 end)", 'ERR Invalid metadata value, name argument was given multiple times'],
  ["#!lua name=x foo=b\nredis.register_function('f2', function() return 1 end)", 'ERR Invalid metadata value given: foo=b'],
  ["#!js name=x\nredis.register_function('f2', function() return 1 end)", "ERR Engine 'js' not found"],
  ['#!lua name=x\nreturn 1', 'ERR No functions registered'],
  ["#!lua name=x\nredis.register_function('bad-name', function() return 1 end)", 'ERR Error registering functions: ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long'],
  ["#!lua name=x\nredis.register_function('f', function() return 1 end, 'x')", 'ERR Error registering functions: ERR wrong number of arguments to redis.register_function'],
  ["#!lua name=x\nredis.register_function{function_name='f', callback=function() return 1 end, flags={'bad'}}", 'ERR Error registering functions: ERR unknown flag given'],
  ["#!lua name=x\nredis.register_function{function_name='f', callback=function() return 1 end, flags={'no-writes'}, description='d', extra=1}", 'ERR Error registering functions: ERR unknown argument given to redis.register_function'],
  ["#!lua name=x\nredis.register_function{function_name='f', callback=function() return 1 end, flags='no-writes'}", 'ERR Error registering functions: ERR flags argument to redis.register_function must be a table representing function flags'],
  ["#!lua name=x\nredis.register_function('f', 'notfn')", 'ERR Error registering functions: ERR second argument to redis.register_function must be a function'],
  ["#!lua name=x\nredis.register_function('f', function() return 1 end)\nredis.register_function('f', function() return 1 end)", 'ERR Error registering functions: ERR Function already exists in the library'],
  ["#!lua name=x\nredis.call('ping')", "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'"],
  ['#!lua name=x\nreturn foo', "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'foo'"],
  ['#!lua name=x\nreturn type(1)', "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'type'"],
  ['#!lua name=x\nx = 1', 'ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table'],
  ['#!lua name=x\nlocal a = +', "ERR Error compiling function: user_function:2: unexpected symbol near '+'"],
];

describe('functions', () => {
  test('load errors as Redis 7.0', async () => {
    const { engine } = await newEngine();
    for (const [body, error] of LOAD_ERRORS) expect([body, engine.functions.load(body)]).toEqual([body, { t: 'error', s: error }]);
    expect(engine.functions.list()).toEqual({ t: 'array', items: [] });
    engine.close();
  });

  test('library lifecycle: load, fcall, replace, list, stats, delete, flush', async () => {
    const { engine, server } = await newEngine();
    const lib = engine.functions;
    expect(lib.load("#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] end)")).toEqual({ t: 'bulk', s: 'mylib' });
    expect(lib.load("#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] end)")).toEqual({ t: 'error', s: "ERR Library 'mylib' already exists" });
    expect(lib.load("#!lua name=other\nredis.register_function('myfunc', function(keys, args) return args[1] end)")).toEqual({ t: 'error', s: 'ERR Function myfunc already exists' });
    expect(engine.fcall('myfunc', [], ['a1'])).toEqual({ t: 'bulk', s: 'a1' });
    // REPLACE swaps the functions; the old one disappears
    expect(lib.load("#!lua name=mylib\nredis.register_function('newfunc', function() return 'new' end)", true)).toEqual({ t: 'bulk', s: 'mylib' });
    expect(engine.fcall('myfunc', [], [])).toEqual({ t: 'error', s: ScriptErr.functionNotFound });
    expect(engine.fcall('newfunc', [], [])).toEqual({ t: 'bulk', s: 'new' });

    expect(lib.load(LIB2)).toEqual({ t: 'bulk', s: 'lib2' });
    server.strings.set('strkey', 'abc');
    expect(wire(await engine.fcall('ro', ['k1'], ['a1']))).toBe('*3\r\n$2\r\nk1\r\n$2\r\na1\r\n$1\r\nh\r\n');
    expect(wire(await engine.fcall('ro', ['k1'], ['a1'], { readOnly: true }))).toBe('*3\r\n$2\r\nk1\r\n$2\r\na1\r\n$1\r\nh\r\n');
    expect(wire(await engine.fcall('rw', ['k1'], ['a1'], { readOnly: true }))).toBe('-ERR Can not execute a script with write flag using *_ro command.\r\n');
    expect(wire(await engine.fcall('rw', ['k1'], ['a1']))).toBe('+OK\r\n');
    expect(wire(await engine.fcall('err', [], []))).toBe("-ERR user_function:5: Script attempted to access nonexistent global variable 'foo' script: err, on @user_function:5.\r\n");
    expect(wire(await engine.fcall('callerr', [], []))).toBe('-ERR value is not an integer or out of range script: callerr, on @user_function:6.\r\n');

    const listed = wire(lib.list({ withCode: true, pattern: 'lib*' }), 3);
    expect(listed).toContain('%3\r\n$4\r\nname\r\n$2\r\nro\r\n$11\r\ndescription\r\n$9\r\nread only\r\n$5\r\nflags\r\n~2\r\n+no-writes\r\n+allow-oom\r\n');
    expect(listed).toContain('%3\r\n$4\r\nname\r\n$2\r\nrw\r\n$11\r\ndescription\r\n_\r\n$5\r\nflags\r\n~0\r\n');
    expect(listed).toContain(`$12\r\nlibrary_code\r\n$${LIB2.length}\r\n${LIB2}\r\n`);
    expect(wire(lib.stats(engine.runningScript()), 3)).toBe(
      '%2\r\n$14\r\nrunning_script\r\n_\r\n$7\r\nengines\r\n%1\r\n$3\r\nLUA\r\n%2\r\n$15\r\nlibraries_count\r\n:2\r\n$15\r\nfunctions_count\r\n:5\r\n',
    );
    expect(lib.delete('nosuch')).toEqual({ t: 'error', s: 'ERR Library not found' });
    expect(lib.delete('mylib')).toEqual({ t: 'simple', s: 'OK' });
    expect(engine.fcall('newfunc', [], [])).toEqual({ t: 'error', s: ScriptErr.functionNotFound });
    expect(lib.flush()).toEqual({ t: 'simple', s: 'OK' });
    expect(engine.fcall('ro', [], [])).toEqual({ t: 'error', s: ScriptErr.functionNotFound });
    engine.close();
  });

  test('functions see globals at run time, KEYS/ARGV do not exist, and eval does not see register_function', async () => {
    const { engine } = await newEngine();
    engine.functions.load("#!lua name=p\nredis.register_function('args', function(keys, args) return {#keys, #args, type(KEYS)} end)\nredis.register_function('g', function() return type(pairs) .. type(redis.call) end)");
    expect(wire(await engine.fcall('args', ['k'], ['a']))).toBe("-ERR user_function:2: Script attempted to access nonexistent global variable 'KEYS' script: args, on @user_function:2.\r\n");
    expect(await engine.fcall('g', [], [])).toEqual({ t: 'bulk', s: 'functionfunction' });
    expect(wire(await engine.eval('return {type(redis.register_function)}', [], []))).toBe('*1\r\n$3\r\nnil\r\n');
    engine.close();
  });

  test('DUMP/RESTORE round trip, policies, and a payload dumped by Redis 7.0.15', async () => {
    const { engine } = await newEngine();
    const lib = engine.functions;
    lib.load(LIB2);
    const payload = lib.dump();
    expect(parseDump(payload)).toEqual([LIB2]);
    expect(lib.restore(payload)).toEqual({ t: 'error', s: 'ERR Library lib2 already exists' });
    expect(lib.restore(payload, 'REPLACE')).toEqual({ t: 'simple', s: 'OK' });
    lib.flush();
    expect(lib.restore(payload)).toEqual({ t: 'simple', s: 'OK' });
    expect(engine.fcall('ro', ['a'], ['b'])).toEqual({ t: 'array', items: [{ t: 'bulk', s: 'a' }, { t: 'bulk', s: 'b' }, { t: 'bulk', s: 'h' }] });
    expect(lib.restore('garbage')).toEqual({ t: 'error', s: 'ERR DUMP payload version or checksum are wrong' });
    const corrupted = payload.slice(0, 5) + String.fromCharCode(payload.charCodeAt(5) ^ 1) + payload.slice(6);
    expect(lib.restore(corrupted)).toEqual({ t: 'error', s: 'ERR DUMP payload version or checksum are wrong' });

    // FUNCTION DUMP from redis-server 7.0.15 (LZF-compressed library code)
    const fromRedis = Buffer.from(REDIS_DUMP_HEX, 'hex').toString('latin1');
    expect(lib.restore(fromRedis, 'FLUSH')).toEqual({ t: 'simple', s: 'OK' });
    expect(engine.fcall('ro', ['k'], ['v'], { readOnly: true })).toEqual({ t: 'array', items: [{ t: 'bulk', s: 'k' }, { t: 'bulk', s: 'v' }, { t: 'bulk', s: 'h' }] });
    expect(lib.get('rw')?.flags).toEqual([]);
    engine.close();
  });
});

const REDIS_DUMP_HEX =
  'f5c340e441471f23216c7561206e616d653d6c6962320a6c6f63616c2066756e6374696f6e20681f656c70657228292072657475726e2022682220656e640a72656469732e7265670569737465725fc02f007bc008005f60510522726f222c202050056c6261636b3dc01c0a286b6579732c2061726773e00058007b4013025b315d80166008c07b007d4071122c20666c6167733d7b226e6f2d777269746573205a0022205a106f772d6f6f6d227d2c206465736372697040b8207a09656164206f6e6c79227de00fad03282272772044e0139680e740c1042822736574202de007a70029209d0164290a009ba65e295106f328';
