// The kv-server as a process: clean shutdown on SIGTERM, --help, and bad flags rejected at start.
import { spawnSync } from 'child_process';
import { kvServerSchema } from '../src/config';
import { KV_MAIN, RawClient, startKvServer } from './harness';

test('SIGTERM with clients connected: a clean exit 0', async () => {
  const server = await startKvServer();
  const c = await RawClient.connect(server.port);
  try {
    expect(await c.command('SET', 'k', 'v')).toEqual({ t: 'simple', s: 'OK' });
    server.proc.kill('SIGTERM');
    const { code, signal } = await server.exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    await c.waitClosed();
    expect(server.output()).toContain('"msg":"shutting down"');
  } finally {
    c.close();
    await server.stop();
  }
});

test('--help lists every flag and exits 0', () => {
  const r = spawnSync(process.execPath, [KV_MAIN, '--help'], { encoding: 'utf8', timeout: 15_000 });
  expect(r.status).toBe(0);
  for (const s of kvServerSchema) expect(r.stdout).toContain(`--${s.name}=`);
  expect(kvServerSchema.length).toBeGreaterThan(10);
});

test.each([
  ['--port=abc', 'port'],
  ['--port=70000', 'port'],
  ['--databases=0', 'databases'],
  ['--log_level=loud', 'log_level'],
])('a bad value (%s) exits 2 naming the key', (flag, key) => {
  const r = spawnSync(process.execPath, [KV_MAIN, flag], { encoding: 'utf8', timeout: 15_000 });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(key);
  expect(r.stdout).not.toContain('ready to accept connections');
});

test('an unknown flag is rejected at start', () => {
  const r = spawnSync(process.execPath, [KV_MAIN, '--no_such_flag=1'], { encoding: 'utf8', timeout: 15_000 });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('no_such_flag');
});
