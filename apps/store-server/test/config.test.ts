/** Flags of the store-server on libs/config: names, defaults, checks naming the setting, exit 2. */
import { spawnSync } from 'child_process';
import path from 'path';
import { adapterConfig, ConfigError, loadStoreServerConfig } from '../src/config';
import { buildStoreServer, ROOT } from './harness';

const load = (argv: string[], env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}) =>
  loadStoreServerConfig({
    argv,
    env,
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT: ${p}`);
      return files[p];
    },
  });

describe('store-server config', () => {
  it('takes every flag of ARCHITECTURE.md and builds the Cassandra adapter config from them', () => {
    const { config } = load([
      '--store=cassandra',
      '--ip=0.0.0.0',
      '--port',
      '9200',
      '--cass_hosts=10.0.0.1, 10.0.0.2',
      '--cass_port=9043',
      '--cass_user=u',
      '--cass_password=p',
      '--cass_keyspace=ks1',
      '--cass_keyspace_class=NetworkTopologyStrategy',
      "--cass_keyspace_replication='dc1': 3",
      '--cass_local_dc=dc1',
    ]);
    expect(config).toMatchObject({ store: 'cassandra', ip: '0.0.0.0', port: 9200 });
    expect(adapterConfig(config)).toEqual({
      kind: 'cassandra',
      hosts: ['10.0.0.1', '10.0.0.2'],
      port: 9043,
      user: 'u',
      password: 'p',
      keyspace: 'ks1',
      keyspaceClass: 'NetworkTopologyStrategy',
      keyspaceReplication: "'dc1': 3",
      localDataCenter: 'dc1',
    });
  });

  it('defaults: rocksdb on 127.0.0.1:9100, cass_local_dc datacenter1', () => {
    const { config, help } = load([]);
    expect(help).toBe(false);
    expect(config).toMatchObject({ store: 'rocksdb', ip: '127.0.0.1', port: 9100, cass_local_dc: 'datacenter1', rocksdb_storage_path: './data/store' });
    expect(adapterConfig(config)).toEqual({ kind: 'rocksdb', path: './data/store' });
  });

  it('dynamodb flags; -name=value as gflags takes it', () => {
    const { config } = load(['-store=dynamodb', '-dynamo_endpoint=http://127.0.0.1:8000', '-dynamo_region=eu-west-1', '-dynamo_table=tbl_1']);
    expect(adapterConfig(config)).toEqual({ kind: 'dynamodb', endpoint: 'http://127.0.0.1:8000', region: 'eu-west-1', table: 'tbl_1' });
  });

  it('ini file, then STRATA_STORE_SERVER_* variables, then flags; a kv-server STRATA_PORT is ignored', () => {
    const files = { '/etc/s.ini': '[store]\nstore=dynamodb\nport=9300\ndynamo_table=from_ini\n' };
    const { config } = load(['--config=/etc/s.ini', '--dynamo_table=from_flag'], { STRATA_PORT: '1', STRATA_STORE_SERVER_DYNAMO_REGION: 'ap-south-1' }, files);
    expect(config).toMatchObject({ store: 'dynamodb', port: 9300, dynamo_region: 'ap-south-1', dynamo_table: 'from_flag' });
    const viaEnv = load([], { STRATA_CONFIG: '/nope.ini', STRATA_STORE_SERVER_CONFIG: '/etc/s.ini' }, files);
    expect(viaEnv.config.port).toBe(9300);
  });

  it.each([
    [['--port=70000'], /port: must be <= 65535/],
    [['--port=x'], /for port: expected an integer/],
    [['--store=redis'], /for store: expected one of rocksdb, cassandra, dynamodb/],
    [['--store=cassandra', '--cass_keyspace=no-dash'], /for cass_keyspace: must match/],
    [['--store=cassandra', '--cass_keyspace_replication=1}; DROP'], /for cass_keyspace_replication:/],
    [['--store=cassandra', '--cass_keyspace_class=a b'], /for cass_keyspace_class:/],
    [['--store=cassandra', '--cass_hosts= , '], /for cass_hosts: needs at least one host/],
    [['--store=cassandra', '--cass_local_dc='], /for cass_local_dc: must not be empty/],
    [['--store=cassandra', '--cass_port=0'], /for cass_port: must be >= 1/],
    [['--store=dynamodb', '--dynamo_table=x'], /for dynamo_table: must match/],
    [['--store=dynamodb', '--dynamo_endpoint=localhost:8000'], /for dynamo_endpoint: expected a URL/],
    [['--no_such_flag=1'], /unknown setting 'no_such_flag'/],
    [['--cass_port'], /--cass_port needs a value/],
  ])('rejects %j with an error naming the setting', (argv, message) => {
    expect(() => load(argv)).toThrow(ConfigError);
    expect(() => load(argv)).toThrow(message);
  });

  describe('as a process', () => {
    beforeAll(() => buildStoreServer(), 60_000);
    const main = path.join(ROOT, 'dist/apps/store-server/main.js');

    it('exits 2 on a bad value, naming the setting on stderr', () => {
      const r = spawnSync(process.execPath, [main, '--store=cassandra', '--cass_keyspace=bad-name'], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^store-server: invalid value 'bad-name' for cass_keyspace/);
    });

    it('--help lists every setting with its environment variable and exits 0', () => {
      const r = spawnSync(process.execPath, [main, '--help'], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(0);
      for (const name of ['store', 'ip', 'port', 'cass_hosts', 'cass_port', 'cass_user', 'cass_password', 'cass_keyspace', 'cass_keyspace_class', 'cass_keyspace_replication', 'cass_local_dc', 'rocksdb_storage_path', 'dynamo_endpoint', 'dynamo_region', 'dynamo_table']) {
        expect(r.stdout).toContain(`--${name}=<`);
        expect(r.stdout).toContain(`STRATA_STORE_SERVER_${name.toUpperCase()}`);
      }
    });
  });
});
