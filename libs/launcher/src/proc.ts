/**
 * One launched process on disk: its directory under the state dir holds a pid file, an exit file,
 * `ready`/`stopped` markers and its log. Our own servers run under a tiny detached `sh` that waits
 * for them and writes their exit code, so `status` can tell exited(2) from stopped after the
 * launcher itself has gone. Liveness checks the pid's command line, so a recycled pid of someone
 * else's process is never reported running, nor signalled.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export type ProcState = 'running' | 'starting' | 'stopped' | `exited(${number})`;

export interface ProcFiles {
  dir: string;
  pid: string;
  exit: string;
  ready: string;
  stopped: string;
}

export function procFiles(dir: string, pidFile?: string): ProcFiles {
  return {
    dir,
    pid: pidFile ?? path.join(dir, 'pid'),
    exit: path.join(dir, 'exit'),
    ready: path.join(dir, 'ready'),
    stopped: path.join(dir, 'stopped'),
  };
}

function readInt(file: string): number | undefined {
  try {
    const n = parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

export const readPid = (files: ProcFiles): number | undefined => readInt(files.pid);
export const readExit = (files: ProcFiles): number | undefined => readInt(files.exit);

/** The wrapper sh's own pid, beside the server's: it lives a moment after writing the exit file. */
const wrapperPidFile = (files: ProcFiles): string => `${files.pid}.sh`;

/** Resolves once the wrapper has written the exit code and is itself gone. */
async function wrapperDone(files: ProcFiles): Promise<void> {
  await waitFor(() => fs.existsSync(files.exit), 2000);
  // The wrapper's command line names the pid file, which no recycled pid's would.
  await waitFor(() => !pidAlive(readInt(wrapperPidFile(files)), files.pid), 2000);
}

/** Is `pid` alive and (where /proc exists) running a command line containing `marker`? */
export function pidAlive(pid: number | undefined, marker: string): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // A zombie has an empty command line: dead for our purposes.
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(marker);
  } catch {
    return !fs.existsSync('/proc/self'); // no procfs (not Linux): kill(0) is all we have
  }
}

export function procState(files: ProcFiles, marker: string): ProcState {
  if (pidAlive(readPid(files), marker)) return fs.existsSync(files.ready) ? 'running' : 'starting';
  if (fs.existsSync(files.stopped)) return 'stopped';
  const code = readExit(files);
  return code === undefined ? 'stopped' : `exited(${code})`;
}

/** Forgets the previous run's pid, exit code and markers before a start. */
export function clearRunFiles(files: ProcFiles): void {
  for (const f of [files.pid, wrapperPidFile(files), files.exit, files.ready, files.stopped]) fs.rmSync(f, { force: true });
}

// $1 pid file, $2 exit file, then the command. `wait` gives 128+signal for a killed child.
const WRAPPER = 'p="$1"; e="$2"; shift 2; "$@" & c=$!; echo $c > "$p.tmp" && mv "$p.tmp" "$p"; wait $c; echo $? > "$e.tmp"; mv "$e.tmp" "$e"';

/**
 * Starts `argv` detached (own session: the launcher's exit or Ctrl-C does not reach it), output
 * appended to `logFile`. Returns once the pid file exists.
 */
export async function spawnDetached(files: ProcFiles, argv: string[], logFile: string, env: NodeJS.ProcessEnv): Promise<number> {
  clearRunFiles(files);
  const fd = fs.openSync(logFile, 'a');
  try {
    const child = spawn('sh', ['-c', WRAPPER, 'sh', files.pid, files.exit, ...argv], { cwd: files.dir, env, detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid !== undefined) fs.writeFileSync(wrapperPidFile(files), `${child.pid}\n`);
    child.unref();
  } finally {
    fs.closeSync(fd);
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pid = readPid(files);
    if (pid) return pid;
    if (Date.now() > deadline) throw new Error(`no pid file ${files.pid} 10 s after spawning ${argv.join(' ')}`);
    await delay(20);
  }
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `cond` until true or the deadline; returns its last value. */
export async function waitFor(cond: () => boolean, ms: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (cond()) return true;
    if (Date.now() > deadline) return false;
    await delay(everyMs);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * SIGTERM, then SIGKILL once `graceMs` has passed; resolves when the process is gone (and, for a
 * wrapped process, once its exit code is written and the wrapper has exited). Returns how it ended.
 */
export async function stopProc(files: ProcFiles, marker: string, graceMs: number, wrapped: boolean): Promise<'not running' | 'terminated' | 'killed'> {
  const pid = readPid(files);
  // Only a process we stop is 'stopped': one that had already exited keeps its exited(code).
  if (!pid || !pidAlive(pid, marker)) return 'not running';
  fs.writeFileSync(files.stopped, `${new Date().toISOString()}\n`);
  signal(pid, 'SIGTERM');
  let how: 'terminated' | 'killed' = 'terminated';
  if (!(await waitFor(() => !pidAlive(pid, marker), graceMs))) {
    how = 'killed';
    signal(pid, 'SIGKILL');
    await waitFor(() => !pidAlive(pid, marker), 10_000);
  }
  if (wrapped) await wrapperDone(files);
  return how;
}

/** SIGKILL now (a crash, for tests); resolves once the process is gone and its exit is recorded. */
export async function killProc(files: ProcFiles, marker: string, wrapped: boolean): Promise<boolean> {
  const pid = readPid(files);
  if (!pid || !pidAlive(pid, marker)) return false;
  signal(pid, 'SIGKILL');
  await waitFor(() => !pidAlive(pid, marker), 10_000);
  // A backend's JVM has no wrapper to record how it ended; we know: 128 + SIGKILL, as sh reports it.
  if (wrapped) await wrapperDone(files);
  else fs.writeFileSync(files.exit, '137\n');
  return true;
}

/** The last `lines` lines of `file` written after byte `from` (what this run printed). */
export function tail(file: string, from = 0, lines = 15): string {
  let text: string;
  try {
    text = fs.readFileSync(file).subarray(from).toString('utf8');
  } catch {
    return '';
  }
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
