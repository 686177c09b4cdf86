// The data store stage with real processes: --enable_data_store=true checkpoints dirty keys to
// RocksDB (in process, or in a store-server) and loads them at start, so an acknowledged write
// survives kill -9 up to the last checkpoint and a clean shutdown entirely.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KV_MAIN, plain, RawClient, startKvServer, waitFor, type ServerProcess } from './harness';
import { buildStoreServer, killAll as killStoreServers, startServer as startStoreServer, stopServer as stopStoreServer } from '../../store-server/test/harness';

jest.setTimeout(120_000);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-kv-data-store-'));
const servers: ServerProcess[] = [];
const clients: RawClient[] = [];

afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.stop();
  killStoreServers();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function start(args: string[]): Promise<{ srv: ServerProcess; c: RawClient }> {
  const srv = await startKvServer(args);
  servers.push(srv);
  const c = await RawClient.connect(srv.port);
  clients.push(c);
  return { srv, c };
}

async function cmd(c: RawClient, ...args: string[]): Promise<unknown> {
  const r = plain(await c.command(...args));
  if (r instanceof Error) throw r;
  return r;
}

async function persistence(c: RawClient): Promise<Record<string, string>> {
  const text = (await cmd(c, 'INFO', 'persistence')) as string;
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Polls INFO until a checkpoint has stored every dirty key and table operation. */
async function checkpointed(c: RawClient): Promise<Record<string, string>> {
  return waitFor(
    'a checkpoint covering every write',
    async () => {
      const p = await persistence(c);
      return p.checkpoint_dirty_keys === '0' && p.checkpoint_pending_table_ops === '0' ? p : undefined;
    },
    30_000,
  );
}

function logLines(srv: ServerProcess): Record<string, unknown>[] {
  return srv
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function kill9(srv: ServerProcess): Promise<void> {
  srv.proc.kill('SIGKILL');
  const { signal } = await srv.exited;
  expect(signal).toBe('SIGKILL');
}

/** Writes every type, TTLs, a delete, FLUSHDB and SWAPDB; waits for them to be checkpointed. */
async function writeDataset(c: RawClient): Promise<void> {
  await cmd(c, 'SET', 'str', 'hello');
  await cmd(c, 'SET', 'str:ttl', 'bye', 'EX', '5000');
  await cmd(c, 'HSET', 'hash', 'f1', 'v1', 'f2', 'v2');
  await cmd(c, 'RPUSH', 'list', 'a', 'b', 'c');
  await cmd(c, 'SADD', 'set', 'x', 'y', '42');
  await cmd(c, 'ZADD', 'zset', '1', 'one', '2.5', 'two');
  await cmd(c, 'PEXPIRE', 'zset', '7000000');
  await cmd(c, 'SET', 'deleted', 'soon');
  await cmd(c, 'SELECT', '1');
  await cmd(c, 'SET', 'flushed', 'x');
  await cmd(c, 'SELECT', '2');
  await cmd(c, 'SET', 'swapped', 'from-2');
  await cmd(c, 'SELECT', '0');
  // Stored first, so that the delete and the flush must be stored as well to disappear.
  await checkpointed(c);
  await cmd(c, 'DEL', 'deleted');
  await cmd(c, 'HSET', 'hash', 'f3', 'v3');
  await cmd(c, 'SELECT', '1');
  await cmd(c, 'FLUSHDB');
  await cmd(c, 'SET', 'after-flush', 'y');
  await cmd(c, 'SWAPDB', '2', '3');
  await cmd(c, 'SELECT', '0');
}

async function checkDataset(c: RawClient): Promise<void> {
  expect(await cmd(c, 'GET', 'str')).toBe('hello');
  expect(await cmd(c, 'GET', 'str:ttl')).toBe('bye');
  const ttl = (await cmd(c, 'TTL', 'str:ttl')) as number;
  expect(ttl).toBeGreaterThan(4000);
  expect(ttl).toBeLessThanOrEqual(5000);
  expect(await cmd(c, 'TTL', 'str')).toBe(-1);
  expect(await cmd(c, 'HGETALL', 'hash')).toEqual(['f1', 'v1', 'f2', 'v2', 'f3', 'v3']);
  expect(await cmd(c, 'LRANGE', 'list', '0', '-1')).toEqual(['a', 'b', 'c']);
  expect(((await cmd(c, 'SMEMBERS', 'set')) as string[]).sort()).toEqual(['42', 'x', 'y']);
  expect(await cmd(c, 'ZRANGE', 'zset', '0', '-1', 'WITHSCORES')).toEqual(['one', '1', 'two', '2.5']);
  const pttl = (await cmd(c, 'PTTL', 'zset')) as number;
  expect(pttl).toBeGreaterThan(6_000_000);
  expect(await cmd(c, 'EXISTS', 'deleted')).toBe(0);
  expect(await cmd(c, 'DBSIZE')).toBe(6);
  await cmd(c, 'SELECT', '1');
  expect(await cmd(c, 'KEYS', '*')).toEqual(['after-flush']);
  await cmd(c, 'SELECT', '2');
  expect(await cmd(c, 'DBSIZE')).toBe(0);
  await cmd(c, 'SELECT', '3');
  expect(await cmd(c, 'GET', 'swapped')).toBe('from-2');
  await cmd(c, 'SELECT', '0');
}

test('kill -9 after a checkpoint: every key, TTL, delete, FLUSHDB and SWAPDB is there after a restart', async () => {
  const dataPath = path.join(tmp, 'kill9');
  const args = ['--enable_data_store=true', `--data_path=${dataPath}`, '--checkpoint_interval=1'];
  const first = await start(args);
  const p0 = await persistence(first.c);
  expect(p0).toMatchObject({ loading: '0', data_store_enabled: '1', data_store: 'rocksdb', loading_loaded_keys: '0' });
  await writeDataset(first.c);
  const p = await checkpointed(first.c);
  expect(Number(p.checkpoint_completed)).toBeGreaterThanOrEqual(2);
  expect(Number(p.checkpoint_last_ts)).toBeGreaterThan(0);
  expect(fs.existsSync(path.join(dataPath, 'rocksdb'))).toBe(true);
  await checkDataset(first.c);
  await kill9(first.srv);

  const second = await start(args);
  const p2 = await persistence(second.c);
  expect(p2.loading).toBe('0');
  expect(p2.loading_loaded_keys).toBe('8');
  expect(p2.checkpoint_dirty_keys).toBe('0');
  await checkDataset(second.c);
  // Writes after the restart carry commit timestamps above the stored ones: an overwrite wins.
  await cmd(second.c, 'SET', 'str', 'second');
  await checkpointed(second.c);
  await kill9(second.srv);
  const third = await start(args);
  expect(await cmd(third.c, 'GET', 'str')).toBe('second');
  await third.srv.stop();
});

test('SIGTERM checkpoints everything without waiting for the interval', async () => {
  const dataPath = path.join(tmp, 'sigterm');
  const args = ['--enable_data_store=true', `--data_path=${dataPath}`, '--checkpoint_interval=3600'];
  const first = await start(args);
  for (let i = 0; i < 1200; i++) first.c.send('SET', `key:${i}`, `value:${i}`);
  await first.c.read(1200);
  await cmd(first.c, 'HSET', 'h', 'a', '1');
  const p = await persistence(first.c);
  expect(p.checkpoint_dirty_keys).toBe('1201');
  expect(p.checkpoint_completed).toBe('0');
  first.srv.proc.kill('SIGTERM');
  const { code } = await first.srv.exited;
  expect(code).toBe(0);
  const done = logLines(first.srv).find((l) => l.msg === 'checkpoint done' && l.reason === 'shutdown');
  expect(done).toMatchObject({ keys: 1201 });

  const second = await start(args);
  expect(await cmd(second.c, 'DBSIZE')).toBe(1201);
  expect(await cmd(second.c, 'GET', 'key:1199')).toBe('value:1199');
  expect(await cmd(second.c, 'HGET', 'h', 'a')).toBe('1');
  await second.srv.stop();
});

test('a stream cannot be stored yet: it stays dirty, is reported, and the server keeps serving', async () => {
  const dataPath = path.join(tmp, 'stream');
  const { srv, c } = await start(['--enable_data_store=true', `--data_path=${dataPath}`, '--checkpoint_interval=1']);
  await cmd(c, 'XADD', 'events', '*', 'f', 'v');
  await cmd(c, 'SET', 'plain', 'v');
  const p = await waitFor('a checkpoint that met the stream', async () => {
    const info = await persistence(c);
    return info.checkpoint_unencodable_keys === '1' ? info : undefined;
  });
  expect(p.checkpoint_dirty_keys).toBe('1');
  expect(await cmd(c, 'XLEN', 'events')).toBe(1);
  expect(srv.output()).toContain('cannot be stored yet');
  await srv.stop();
});

test('enable_wal is refused until the WAL stage lands, and without a data store', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [KV_MAIN, '--port=0', ...args], { encoding: 'utf8', timeout: 30_000 });
  const wal = run('--enable_data_store=true', `--data_path=${path.join(tmp, 'wal')}`, '--enable_wal=true');
  expect(wal.status).toBe(2);
  expect(wal.stderr).toContain('enable_wal is not available in this build yet');
  const noStore = run('--enable_wal=true');
  expect(noStore.status).toBe(2);
  expect(noStore.stderr).toContain('enable_wal=true needs enable_data_store=true');
});

test('a RocksDB directory held by another kv-server fails the start with a clear error', async () => {
  const dataPath = path.join(tmp, 'locked');
  const args = ['--enable_data_store=true', `--data_path=${dataPath}`];
  const first = await start(args);
  const second = spawnSync(process.execPath, [KV_MAIN, '--port=0', ...args], { encoding: 'utf8', timeout: 30_000 });
  expect(second.status).toBe(1);
  expect(second.stderr + second.stdout).toContain('cannot open the data store');
  expect(await cmd(first.c, 'PING')).toBe('PONG');
  await first.srv.stop();
});

test('--store_service: checkpoints go to a store-server and come back after kill -9', async () => {
  buildStoreServer();
  const store = await startStoreServer(['--port=0', '--store=rocksdb', `--rocksdb_storage_path=${path.join(tmp, 'store-server')}`]);
  try {
    const args = ['--enable_data_store=true', `--store_service=${store.address}`, `--data_path=${path.join(tmp, 'unused')}`, '--checkpoint_interval=1'];
    const first = await start(args);
    expect((await persistence(first.c)).data_store).toBe('rocksdb');
    await writeDataset(first.c);
    await checkpointed(first.c);
    await kill9(first.srv);
    const second = await start(args);
    await checkDataset(second.c);
    await second.srv.stop();
  } finally {
    await stopStoreServer(store);
  }
});
