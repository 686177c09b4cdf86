import { ConfigError, helpText, loadConfig, parseBytes, type Setting } from '@strata/config';

const schema: Setting[] = [
  { name: 'config', type: 'string', default: '', help: 'ini file' },
  { name: 'ip', type: 'string', default: '127.0.0.1', help: 'address' },
  { name: 'port', type: 'int', default: 6379, min: 0, max: 65535, help: 'port' },
  { name: 'enable_wal', type: 'bool', default: false, help: 'wal' },
  { name: 'proto_max_bulk_len', type: 'bytes', default: 512 * 1024 * 1024, help: 'bulk', redisName: 'proto-max-bulk-len' },
  { name: 'maxmemory_policy', type: 'enum', default: 'noeviction', enumValues: ['noeviction', 'allkeys-lru'], help: 'policy' },
];

const files: Record<string, string> = {
  'a.ini': '[local]\nip=0.0.0.0\nport = 7000\n# comment\n[store]\nenable_wal=true\n',
  'bad.ini': '[local]\nnonsense=1\n',
};
const load = (argv: string[], env: Record<string, string> = {}) =>
  loadConfig(schema, { argv, env, readFile: (p) => { if (!(p in files)) throw new Error('ENOENT'); return files[p]; } });

test('defaults, then ini, then env, then flags', () => {
  expect(load([]).values).toMatchObject({ ip: '127.0.0.1', port: 6379, enable_wal: false });
  expect(load(['--config=a.ini']).values).toMatchObject({ ip: '0.0.0.0', port: 7000, enable_wal: true });
  expect(load(['--config', 'a.ini'], { STRATA_PORT: '7100' }).values.port).toBe(7100);
  expect(load(['-config=a.ini', '-port=7200'], { STRATA_PORT: '7100' }).values.port).toBe(7200);
  expect(load(['--port', '7300']).values.port).toBe(7300);
  expect(load(['--enable_wal']).values.enable_wal).toBe(true);
  expect(load(['--proto-max-bulk-len=1mb']).values.proto_max_bulk_len).toBe(1024 * 1024);
});

test('bad values and unknown keys are errors that name the key', () => {
  expect(() => load(['--port=abc'])).toThrow(/port/);
  expect(() => load(['--port=70000'])).toThrow(/port: must be <= 65535/);
  expect(() => load(['--nope=1'])).toThrow(ConfigError);
  expect(() => load(['--config=bad.ini'])).toThrow(/nonsense/);
  expect(() => load(['--config=missing.ini'])).toThrow(/cannot read config file 'missing.ini'/);
  expect(() => load(['--enable_wal=maybe'])).toThrow(/enable_wal/);
  expect(() => load(['--maxmemory_policy=lru'])).toThrow(/one of noeviction, allkeys-lru/);
  expect(() => load(['stray'])).toThrow(/unexpected argument/);
});

test('help lists every setting with its env var', () => {
  const h = helpText('kv-server', schema);
  for (const s of schema) expect(h).toContain(`--${s.name}=`);
  expect(h).toContain('STRATA_PROTO_MAX_BULK_LEN');
  expect(load(['--help']).help).toBe(true);
  expect(parseBytes('2gb')).toBe(2 * 1024 ** 3);
  expect(parseBytes('12x')).toBeNull();
});
