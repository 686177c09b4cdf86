// End-to-end harness: the built kv-server (and redis-server, for the differential tests) as real
// child processes on free ports, and a raw-socket client that reads replies byte for byte.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as net from 'net';
import * as path from 'path';
import * as fs from 'fs';
import { parseReply, type RespValue } from '@strata/resp';

export const ROOT = path.join(__dirname, '../../..');
export const KV_MAIN = path.join(ROOT, 'dist/apps/kv-server/main.js');

export interface ServerProcess {
  readonly port: number;
  readonly proc: ChildProcess;
  /** Resolves once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** Kills the process (SIGKILL after a grace period) and waits for it. Safe to call twice. */
  stop(): Promise<void>;
}

/** Every process the harness started, so a forgotten stop() still cannot leak one. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

function track(proc: ChildProcess): ServerProcess['exited'] {
  running.add(proc);
  return new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    });
  });
}

function makeStop(proc: ChildProcess, exited: ServerProcess['exited']): () => Promise<void> {
  return async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
}

/** A polled deadline: resolves when check() returns a value, rejects when time runs out. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts dist/apps/kv-server/main.js with --port=0 and reads the bound port from its JSON
 * "ready to accept connections" log line.
 */
export async function startKvServer(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  if (!fs.existsSync(KV_MAIN)) throw new Error(`${KV_MAIN} is missing: run node tools/build.js kv-server`);
  const proc = spawn(process.execPath, [KV_MAIN, '--port=0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = track(proc);
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kv-server did not start:\n${out}`)), 15_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const rec = JSON.parse(line) as { msg?: string; port?: number };
          if (rec.msg === 'ready to accept connections' && typeof rec.port === 'number') {
            clearTimeout(timer);
            resolve(rec.port);
            return;
          }
        } catch {
          // a partial line: wait for the rest
        }
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exited.then(({ code }) => reject(new Error(`kv-server exited with ${code} before it was ready:\n${out}`)));
  });
  return { port, proc, exited, output: () => out, stop: makeStop(proc, exited) };
}

export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/** A port that was free a moment ago (for redis-server, which cannot report one it picked). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts redis-server without persistence on a free port and waits until it answers PING. */
export async function startRedisServer(extra: string[] = []): Promise<ServerProcess> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = track(proc);
    let out = '';
    proc.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    const server: ServerProcess = { port, proc, exited, output: () => out, stop: makeStop(proc, exited) };
    try {
      await waitFor('redis-server to answer', async () => {
        if (proc.exitCode !== null) throw new Error(`redis-server exited: ${out}`);
        try {
          const c = await RawClient.connect(port);
          const r = await c.command('PING');
          c.close();
          return r;
        } catch {
          return undefined;
        }
      });
      return server;
    } catch (e) {
      await server.stop();
      // Someone else took the port between our probe and redis-server's bind: try another.
      if (attempt >= 3) throw e;
    }
  }
}

/** RESP multibulk encoding of one command; strings are taken as latin1 (one char per byte). */
export function encode(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/**
 * A client on a plain socket: writes whatever bytes a test gives it and cuts the incoming stream
 * into replies with libs/resp's decoder, keeping each reply's raw bytes.
 */
export class RawClient {
  private buf: Buffer = Buffer.alloc(0);
  private closedFlag = false;
  private wake: (() => void) | null = null;
  proto: 2 | 3 = 2;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (c: Buffer) => {
      this.buf = this.buf.length === 0 ? c : Buffer.concat([this.buf, c]);
      this.notify();
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.notify();
    });
    // A reset from a server that closed on us is expected in the protocol tests.
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => {
        s.off('error', reject);
        resolve(new RawClient(s));
      });
      s.on('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Bytes received and not yet consumed as replies. */
  get pending(): Buffer {
    return this.buf;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private waitForChange(deadline: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = null;
        reject(new Error(`timed out waiting for ${what}; have ${JSON.stringify(this.buf.toString('latin1').slice(0, 200))}`));
      }, Math.max(0, deadline - Date.now()));
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  send(...args: (string | Buffer)[]): void {
    this.write(encode(args));
  }

  /** The raw bytes of the next n replies (each reply's bytes separately). */
  async readRaw(n = 1, timeoutMs = 10_000): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs;
    const out: Buffer[] = [];
    while (out.length < n) {
      const r = this.buf.length > 0 ? parseReply(this.buf, 0, this.proto) : null;
      if (r !== null) {
        out.push(this.buf.subarray(0, r.next));
        this.buf = this.buf.subarray(r.next);
        continue;
      }
      if (this.closedFlag) throw new Error(`connection closed after ${out.length} of ${n} replies`);
      await this.waitForChange(deadline, `${n} replies`);
    }
    return out;
  }

  async read(n = 1, timeoutMs?: number): Promise<RespValue[]> {
    const raws = await this.readRaw(n, timeoutMs);
    return raws.map((b) => (parseReply(b, 0, this.proto) as { value: RespValue }).value);
  }

  async command(...args: (string | Buffer)[]): Promise<RespValue> {
    this.send(...args);
    return (await this.read(1))[0];
  }

  /** Resolves once the server has closed the connection (rejects at the deadline). */
  async waitClosed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closedFlag) await this.waitForChange(deadline, 'the server to close the connection');
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Flattens a reply into plain JS for readable expectations: bulk/simple → string, int → number. */
export function plain(v: RespValue): unknown {
  switch (v.t) {
    case 'simple':
    case 'bulk':
      return v.s;
    case 'error':
      return new Error(v.s);
    case 'int':
      return typeof v.n === 'bigint' ? v.n : v.n;
    case 'null':
      return null;
    case 'array':
    case 'set':
    case 'push':
      return v.items.map(plain);
    case 'map': {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < v.items.length; i += 2) o[String(plain(v.items[i]))] = plain(v.items[i + 1]);
      return o;
    }
    default:
      return v;
  }
}
