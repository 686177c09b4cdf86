/**
 * From a topology and its ports to the exact processes `up` runs: command lines with every
 * ${...} resolved, data directories, pid and log files. Pure apart from the paths it names, so the
 * process list of a stage can be tested without starting it.
 */
import * as path from 'path';
import { KIND_INFO } from './kinds';
import type { ClusterState, ProcessRecord } from './state';
import { resolveRefs, startLevels, Topology, TopologyError } from './topology';

export const HOST = '127.0.0.1';

export interface PortAssignment {
  port: number;
  storagePort?: number;
}

export function planCluster(topo: Topology, root: string, stateDir: string, ports: Map<string, PortAssignment>, env: NodeJS.ProcessEnv = process.env): ClusterState {
  const dirOf = (name: string) => path.join(stateDir, name);
  const lookup = (name: string) => ({ host: HOST, port: (ports.get(name) as PortAssignment).port, dataDir: path.join(dirOf(name), 'data') });
  const levels = startLevels(topo.processes, topo.file);
  const processes: ProcessRecord[] = [];
  levels.forEach((level, li) => {
    for (const spec of level) {
      const info = KIND_INFO[spec.kind];
      const dir = dirOf(spec.name);
      const { port, storagePort } = ports.get(spec.name) as PortAssignment;
      const dataDir = path.join(dir, 'data');
      const flags = spec.flags.map((f) => resolveRefs(f, spec.name, lookup));
      const base = {
        name: spec.name,
        kind: spec.kind,
        level: li,
        host: HOST,
        port,
        dir,
        dataDir,
        logFile: path.join(dir, `${spec.name}.log`),
        probe: info.probe,
        readyTimeoutS: spec.readyTimeoutS,
      };
      if (info.app) {
        const bundle = path.join(root, 'dist/apps', info.app, 'main.js');
        const launcherFlags = [...(info.listenFlags ? [`--ip=${HOST}`, `--port=${port}`] : []), ...(info.dataFlag ? [info.dataFlag(dataDir)] : [])];
        if (spec.kind === 'log-server') checkLogServer(topo, spec.name, flags, port);
        processes.push({ ...base, pidFile: path.join(dir, 'pid'), marker: bundle, argv: [process.execPath, bundle, ...launcherFlags, ...flags], env: {} });
      } else {
        const script = info.script as string;
        const backend = script.replace(/\.sh$/, '');
        const args = ['start', '--port', String(port), ...(storagePort ? ['--storage-port', String(storagePort)] : [])];
        if (spec.kind === 'dynamodb') args.push('--db-path', path.join(dataDir, 'db'));
        processes.push({
          ...base,
          storagePort,
          // The script keeps its state (pid file, JVM log, Cassandra's data) under STRATA_BACKENDS_DIR.
          pidFile: path.join(dataDir, backend, 'pid'),
          extraLogFile: path.join(dataDir, backend, `${backend}.log`),
          marker: spec.kind === 'cassandra' ? 'CassandraDaemon' : 'LoopbackDynamoDB',
          argv: ['bash', path.join(root, 'tools/backends', script), ...args],
          env: { STRATA_BACKENDS_DIR: dataDir, ...pick(env, ['STRATA_BACKENDS_CACHE', 'STRATA_CASSANDRA_HEAP', 'STRATA_DYNAMODB_HEAP']) },
        });
      }
    }
  });
  return { version: 1, name: topo.name, topologyFile: path.resolve(topo.file), root, processes };
}

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) if (env[n] !== undefined) out[n] = env[n] as string;
  return out;
}

/**
 * A log-server listens at conf[node_id]; a conf that does not name its own port would leave it
 * listening where nobody (and no probe) looks.
 */
function checkLogServer(topo: Topology, name: string, flags: string[], port: number): void {
  const value = (flag: string) => {
    const f = [...flags].reverse().find((x) => new RegExp(`^--?${flag}=`).test(x));
    return f?.slice(f.indexOf('=') + 1);
  };
  const conf = value('conf');
  if (!conf) throw new TopologyError(`${topo.file}: process '${name}': a log-server needs --conf=\${log-0.addr},... (its group's servers)`);
  const nodeId = Number(value('node_id') ?? '0');
  const own = conf.split(',')[nodeId]?.trim();
  if (own !== `${HOST}:${port}`) {
    throw new TopologyError(`${topo.file}: process '${name}': --conf entry ${nodeId} (--node_id) is '${own ?? 'missing'}', not its own address ${HOST}:${port}; write --conf with \${NAME.addr} references`);
  }
}
