/**
 * up / down / status / kill / restart / logs over a state dir. Every wait polls with a deadline and
 * reports progress through `out`; a process that exits while starting fails at once with the tail
 * of what it printed (a kv-server's refusal of a stage, a port clash ...).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LaunchError } from './errors';
import { KIND_INFO } from './kinds';
import { HOST, PortAssignment, planCluster } from './plan';
import { delay, fileSize, killProc, pidAlive, procState, ProcState, readExit, readPid, spawnDetached, stopProc, tail, clearRunFiles } from './proc';
import { freePorts, HealthProbe, portInUse, protoDirOf, respPing } from './probe';
import { ClusterState, filesOf, findProcess, isWrapped, ProcessRecord, readState, writeState } from './state';
import { loadTopology } from './topology';

export interface LauncherOptions {
  /** The repository root (dist/, tools/, proto/); found from this file's location by default. */
  root?: string;
  /** Progress and result lines. */
  out?: (line: string) => void;
  /** Seconds between SIGTERM and SIGKILL in down/restart (default 10). */
  graceS?: number;
  /** Build the app bundles with tools/build.js before `up` (default true). */
  build?: boolean;
  /** After a failed `up`, leave the processes that did start running (default: stop them). */
  keepOnFailure?: boolean;
  /** Base of the default state dir ./.cluster/<name> (default: process.cwd()). */
  cwd?: string;
}

export { LaunchError };

export interface ProcessStatus {
  name: string;
  kind: string;
  pid: number | undefined;
  addr: string;
  state: ProcState;
}

const PROGRESS_EVERY_MS = 5000;

export function findRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'tools/build.js')) && fs.existsSync(path.join(dir, 'proto'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`repository root (tools/build.js, proto/) not found above ${from}`);
  }
}

const addrOf = (r: ProcessRecord) => `${r.host}:${r.port}`;

/** Starts every process of the topology file in dependency order and waits until each is ready. */
export async function up(file: string, stateDirOpt: string | undefined, opts: LauncherOptions = {}): Promise<ClusterState> {
  const out = opts.out ?? (() => undefined);
  const root = opts.root ?? findRoot();
  const topo = loadTopology(file);
  const stateDir = path.resolve(stateDirOpt ?? path.join(opts.cwd ?? process.cwd(), '.cluster', topo.name));
  const previous = readState(stateDir);
  const alive = previous?.processes.filter((p) => pidAlive(readPid(filesOf(p)), p.marker)) ?? [];
  if (alive.length) throw new LaunchError(`cluster '${previous?.name}' in ${stateDir} is already up (${alive.map((p) => p.name).join(', ')} running); run down first`);

  const ports = await assignPorts(topo.processes, previous);
  const state = planCluster(topo, root, stateDir, ports);
  out(`cluster '${state.name}' from ${file}, state dir ${stateDir}`);

  const apps = [...new Set(state.processes.map((p) => KIND_INFO[p.kind].app).filter((a): a is NonNullable<typeof a> => !!a))];
  if (opts.build !== false && apps.length) {
    out(`building ${apps.join(', ')}`);
    const r = spawnSync(process.execPath, [path.join(root, 'tools/build.js'), ...apps], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new LaunchError(`build failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  }
  for (const p of state.processes) fs.mkdirSync(p.dataDir, { recursive: true });
  writeState(stateDir, state);

  const started: ProcessRecord[] = [];
  const levels = new Map<number, ProcessRecord[]>();
  for (const p of state.processes) levels.set(p.level, [...(levels.get(p.level) ?? []), p]);
  for (const level of [...levels.keys()].sort((a, b) => a - b)) {
    const group = levels.get(level) as ProcessRecord[];
    started.push(...group);
    const results = await Promise.allSettled(group.map((p) => startOne(state, p, out)));
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${group[i].name}: ${(r.reason as Error).message}`] : []));
    if (failures.length) {
      if (!opts.keepOnFailure) {
        out('stopping what was started');
        await stopAll(started, opts.graceS ?? 10, out);
      }
      throw new LaunchError(failures.join('\n'));
    }
  }
  out(`cluster '${state.name}' is up:`);
  for (const s of status(stateDir)) out(formatStatus(s));
  return state;
}

/** Ports: fixed ones from the file, else the ones recorded by an earlier `up`, else free ones. */
async function assignPorts(specs: { name: string; kind: string; port: number }[], previous: ClusterState | undefined): Promise<Map<string, PortAssignment>> {
  const out = new Map<string, PortAssignment>();
  const taken = new Set<number>();
  const old = new Map(previous?.processes.map((p) => [p.name, p]) ?? []);
  for (const s of specs) {
    const before = old.get(s.name)?.kind === s.kind ? old.get(s.name) : undefined;
    const port = s.port || before?.port || 0;
    const storagePort = s.kind === 'cassandra' ? before?.storagePort ?? 0 : undefined;
    for (const p of [port, storagePort ?? 0]) {
      if (p && (await portInUse(p))) {
        throw new LaunchError(`port ${p} of process '${s.name}' is in use${s.port ? '' : ' (recorded by an earlier up; down --purge forgets it)'}`);
      }
      if (p) taken.add(p);
    }
    out.set(s.name, { port, storagePort });
  }
  const missing = [...out.values()].reduce((n, a) => n + (a.port ? 0 : 1) + (a.storagePort === 0 ? 1 : 0), 0);
  const fresh = await freePorts(missing, taken);
  for (const a of out.values()) {
    if (!a.port) a.port = fresh.shift() as number;
    if (a.storagePort === 0) a.storagePort = fresh.shift() as number;
  }
  return out;
}

async function startOne(state: ClusterState, p: ProcessRecord, out: (line: string) => void): Promise<void> {
  const files = filesOf(p);
  fs.mkdirSync(p.dataDir, { recursive: true });
  const from = fileSize(p.logFile);
  fs.appendFileSync(p.logFile, `--- cluster: ${new Date().toISOString()} starting ${p.name}: ${p.argv.join(' ')}\n`);
  const t0 = Date.now();
  const env = { ...process.env, ...p.env };
  if (isWrapped(p)) {
    const pid = await spawnDetached(files, p.argv, p.logFile, env);
    out(`[${p.name}] ${p.kind} starting on ${addrOf(p)} (pid ${pid}, log ${p.logFile})`);
    await waitReady(state, p, t0, from, out);
  } else {
    clearRunFiles(files);
    out(`[${p.name}] ${p.kind} starting on ${addrOf(p)} via tools/backends/${KIND_INFO[p.kind].script} (log ${p.logFile})`);
    await runScript(p, env, from, out);
  }
  fs.writeFileSync(files.ready, `${new Date().toISOString()}\n`);
  out(`[${p.name}] ready at ${addrOf(p)} after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

async function waitReady(state: ClusterState, p: ProcessRecord, t0: number, logFrom: number, out: (line: string) => void): Promise<void> {
  const files = filesOf(p);
  const pid = readPid(files);
  const health = p.probe === 'grpc-health' ? new HealthProbe(protoDirOf(state.root), addrOf(p)) : undefined;
  const deadline = t0 + p.readyTimeoutS * 1000;
  let nextReport = t0 + PROGRESS_EVERY_MS;
  let last = 'no answer yet';
  try {
    for (;;) {
      if (!pidAlive(pid, p.marker)) {
        // The wrapper writes the exit code right after the process ends.
        for (let i = 0; i < 40 && readExit(files) === undefined; i++) await delay(25);
        const code = readExit(files);
        throw new LaunchError(`failed to start: ${code === undefined ? 'exited' : `exited(${code})`}: ${tail(p.logFile, logFrom).replace(/^--- cluster:.*\n?/m, '') || '(no output)'}`);
      }
      if (health) {
        last = await health.check();
        if (last === 'SERVING') return;
      } else if (await respPing(p.host, p.port)) {
        return;
      } else {
        last = 'no PONG yet';
      }
      const now = Date.now();
      if (now > deadline) {
        throw new LaunchError(`not ready within ${p.readyTimeoutS}s (${last}); last output:\n${tail(p.logFile, logFrom)}`);
      }
      if (now >= nextReport) {
        out(`[${p.name}] waiting (${Math.round((now - t0) / 1000)}s): ${last}`);
        nextReport = now + PROGRESS_EVERY_MS;
      }
      await delay(100);
    }
  } finally {
    health?.close();
  }
}

/** A backend script starts its JVM detached and exits 0 once the backend answers. */
function runScript(p: ProcessRecord, env: NodeJS.ProcessEnv, logFrom: number, out: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(p.argv[0], p.argv.slice(1), { cwd: p.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = fs.createWriteStream(p.logFile, { flags: 'a' });
    const forward = (chunk: Buffer) => {
      log.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) out(`[${p.name}] ${line}`);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    const timer = setTimeout(() => child.kill('SIGTERM'), p.readyTimeoutS * 1000);
    child.on('error', (e) => reject(new LaunchError(`failed to start: ${e.message}`)));
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      log.end(() => {
        if (code === 0 && pidAlive(readPid(filesOf(p)), p.marker)) resolve();
        else reject(new LaunchError(`failed to start: ${sig ? `script ended by ${sig} after ${p.readyTimeoutS}s` : `exited(${code})`}: ${tail(p.logFile, logFrom)}`));
      });
    });
  });
}

async function stopAll(procs: ProcessRecord[], graceS: number, out: (line: string) => void): Promise<void> {
  // Reverse start order: kv-servers first, so nothing runs without what it depends on.
  const levels = [...new Set(procs.map((p) => p.level))].sort((a, b) => b - a);
  for (const level of levels) {
    await Promise.all(
      procs
        .filter((p) => p.level === level)
        .map(async (p) => {
          const how = await stopProc(filesOf(p), p.marker, graceS * 1000, isWrapped(p));
          out(`[${p.name}] ${how === 'not running' ? 'was not running' : how}`);
        }),
    );
  }
}

export function loadCluster(stateDir: string): ClusterState {
  const state = readState(stateDir);
  if (!state) throw new LaunchError(`no cluster in ${stateDir} (no state.json; run up first)`);
  return state;
}

export async function down(stateDir: string, opts: LauncherOptions & { purge?: boolean } = {}): Promise<void> {
  const state = loadCluster(stateDir);
  await stopAll(state.processes, opts.graceS ?? 10, opts.out ?? (() => undefined));
  if (opts.purge) fs.rmSync(stateDir, { recursive: true, force: true });
}

export function status(stateDir: string): ProcessStatus[] {
  return loadCluster(stateDir).processes.map((p) => ({ name: p.name, kind: p.kind, pid: readPid(filesOf(p)), addr: addrOf(p), state: procState(filesOf(p), p.marker) }));
}

export function formatStatus(s: ProcessStatus): string {
  return `${s.name.padEnd(12)} ${String(s.pid ?? '-').padEnd(8)} ${s.addr.padEnd(22)} ${s.state}`;
}

export async function kill(stateDir: string, name: string): Promise<boolean> {
  const p = findProcess(loadCluster(stateDir), name);
  return killProc(filesOf(p), p.marker, isWrapped(p));
}

/** Stops the process if it runs, then starts it again with the same command line and port. */
export async function restart(stateDir: string, name: string, opts: LauncherOptions = {}): Promise<void> {
  const state = loadCluster(stateDir);
  const p = findProcess(state, name);
  const out = opts.out ?? (() => undefined);
  await stopProc(filesOf(p), p.marker, (opts.graceS ?? 10) * 1000, isWrapped(p));
  await startOne(state, p, out);
}

export function logs(stateDir: string, name: string): string {
  const p = findProcess(loadCluster(stateDir), name);
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
  const own = read(p.logFile);
  return p.extraLogFile ? `${own}--- ${p.extraLogFile}\n${read(p.extraLogFile)}` : own;
}

export { HOST };
