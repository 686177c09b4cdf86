/**
 * The state dir of one cluster (default ./.cluster/<topology name>/): state.json records what `up`
 * resolved (ports, command lines, files), so `restart` reuses the same ports and flags, and a
 * second `up` after `down` finds its data (and log-servers their peers) at the same addresses.
 *
 *   state.json
 *   <process>/pid, exit, ready, stopped   (see proc.ts)
 *   <process>/<process>.log               stdout and stderr
 *   <process>/data/                       the process's data directory
 */
import * as fs from 'fs';
import * as path from 'path';
import { LaunchError } from './errors';
import { Kind, KIND_INFO, Probe } from './kinds';
import { procFiles, ProcFiles } from './proc';

export interface ProcessRecord {
  name: string;
  kind: Kind;
  level: number;
  host: string;
  port: number;
  /** Cassandra's internode port: a node restarted on its data keeps its identity only with it. */
  storagePort?: number;
  dir: string;
  dataDir: string;
  logFile: string;
  /** The backend's own log (Cassandra's, DynamoDB Local's), shown by `logs` after ours. */
  extraLogFile?: string;
  /** For a backend: the pid file its script writes; ours: <dir>/pid. */
  pidFile: string;
  /** Text the process's command line contains: a pid is ours only if it matches. */
  marker: string;
  probe: Probe;
  readyTimeoutS: number;
  argv: string[];
  env: Record<string, string>;
}

export interface ClusterState {
  version: 1;
  name: string;
  topologyFile: string;
  root: string;
  processes: ProcessRecord[];
}

export const STATE_FILE = 'state.json';

export function readState(stateDir: string): ClusterState | undefined {
  const file = path.join(stateDir, STATE_FILE);
  if (!fs.existsSync(file)) return undefined;
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as ClusterState;
  if (state.version !== 1 || !Array.isArray(state.processes)) throw new LaunchError(`${file}: not a state file of this launcher`);
  return state;
}

export function writeState(stateDir: string, state: ClusterState): void {
  fs.mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, STATE_FILE);
  fs.writeFileSync(file + '.tmp', JSON.stringify(state, null, 2) + '\n');
  fs.renameSync(file + '.tmp', file);
}

export function filesOf(rec: ProcessRecord): ProcFiles {
  return procFiles(rec.dir, rec.pidFile);
}

export const isWrapped = (rec: ProcessRecord): boolean => KIND_INFO[rec.kind].script === undefined;

export function findProcess(state: ClusterState, name: string): ProcessRecord {
  const rec = state.processes.find((p) => p.name === name);
  if (!rec) throw new LaunchError(`no process '${name}' in cluster '${state.name}' (processes: ${state.processes.map((p) => p.name).join(', ')})`);
  return rec;
}
