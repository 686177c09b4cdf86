// While the dataset loads, the port is open and clients get -LOADING for every command not flagged
// 'loading' (INFO, AUTH, HELLO, SELECT ... still work). In process, so the load can be held at a
// chosen moment instead of racing it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '@strata/config';
import { createLogger } from '@strata/telemetry';
import { kvServerSchema } from '../src/config';
import { attachDataStore } from '../src/data-store';
import { KvServer } from '../src/server';
import { plain, RawClient } from './harness';

jest.setTimeout(60_000);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-kv-loading-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('-LOADING until the dataset is loaded; INFO shows loading:1 then loading:0', async () => {
  const settings = loadConfig(kvServerSchema, {
    argv: ['--port=0', '--enable_data_store=true', `--data_path=${tmp}`, '--checkpoint_interval=3600'],
    env: {},
    readFile: (p) => fs.readFileSync(p, 'utf8'),
  }).values;
  const lines: string[] = [];
  const log = createLogger('kv-server', { write: (l) => lines.push(l) });
  const server = new KvServer(settings, kvServerSchema, log);
  await server.init();
  const tx = await attachDataStore(server, log);
  // A stored key, written straight to the store as an earlier run's checkpoint would have.
  server.keyspace.dbs[0].set('k', 'stored');
  await tx.checkpoint('seed');
  server.keyspace.dbs[0].flush();
  tx.tracker.ops.length = 0;
  expect(tx.loading).toBe(true);

  const port = await server.listen();
  const c = await RawClient.connect(port);
  try {
    expect(plain(await c.command('PING'))).toEqual(new Error('LOADING StrataKV is loading the dataset in memory'));
    expect(plain(await c.command('GET', 'k'))).toEqual(new Error('LOADING StrataKV is loading the dataset in memory'));
    expect(plain(await c.command('SELECT', '1'))).toBe('OK');
    expect(plain(await c.command('INFO', 'persistence'))).toContain('loading:1\r\n');

    tx.writer = 'node-test';
    await tx.load();
    expect(plain(await c.command('INFO', 'persistence'))).toContain('loading:0\r\n');
    expect(plain(await c.command('PING'))).toBe('PONG');
    expect(plain(await c.command('SELECT', '0'))).toBe('OK');
    expect(plain(await c.command('GET', 'k'))).toBe('stored');
    expect(lines.some((l) => l.includes('"msg":"dataset loaded"') && l.includes('"keys":1'))).toBe(true);
  } finally {
    c.close();
    await server.close();
    await tx.close();
  }
});
