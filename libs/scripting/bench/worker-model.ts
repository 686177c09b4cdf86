/**
 * Prototype of model (b): the Lua engine in a worker thread; redis.call crosses to the main
 * thread synchronously. Shared memory layout: Int32 control words, then a byte area holding one
 * JSON message at a time (argv or reply). States of ctrl[STATE]:
 *   IDLE → RUN (main asks the worker to run a script) → CALL (worker asks main to run a command)
 *   → REPLY (main answered) → ... → DONE (worker's result is in the byte area) → IDLE.
 * The main thread here waits synchronously (Atomics.wait) for the whole script: the fast path
 * of this model. A server would switch to Atomics.waitAsync after a slice to answer BUSY.
 */
import { Worker, workerData, parentPort } from 'worker_threads';
import type { RespValue } from '@strata/resp';
import { ScriptEngine } from '../src';

const STATE = 0;
const LENGTH = 1;
const IDLE = 0;
const RUN = 1;
const CALL = 2;
const REPLY = 3;
const DONE = 4;
const HEADER = 16;
const SIZE = 1 << 20;

function write(sab: SharedArrayBuffer, ctrl: Int32Array, value: unknown): void {
  const bytes = Buffer.from(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)), 'latin1');
  Buffer.from(sab, HEADER, SIZE - HEADER).set(bytes);
  ctrl[LENGTH] = bytes.length;
}

function read<T>(sab: SharedArrayBuffer, ctrl: Int32Array): T {
  return JSON.parse(Buffer.from(sab, HEADER, ctrl[LENGTH]).toString('latin1')) as T;
}

function waitWhile(ctrl: Int32Array, ...states: number[]): number {
  for (;;) {
    const s = Atomics.load(ctrl, STATE);
    if (!states.includes(s)) return s;
    Atomics.wait(ctrl, STATE, s);
  }
}

function setState(ctrl: Int32Array, s: number): void {
  Atomics.store(ctrl, STATE, s);
  Atomics.notify(ctrl, STATE);
}

export class WorkerScriptRunner {
  private constructor(
    private readonly worker: Worker,
    private readonly sab: SharedArrayBuffer,
    private readonly ctrl: Int32Array,
    private readonly call: (argv: string[]) => RespValue,
  ) {}

  static async start(call: (argv: string[]) => RespValue, entry: string): Promise<WorkerScriptRunner> {
    const sab = new SharedArrayBuffer(SIZE);
    const worker = new Worker(entry, { workerData: sab });
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));
    return new WorkerScriptRunner(worker, sab, new Int32Array(sab, 0, 4), call);
  }

  /** Runs one request in the worker, serving its redis.call requests on this thread. */
  private request(message: unknown): RespValue {
    const { sab, ctrl } = this;
    write(sab, ctrl, message);
    setState(ctrl, RUN);
    for (;;) {
      const s = waitWhile(ctrl, RUN, REPLY);
      if (s === CALL) {
        write(sab, ctrl, this.call(read<string[]>(sab, ctrl)));
        setState(ctrl, REPLY);
      } else if (s === DONE) {
        const reply = read<RespValue>(sab, ctrl);
        Atomics.store(ctrl, STATE, IDLE);
        return reply;
      }
    }
  }

  async load(body: string): Promise<RespValue> {
    return this.request({ load: body });
  }

  evalshaSync(sha: string, keys: string[], args: string[]): RespValue {
    return this.request({ sha, keys, args });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/** The worker side: an engine whose call() blocks on the shared memory until main answers. */
export async function serveWorker(): Promise<void> {
  const sab = workerData as SharedArrayBuffer;
  const ctrl = new Int32Array(sab, 0, 4);
  const engine = await ScriptEngine.create({
    call: (argv) => {
      write(sab, ctrl, argv);
      setState(ctrl, CALL);
      waitWhile(ctrl, CALL);
      return read<RespValue>(sab, ctrl);
    },
  });
  parentPort?.postMessage('ready');
  for (;;) {
    waitWhile(ctrl, IDLE, DONE, CALL, REPLY);
    const msg = read<{ load?: string; sha?: string; keys?: string[]; args?: string[] }>(sab, ctrl);
    const reply = msg.load !== undefined ? engine.load(msg.load) : await engine.evalsha(msg.sha ?? '', msg.keys ?? [], msg.args ?? []);
    write(sab, ctrl, reply);
    setState(ctrl, DONE);
  }
}
