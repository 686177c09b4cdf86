import { ScriptErr } from '../src';
import { newEngine, until } from './helpers';

/**
 * The execution model: past busyThresholdMs a script yields to the event loop, so "another
 * client" (code running between two slices) sees busy and can kill it.
 */
describe('busy scripts and SCRIPT KILL', () => {
  test('a looping script becomes busy, others get BUSY, SCRIPT KILL stops it', async () => {
    const { engine } = await newEngine({ busyThresholdMs: 10, sliceMs: 5 });
    const reply = engine.eval('local i = 0 while true do i = i + 1 end', [], []);
    expect(reply).toBeInstanceOf(Promise);
    expect(engine.running).toBe(true);
    await until(() => engine.busy);
    expect(engine.busyError()).toEqual({ t: 'error', s: ScriptErr.busyEval });
    expect(engine.kill('function')).toEqual({ t: 'error', s: ScriptErr.busyEval });
    expect(engine.kill('eval')).toEqual({ t: 'simple', s: 'OK' });
    const result = await reply;
    expect(result).toEqual({ t: 'error', s: `${ScriptErr.killed} script: ${sha('local i = 0 while true do i = i + 1 end')}, on @user_script:1.` });
    expect(engine.running).toBe(false);
    expect(engine.kill('eval')).toEqual({ t: 'error', s: ScriptErr.notBusy });
    // the state is usable afterwards
    expect(engine.eval('return 1', [], [])).toEqual({ t: 'int', n: 1 });
    engine.close();
  });

  test('pcall cannot swallow the kill', async () => {
    const { engine } = await newEngine({ busyThresholdMs: 10, sliceMs: 5 });
    const body = 'while true do pcall(function() local i = 0 while true do i = i + 1 end end) end';
    const reply = engine.eval(body, [], []);
    await until(() => engine.busy);
    expect(engine.kill('eval')).toEqual({ t: 'simple', s: 'OK' });
    const result = await reply;
    expect(result.t).toBe('error');
    expect(result.t === 'error' && result.s.startsWith(ScriptErr.killed)).toBe(true);
    engine.close();
  });

  test('a script that wrote is UNKILLABLE and runs to its end', async () => {
    const { engine, server } = await newEngine({ busyThresholdMs: 10, sliceMs: 5 });
    const reply = engine.eval("redis.call('set', 'k', 'v') while redis.call('get', 'stop') == false do end return 'done'", [], []);
    await until(() => engine.busy);
    expect(engine.kill('eval')).toEqual({ t: 'error', s: ScriptErr.unkillable });
    expect(engine.running).toBe(true);
    server.strings.set('stop', '1');
    expect(await reply).toEqual({ t: 'bulk', s: 'done' });
    engine.close();
  });

  test('FUNCTION KILL stops a function; SCRIPT KILL does not', async () => {
    const { engine } = await newEngine({ busyThresholdMs: 10, sliceMs: 5 });
    expect(engine.functions.load("#!lua name=lib\nredis.register_function('spin', function() while true do end end)")).toEqual({ t: 'bulk', s: 'lib' });
    const reply = engine.fcall('spin', [], []);
    await until(() => engine.busy);
    expect(engine.busyError()).toEqual({ t: 'error', s: ScriptErr.busyFunction });
    expect(engine.runningScript()?.name).toBe('spin');
    expect(engine.kill('eval')).toEqual({ t: 'error', s: ScriptErr.busyFunction });
    expect(engine.kill('function')).toEqual({ t: 'simple', s: 'OK' });
    expect(await reply).toEqual({ t: 'error', s: `${ScriptErr.killed} script: spin, on @user_function:2.` });
    engine.close();
  });

  test('a short script answers synchronously', async () => {
    const { engine } = await newEngine();
    const reply = engine.eval('local n = 0 for i = 1, 100000 do n = n + i end return n', [], []);
    expect(reply).toEqual({ t: 'int', n: 5000050000 });
    engine.close();
  });
});

function sha(body: string): string {
  return require('crypto').createHash('sha1').update(body).digest('hex');
}
