import { ScriptEngine } from '../src';
import type { RespValue } from '@strata/resp';

test('smoke', async () => {
  const data = new Map<string, string>();
  const engine = await ScriptEngine.create({
    call: (argv): RespValue => {
      const cmd = argv[0].toLowerCase();
      if (cmd === 'get') return data.has(argv[1]) ? { t: 'bulk', s: data.get(argv[1])! } : { t: 'null' };
      if (cmd === 'set') { data.set(argv[1], argv[2]); return { t: 'simple', s: 'OK' }; }
      return { t: 'error', s: 'ERR Unknown Redis command called from script' };
    },
  });
  const r = [
    engine.eval("return redis.call('set', KEYS[1], ARGV[1])", ['k'], ['v']),
    engine.eval("return redis.call('get', KEYS[1])", ['k'], []),
    engine.eval("return {1, 2.5, 'x', true, false, nil, 3}", [], []),
    engine.eval("return foo", [], []),
    engine.eval("return redis.call('nosuch')", [], []),
    engine.eval("return tostring(10/2) .. ' ' .. cjson.encode({1,2,{a=1}})", [], []),
    engine.eval("a = 5", [], []),
    engine.eval("return 1 +", [], []),
  ];
  console.log(JSON.stringify(r, null, 1));
});
