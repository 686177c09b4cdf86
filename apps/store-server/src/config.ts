/**
 * Flags of the store-server: one table of {name, default, help, parse}. Accepts --name=value,
 * -name=value (as gflags does) and --name value; a boolean flag may stand alone (--help).
 * To be folded into libs/config when that exists.
 */
import type { AdapterConfig } from '@strata/store';

interface FlagSpec<T> {
  name: string;
  default: T;
  help: string;
  parse: (raw: string) => T;
}

const text = (raw: string): string => raw;
const bool = (raw: string): boolean => {
  if (['true', '1', 'yes', ''].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new Error(`expected true or false, got '${raw}'`);
};
const port = (raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`expected a port 0..65535, got '${raw}'`);
  return n;
};
const oneOf =
  <T extends string>(...values: T[]) =>
  (raw: string): T => {
    if (!(values as string[]).includes(raw)) throw new Error(`expected one of ${values.join(', ')}, got '${raw}'`);
    return raw as T;
  };

const FLAGS = {
  help: { name: 'help', default: false, help: 'print this list and exit', parse: bool },
  store: { name: 'store', default: 'rocksdb' as 'rocksdb' | 'cassandra' | 'dynamodb', help: 'storage backend: rocksdb | cassandra | dynamodb', parse: oneOf('rocksdb', 'cassandra', 'dynamodb') },
  ip: { name: 'ip', default: '127.0.0.1', help: 'address to listen on', parse: text },
  port: { name: 'port', default: 9100, help: 'gRPC port (0 = any free port; the bound port is logged)', parse: port },
  rocksdb_storage_path: { name: 'rocksdb_storage_path', default: './data/store', help: 'RocksDB directory (created if missing)', parse: text },
  cass_hosts: { name: 'cass_hosts', default: '127.0.0.1', help: 'Cassandra contact points, comma separated', parse: text },
  cass_port: { name: 'cass_port', default: 9042, help: 'Cassandra native protocol port', parse: port },
  cass_user: { name: 'cass_user', default: '', help: 'Cassandra user (empty: no authentication)', parse: text },
  cass_password: { name: 'cass_password', default: '', help: 'Cassandra password', parse: text },
  cass_keyspace: { name: 'cass_keyspace', default: 'strata', help: 'Cassandra keyspace (created on first use)', parse: text },
  cass_keyspace_class: { name: 'cass_keyspace_class', default: 'SimpleStrategy', help: 'replication class of a created keyspace', parse: text },
  cass_keyspace_replication: { name: 'cass_keyspace_replication', default: "'replication_factor': 1", help: 'replication options of a created keyspace', parse: text },
  dynamo_endpoint: { name: 'dynamo_endpoint', default: '', help: 'DynamoDB endpoint URL (DynamoDB Local or compatible; empty: AWS)', parse: text },
  dynamo_region: { name: 'dynamo_region', default: 'us-east-1', help: 'DynamoDB region', parse: text },
  dynamo_table: { name: 'dynamo_table', default: 'strata', help: 'DynamoDB table (created on first use, on-demand capacity)', parse: text },
  log_level: { name: 'log_level', default: 'info' as 'debug' | 'info' | 'warn' | 'error', help: 'least severe level logged: debug | info | warn | error', parse: oneOf('debug', 'info', 'warn', 'error') },
} satisfies Record<string, FlagSpec<unknown>>;

type Flags = typeof FLAGS;
export type StoreServerConfig = { [K in keyof Flags]: Flags[K]['default'] };

export class ConfigError extends Error {}

export function parseArgs(argv: string[]): StoreServerConfig {
  const config = Object.fromEntries(Object.entries(FLAGS).map(([k, spec]) => [k, spec.default])) as StoreServerConfig;
  const specs = FLAGS as Record<string, FlagSpec<unknown>>;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--?([A-Za-z0-9_-]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!match) throw new ConfigError(`unexpected argument '${arg}' (flags are --name=value)`);
    const name = match[1].replace(/-/g, '_');
    const spec = specs[name];
    if (!spec) throw new ConfigError(`unknown flag '${arg}' (--help lists the flags)`);
    let raw = match[2];
    if (raw === undefined) {
      const next = argv[i + 1];
      if (typeof spec.default === 'boolean' && (next === undefined || next.startsWith('-'))) raw = '';
      else if (next === undefined) throw new ConfigError(`flag --${name} needs a value`);
      else raw = argv[++i];
    }
    try {
      (config as Record<string, unknown>)[name] = spec.parse(raw);
    } catch (err) {
      throw new ConfigError(`flag --${name}: ${(err as Error).message}`);
    }
  }
  return config;
}

export function helpText(): string {
  const lines = Object.values(FLAGS as Record<string, FlagSpec<unknown>>).map((s) => `  --${s.name.padEnd(28)} ${s.help} (default: ${JSON.stringify(s.default)})`);
  return ['usage: npm run store-server -- [--name=value ...]', '', ...lines].join('\n');
}

export function adapterConfig(config: StoreServerConfig): AdapterConfig {
  switch (config.store) {
    case 'rocksdb':
      return { kind: 'rocksdb', path: config.rocksdb_storage_path };
    case 'cassandra':
      return {
        kind: 'cassandra',
        hosts: config.cass_hosts.split(',').map((h) => h.trim()).filter(Boolean),
        port: config.cass_port,
        user: config.cass_user || undefined,
        password: config.cass_password || undefined,
        keyspace: config.cass_keyspace,
        keyspaceClass: config.cass_keyspace_class,
        keyspaceReplication: config.cass_keyspace_replication,
      };
    case 'dynamodb':
      return { kind: 'dynamodb', endpoint: config.dynamo_endpoint || undefined, region: config.dynamo_region, table: config.dynamo_table };
  }
}
