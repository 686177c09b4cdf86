/** Starts the built store-server as a real child process and finds its port from its JSON logs. */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import path from 'path';
import readline from 'readline';

export const ROOT = path.join(__dirname, '../../..');
const MAIN = path.join(ROOT, 'dist/apps/store-server/main.js');

export function buildStoreServer(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'tools/build.js'), 'store-server'], { cwd: ROOT, stdio: 'inherit' });
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  address: string;
  logs: Record<string, unknown>[];
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
}

const running = new Set<ChildProcess>();

/** Spawns the server and waits (up to timeoutMs) for its 'serving' log line. */
export async function startServer(args: string[], timeoutMs = 20_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN, '--ip=127.0.0.1', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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
  const port = await new Promise<number>((resolve, reject) => {
    let listening = 0;
    const timer = setTimeout(() => reject(new Error(`store-server did not serve within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        entry = { unparsed: line };
      }
      logs.push(entry);
      if (entry.msg === 'listening') listening = entry.port as number;
      if (entry.msg === 'serving') {
        clearTimeout(timer);
        resolve(listening);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`store-server exited (${code}) before serving; stderr: ${stderr}; logs: ${JSON.stringify(logs)}`));
    });
  });
  return { child, port, address: `127.0.0.1:${port}`, logs, exited };
}

export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
  return server.exited;
}

/** For afterAll: no child outlives the tests, even after a failure. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Polls a condition until it holds or the deadline passes. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
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
