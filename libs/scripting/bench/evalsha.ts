/**
 * EVALSHA per second in-process, for both execution models (README: "Execution model").
 *   npx esbuild libs/scripting/bench/evalsha.ts --bundle --platform=node --external:wasmoon \
 *     --outfile=/tmp/evalsha-bench.js && node /tmp/evalsha-bench.js
 * (a) main thread: the engine runs the script on the event loop's thread, a count hook watches
 *     the clock; (b) worker: the engine runs in a worker thread and every redis.call crosses to
 *     the main thread through a SharedArrayBuffer and Atomics.wait/notify.
 */
import { isMainThread } from 'worker_threads';
import type { RespValue } from '@strata/resp';
import { ScriptEngine } from '../src';
import { WorkerScriptRunner, serveWorker } from './worker-model';

export const GET_SCRIPT = "return redis.call('GET', KEYS[1])";
export const INCR_SCRIPT = "return redis.call('INCR', KEYS[1])";

/** The Map-backed executor both models call. */
export function mapCall(data: Map<string, string>) {
  return (argv: string[]): RespValue => {
    const cmd = argv[0].toUpperCase();
    if (cmd === 'GET') {
      const v = data.get(argv[1]);
      return v === undefined ? { t: 'null' } : { t: 'bulk', s: v };
    }
    if (cmd === 'INCR') {
      const n = Number(data.get(argv[1]) ?? '0') + 1;
      data.set(argv[1], String(n));
      return { t: 'int', n };
    }
    return { t: 'error', s: 'ERR Unknown Redis command called from script' };
  };
}

async function timed(label: string, n: number, op: (i: number) => unknown | Promise<unknown>): Promise<void> {
  for (let i = 0; i < 2000; i++) await op(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await op(i);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label.padEnd(40)} ${Math.round(n / s).toString().padStart(8)} ops/s  ${((s / n) * 1e6).toFixed(2)} us/op`);
}

async function main(): Promise<void> {
  const data = new Map<string, string>([['key:1', 'value']]);
  const engine = await ScriptEngine.create({ call: mapCall(data) });
  const getSha = (engine.load(GET_SCRIPT) as { s: string }).s;
  const incrSha = (engine.load(INCR_SCRIPT) as { s: string }).s;
  const N = 200000;
  // Synchronous replies are not awaited through a Promise in the server; measure them raw.
  await timed('main thread: EVALSHA GET', N, () => { engine.evalsha(getSha, ['key:1'], []); });
  await timed('main thread: EVALSHA INCR', N, () => { engine.evalsha(incrSha, ['counter'], []); });

  const runner = await WorkerScriptRunner.start(mapCall(data), __filename);
  await runner.load(GET_SCRIPT);
  await runner.load(INCR_SCRIPT);
  const W = 20000;
  await timed('worker + Atomics bridge: EVALSHA GET', W, () => { runner.evalshaSync(getSha, ['key:1'], []); });
  await timed('worker + Atomics bridge: EVALSHA INCR', W, () => { runner.evalshaSync(incrSha, ['counter'], []); });
  await runner.stop();
  engine.close();
}

if (isMainThread) void main();
else void serveWorker();
