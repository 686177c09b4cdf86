/**
 * The store-server's settings on libs/config (one mechanism for every process): defaults, then an
 * ini file (--config), then environment variables, then flags. Flag names are those of
 * ARCHITECTURE.md (EloqKV's gflags names). Values libs/config cannot check by type alone (names
 * that become CQL identifiers, URLs, replication maps) are checked here, and every error names
 * the setting.
 */
import { ConfigError, loadConfig, type ConfigValues, type LoadOptions, type Setting } from '@strata/config';
import { KEYSPACE_PATTERN, replicationMap, type AdapterConfig } from '@strata/store';
import type { LogLevel } from './log';

export { ConfigError };

/**
 * Environment variables are STRATA_STORE_SERVER_<NAME>, not libs/config's default STRATA_<NAME>:
 * the kv-server has settings of the same names (port, ip, cass_hosts ...), and a STRATA_PORT meant
 * for it must not move a store-server started from the same shell.
 */
const ENV_PREFIX = 'STRATA_STORE_SERVER_';
const settings: Omit<Setting, 'env'>[] = [
  { name: 'config', type: 'string', default: '', help: 'An ini file with any of these settings.' },
  { name: 'store', type: 'enum', default: 'rocksdb', enumValues: ['rocksdb', 'cassandra', 'dynamodb'], help: 'Storage backend served.' },
  { name: 'ip', type: 'string', default: '127.0.0.1', help: 'Address the gRPC port listens on.' },
  { name: 'port', type: 'int', default: 9100, min: 0, max: 65535, help: 'gRPC port (0 picks a free port; the bound port is logged).' },
  { name: 'rocksdb_storage_path', type: 'string', default: './data/store', help: 'RocksDB directory (created if missing).' },
  { name: 'cass_hosts', type: 'string', default: '127.0.0.1', help: 'Cassandra contact points, comma separated.' },
  { name: 'cass_port', type: 'int', default: 9042, min: 1, max: 65535, help: 'Cassandra native protocol port.' },
  { name: 'cass_user', type: 'string', default: '', help: 'Cassandra user (empty: no authentication).' },
  { name: 'cass_password', type: 'string', default: '', help: 'Cassandra password.' },
  { name: 'cass_keyspace', type: 'string', default: 'strata', help: 'Cassandra keyspace (created on first use).' },
  { name: 'cass_keyspace_class', type: 'string', default: 'SimpleStrategy', help: 'Replication class of a created keyspace (SimpleStrategy, NetworkTopologyStrategy).' },
  { name: 'cass_keyspace_replication', type: 'string', default: "'replication_factor': 1", help: "Replication of a created keyspace: a number, or e.g. \"'dc1': 3, 'dc2': 2\"." },
  { name: 'cass_local_dc', type: 'string', default: 'datacenter1', help: 'Cassandra datacenter whose replicas are preferred (token-aware routing within it).' },
  { name: 'dynamo_endpoint', type: 'string', default: '', help: 'DynamoDB endpoint URL (DynamoDB Local or compatible); empty: the AWS regional endpoint.' },
  { name: 'dynamo_region', type: 'string', default: 'us-east-1', help: 'DynamoDB region.' },
  { name: 'dynamo_table', type: 'string', default: 'strata', help: 'DynamoDB table (created on first use, on-demand capacity).' },
  { name: 'log_level', type: 'enum', default: 'info', enumValues: ['debug', 'info', 'warn', 'error'], help: 'Lowest level of log lines written (JSON, one per line).' },
];

export const storeServerSchema: Setting[] = settings.map((s) => ({ ...s, env: `${ENV_PREFIX}${s.name.toUpperCase()}` }));

export interface StoreServerConfig {
  store: 'rocksdb' | 'cassandra' | 'dynamodb';
  ip: string;
  port: number;
  rocksdb_storage_path: string;
  cass_hosts: string[];
  cass_port: number;
  cass_user: string;
  cass_password: string;
  cass_keyspace: string;
  cass_keyspace_class: string;
  cass_keyspace_replication: string;
  cass_local_dc: string;
  dynamo_endpoint: string;
  dynamo_region: string;
  dynamo_table: string;
  log_level: LogLevel;
}

const DYNAMO_TABLE_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

/** Typed settings from loadConfig's values, with the checks a type alone cannot make. */
export function toStoreServerConfig(values: ConfigValues): StoreServerConfig {
  const str = (name: string): string => String(values[name]);
  const bad = (name: string, why: string): never => {
    throw new ConfigError(`invalid value '${str(name)}' for ${name}: ${why}`);
  };
  const config: StoreServerConfig = {
    store: str('store') as StoreServerConfig['store'],
    ip: str('ip'),
    port: values.port as number,
    rocksdb_storage_path: str('rocksdb_storage_path'),
    cass_hosts: str('cass_hosts').split(',').map((h) => h.trim()).filter(Boolean),
    cass_port: values.cass_port as number,
    cass_user: str('cass_user'),
    cass_password: str('cass_password'),
    cass_keyspace: str('cass_keyspace'),
    cass_keyspace_class: str('cass_keyspace_class'),
    cass_keyspace_replication: str('cass_keyspace_replication'),
    cass_local_dc: str('cass_local_dc').trim(),
    dynamo_endpoint: str('dynamo_endpoint').trim(),
    dynamo_region: str('dynamo_region').trim(),
    dynamo_table: str('dynamo_table'),
    log_level: str('log_level') as LogLevel,
  };
  if (!config.ip.trim()) bad('ip', 'must not be empty');
  // Only the settings of the chosen backend are checked: the others are never used.
  if (config.store === 'rocksdb' && !config.rocksdb_storage_path.trim()) bad('rocksdb_storage_path', 'must not be empty');
  if (config.store === 'cassandra') {
    if (config.cass_hosts.length === 0) bad('cass_hosts', 'needs at least one host');
    if (!KEYSPACE_PATTERN.test(config.cass_keyspace)) bad('cass_keyspace', `must match ${KEYSPACE_PATTERN}`);
    if (!config.cass_local_dc) bad('cass_local_dc', 'must not be empty');
    if (config.cass_password && !config.cass_user) bad('cass_password', 'is set but cass_user is empty');
    // Checked one at a time (with the other at a valid value) so the error names the right one.
    const check = (name: string, cls: string, replication: string) => {
      try {
        replicationMap(cls, replication);
      } catch (err) {
        bad(name, (err as Error).message);
      }
    };
    check('cass_keyspace_class', config.cass_keyspace_class, '1');
    check('cass_keyspace_replication', 'SimpleStrategy', config.cass_keyspace_replication);
  }
  if (config.store === 'dynamodb') {
    if (!DYNAMO_TABLE_PATTERN.test(config.dynamo_table)) bad('dynamo_table', `must match ${DYNAMO_TABLE_PATTERN}`);
    if (!config.dynamo_region) bad('dynamo_region', 'must not be empty');
    if (config.dynamo_endpoint && !/^https?:\/\/[^/\s]+/.test(config.dynamo_endpoint)) bad('dynamo_endpoint', 'expected a URL such as http://127.0.0.1:8000');
  }
  return config;
}

/**
 * Loads the settings from argv, the environment (STRATA_STORE_SERVER_*; the ini file may also be
 * named by STRATA_STORE_SERVER_CONFIG) and the ini file. Throws ConfigError naming the setting.
 */
export function loadStoreServerConfig(opts: LoadOptions): { config: StoreServerConfig; help: boolean } {
  // libs/config reads the ini file's name from STRATA_CONFIG; ours is STRATA_STORE_SERVER_CONFIG
  // (a kv-server's STRATA_CONFIG names a file full of settings the store-server does not have).
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(opts.env)) if (k.startsWith(ENV_PREFIX)) env[k] = v;
  if (opts.env[`${ENV_PREFIX}CONFIG`]) env.STRATA_CONFIG = opts.env[`${ENV_PREFIX}CONFIG`];
  const { values, help } = loadConfig(storeServerSchema, { ...opts, env });
  return { config: toStoreServerConfig(values), help };
}

export function adapterConfig(config: StoreServerConfig): AdapterConfig {
  switch (config.store) {
    case 'rocksdb':
      return { kind: 'rocksdb', path: config.rocksdb_storage_path };
    case 'cassandra':
      return {
        kind: 'cassandra',
        hosts: config.cass_hosts,
        port: config.cass_port,
        user: config.cass_user || undefined,
        password: config.cass_password || undefined,
        keyspace: config.cass_keyspace,
        keyspaceClass: config.cass_keyspace_class,
        keyspaceReplication: config.cass_keyspace_replication,
        localDataCenter: config.cass_local_dc,
      };
    case 'dynamodb':
      return { kind: 'dynamodb', endpoint: config.dynamo_endpoint || undefined, region: config.dynamo_region, table: config.dynamo_table };
  }
}
