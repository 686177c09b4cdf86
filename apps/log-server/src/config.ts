/**
 * Flags of the log-server (libs/config: --name=value, -name=value, --name value, ini file via
 * --config, STRATA_* environment variables). EloqKV's log-server names: conf, node_id,
 * start_log_group_id, storage_path.
 */
import { ConfigError, type ConfigValues, type Setting } from '@strata/config';

export const logServerSchema: Setting[] = [
  { name: 'config', type: 'string', default: '', help: 'ini file with settings (flags win over it)' },
  { name: 'conf', type: 'string', default: '', help: 'host:port of every replica of the bootstrapped group(s), comma separated (required)' },
  { name: 'node_id', type: 'int', default: 0, min: 0, help: "this process's index in --conf; it listens on that host:port" },
  { name: 'start_log_group_id', type: 'int', default: 0, min: 0, help: 'id of the first log group bootstrapped from --conf' },
  { name: 'log_group_count', type: 'int', default: 1, min: 1, max: 1024, help: 'groups bootstrapped from --conf (ids start_log_group_id, +1, ...)' },
  { name: 'storage_path', type: 'string', default: './data/log', help: 'directory of the replicas (group-<id>/ each); flags only bootstrap empty storage' },
  { name: 'tick_ms', type: 'int', default: 50, min: 1, max: 10_000, help: 'milliseconds per Raft tick' },
  { name: 'election_tick', type: 'int', default: 10, min: 2, help: 'ticks without a leader before an election (randomized up to twice that)' },
  { name: 'heartbeat_tick', type: 'int', default: 1, min: 1, help: 'ticks between leader heartbeats' },
  { name: 'snapshot_entries', type: 'int', default: 50_000, min: 1, help: 'snapshot and compact the Raft log after this many applied entries' },
  { name: 'log_level', type: 'enum', default: 'info', enumValues: ['debug', 'info', 'warn', 'error'], help: 'least severe level logged' },
  {
    name: 'fault_inject',
    type: 'string',
    default: '',
    help: 'TEST ONLY: wrap the WAL file layer with faults: enospc_after_bytes:N (disk full once the WALs hold N bytes) or eio_fsync_after_bytes:N (every fsync fails once N bytes were written)',
  },
];

export interface Endpoint {
  host: string;
  port: number;
}

export interface LogServerConfig {
  conf: Endpoint[];
  nodeId: number;
  startGroupId: number;
  groupCount: number;
  storagePath: string;
  tickMs: number;
  electionTick: number;
  heartbeatTick: number;
  snapshotEntries: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  faultInject: { kind: 'enospc_after_bytes' | 'eio_fsync_after_bytes'; bytes: number } | undefined;
}

function parseEndpoint(raw: string): Endpoint {
  const m = /^(.+):(\d+)$/.exec(raw.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new ConfigError(`invalid value '${raw}' in conf: expected host:port`);
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port };
}

/** Checks what the schema cannot (conf syntax, node_id in range, the fault spec). */
export function toLogServerConfig(v: ConfigValues): LogServerConfig {
  const confText = String(v.conf).trim();
  if (!confText) throw new ConfigError('missing required setting conf (e.g. --conf=127.0.0.1:9201,127.0.0.1:9202,127.0.0.1:9203)');
  const conf = confText.split(',').map(parseEndpoint);
  const nodeId = Number(v.node_id);
  if (nodeId >= conf.length) throw new ConfigError(`invalid value '${nodeId}' for node_id: conf lists ${conf.length} servers (0..${conf.length - 1})`);
  if (Number(v.heartbeat_tick) >= Number(v.election_tick)) throw new ConfigError('invalid value for heartbeat_tick: must be less than election_tick');
  let faultInject: LogServerConfig['faultInject'];
  const fault = String(v.fault_inject).trim();
  if (fault) {
    const m = /^(enospc_after_bytes|eio_fsync_after_bytes):(\d+)$/.exec(fault);
    if (!m) throw new ConfigError(`invalid value '${fault}' for fault_inject: expected enospc_after_bytes:N or eio_fsync_after_bytes:N`);
    faultInject = { kind: m[1] as 'enospc_after_bytes' | 'eio_fsync_after_bytes', bytes: Number(m[2]) };
  }
  return {
    conf,
    nodeId,
    startGroupId: Number(v.start_log_group_id),
    groupCount: Number(v.log_group_count),
    storagePath: String(v.storage_path),
    tickMs: Number(v.tick_ms),
    electionTick: Number(v.election_tick),
    heartbeatTick: Number(v.heartbeat_tick),
    snapshotEntries: Number(v.snapshot_entries),
    logLevel: v.log_level as LogServerConfig['logLevel'],
    faultInject,
  };
}

export function addressOf(e: Endpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
