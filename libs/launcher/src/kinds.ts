/**
 * What the launcher knows about each kind of process: how it is started, how its readiness is
 * probed, where its data goes, and its place in the start order. Adding a kind is adding an entry.
 */

export const KINDS = ['kv-server', 'store-server', 'log-server', 'cassandra', 'dynamodb'] as const;
export type Kind = (typeof KINDS)[number];

/** How readiness is known: a RESP PING, gRPC health SERVING, or the backend script's own exit 0. */
export type Probe = 'resp' | 'grpc-health' | 'script';

export interface KindInfo {
  /** The app bundle (dist/apps/<app>/main.js) for our own processes. */
  app?: 'kv-server' | 'store-server' | 'log-server';
  /** The tools/backends script for real backends (it daemonizes the JVM and waits for it). */
  script?: 'cassandra.sh' | 'dynamodb.sh';
  probe: Probe;
  /** Start order: backends, then log/store servers, then kv-servers (depends_on can only delay). */
  rank: number;
  /** Seconds to wait for readiness unless the topology says ready_timeout_s. */
  readyTimeoutS: number;
  /** Does the process take --ip/--port flags from the launcher (log-servers listen at conf[node_id]). */
  listenFlags: boolean;
  /** The flag naming the process's data directory (prepended; the topology's flags may override it). */
  dataFlag?: (dataDir: string) => string;
  /** Port inside a container of the generated docker-compose files, when the topology leaves it free. */
  composePort: number;
}

export const KIND_INFO: Record<Kind, KindInfo> = {
  'kv-server': {
    app: 'kv-server',
    probe: 'resp',
    rank: 2,
    readyTimeoutS: 60,
    listenFlags: true,
    dataFlag: (d) => `--data_path=${d}`,
    composePort: 6379,
  },
  'store-server': {
    app: 'store-server',
    probe: 'grpc-health',
    rank: 1,
    readyTimeoutS: 60,
    listenFlags: true,
    dataFlag: (d) => `--rocksdb_storage_path=${d}/rocksdb`,
    composePort: 9100,
  },
  'log-server': {
    app: 'log-server',
    probe: 'grpc-health',
    rank: 1,
    readyTimeoutS: 60,
    listenFlags: false,
    dataFlag: (d) => `--storage_path=${d}`,
    composePort: 9201,
  },
  // Cassandra needs most of a minute on a shared 2-core machine; cassandra.sh has its own 240 s.
  cassandra: { script: 'cassandra.sh', probe: 'script', rank: 0, readyTimeoutS: 300, listenFlags: false, composePort: 9042 },
  dynamodb: { script: 'dynamodb.sh', probe: 'script', rank: 0, readyTimeoutS: 150, listenFlags: false, composePort: 8000 },
};

export function isKind(k: unknown): k is Kind {
  return typeof k === 'string' && (KINDS as readonly string[]).includes(k);
}
