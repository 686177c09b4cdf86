/**
 * createAdapter(config) picks an adapter by kind. Adapters register themselves with
 * registerAdapter when their module loads; createAdapter loads the module of a kind on first use
 * (so the heavy drivers — cassandra-driver, the AWS SDK — load only in processes that use them).
 */
import type { StorageAdapter } from './adapter';
import { StoreError } from './errors';

export type AdapterKind = StorageAdapter['kind'];

export interface RocksdbAdapterConfig {
  kind: 'rocksdb';
  /** Directory of the database; created if missing. */
  path: string;
}

export interface CassandraAdapterConfig {
  kind: 'cassandra';
  hosts: string[];
  port: number;
  user?: string;
  password?: string;
  keyspace: string;
  /** e.g. 'SimpleStrategy' or 'NetworkTopologyStrategy' (cass_keyspace_class). */
  keyspaceClass: string;
  /** e.g. "'replication_factor': 3" or "'dc1': 3" (cass_keyspace_replication). */
  keyspaceReplication: string;
  /** Datacenter whose replicas are preferred (cass_local_dc); default 'datacenter1'. */
  localDataCenter?: string;
}

export interface DynamodbAdapterConfig {
  kind: 'dynamodb';
  /** For DynamoDB Local or a compatible service; absent = the AWS regional endpoint. */
  endpoint?: string;
  region: string;
  table: string;
}

export type AdapterConfig = RocksdbAdapterConfig | CassandraAdapterConfig | DynamodbAdapterConfig;
export type ConfigOf<K extends AdapterKind> = Extract<AdapterConfig, { kind: K }>;
export type AdapterFactory<K extends AdapterKind> = (config: ConfigOf<K>) => StorageAdapter;

const factories = new Map<AdapterKind, (config: AdapterConfig) => StorageAdapter>();

export function registerAdapter<K extends AdapterKind>(kind: K, factory: AdapterFactory<K>): void {
  factories.set(kind, factory as (config: AdapterConfig) => StorageAdapter);
}

/**
 * Loads the module that registers a kind. The require() calls are literal so that esbuild bundles
 * them into the apps; inside try/catch, esbuild tolerates a module that does not exist yet.
 */
function loadModule(kind: AdapterKind): string | undefined {
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    if (kind === 'rocksdb') require('./rocksdb');
    else if (kind === 'cassandra') require('./cassandra');
    else if (kind === 'dynamodb') require('./dynamodb');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'MODULE_NOT_FOUND') throw err;
    return (err as Error).message.split('\n')[0];
  }
  return undefined;
}

/** Returns an adapter that is not yet open: call open() before use. */
export function createAdapter(config: AdapterConfig): StorageAdapter {
  const loadError = factories.has(config.kind) ? undefined : loadModule(config.kind);
  const factory = factories.get(config.kind);
  if (!factory) {
    const cause = loadError ? `: ${loadError}` : '';
    throw new StoreError('FAILED_PRECONDITION', `no storage adapter is available for kind '${config.kind}'${cause}`);
  }
  return factory(config);
}

export function registeredAdapterKinds(): AdapterKind[] {
  return [...factories.keys()];
}
