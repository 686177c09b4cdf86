/** Starts built log-server processes on free loopback ports; always kills them afterwards. */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { appendFileSync } from 'fs';
import net from 'net';
import path from 'path';
import readline from 'readline';

export const ROOT = path.join(__dirname, '../../..');
const MAIN = path.join(ROOT, 'dist/apps/log-server/main.js');

export function buildLogServer(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'tools/build.js'), 'log-server'], { cwd: ROOT, stdio: 'inherit' });
}

/** Ports the OS says are free now (bound to port 0, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export interface LogServerProcess {
  child: ChildProcess;
  nodeId: number;
  address: string;
  logs: Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<number | string>;
}

const running = new Set<ChildProcess>();

/** Spawns one server and waits for its 'serving' log line. */
export async function startLogServer(args: string[], timeoutMs = 20_000, logFile?: string): Promise<LogServerProcess> {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? -1);
    }),
  );
  let address = '';
  let nodeId = -1;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`log-server did not serve within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        entry = { unparsed: line };
      }
      logs.push(entry);
      if (logFile) appendFileSync(logFile, line + '\n');
      if (entry.msg === 'serving') {
        address = String(entry.address);
        nodeId = Number(entry.node_id);
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`log-server exited (${code}) before serving; stderr: ${stderr}`));
    });
  });
  return { child, nodeId, address, logs, stderr: () => stderr, exited };
}

/** Runs the server expecting it to exit at once (bad flags); returns code and stderr. */
export function runToExit(args: string[]): Promise<{ code: number | string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code: code ?? signal ?? -1, stderr });
    });
  });
}

export async function kill9(p: LogServerProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await p.exited;
}

/** For afterAll/afterEach: no child outlives the tests, even after a failure. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** A 3-server cluster: conf flags shared, one storage dir per server. */
export class Cluster {
  readonly servers: (LogServerProcess | undefined)[] = [];
  /** Node ids this cluster killed, in order: a test can check it took down only what it meant to. */
  readonly kills: number[] = [];

  constructor(
    readonly ports: number[],
    readonly storageRoot: string,
    readonly extraArgs: (nodeId: number) => string[] = () => [],
  ) {}

  get addresses(): string[] {
    return this.ports.map((p) => `127.0.0.1:${p}`);
  }

  args(nodeId: number, extra: string[] = []): string[] {
    // Short ticks keep failovers quick in tests.
    return [`--conf=${this.addresses.join(',')}`, `-node_id=${nodeId}`, `--storage_path=${path.join(this.storageRoot, `n${nodeId}`)}`, '--tick_ms=20', '--election_tick=25', ...this.extraArgs(nodeId), ...extra];
  }

  async start(nodeId: number, extra: string[] = []): Promise<LogServerProcess> {
    const p = await startLogServer(this.args(nodeId, extra), 20_000, process.env.LOG_SERVER_TEST_LOGS ? path.join(process.env.LOG_SERVER_TEST_LOGS, `n${nodeId}.log`) : undefined);
    this.servers[nodeId] = p;
    return p;
  }

  async startAll(): Promise<void> {
    await Promise.all(this.ports.map((_, i) => this.start(i)));
  }

  async kill(nodeId: number): Promise<void> {
    const p = this.servers[nodeId];
    if (p) {
      this.kills.push(nodeId);
      if (process.env.LOG_SERVER_TEST_LOGS) appendFileSync(path.join(process.env.LOG_SERVER_TEST_LOGS, 'kills.log'), `${new Date().toISOString()} kill -9 n${nodeId} (${p.address})\n`);
      await kill9(p);
    }
    this.servers[nodeId] = undefined;
  }

  killAll(): void {
    for (const p of this.servers) if (p) p.child.kill('SIGKILL');
  }
}

/** Polls a condition until it holds or the deadline passes. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(lastError ?? 'condition false')}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
