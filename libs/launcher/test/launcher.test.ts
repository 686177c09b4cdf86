/**
 * Real processes: the launcher starts kv-servers, store-servers and log-servers from topology
 * files into temp state dirs on free ports. Every state dir is torn down after each test, even
 * when it fails, and no process of it may remain.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { down, findRoot, LaunchError, pidAlive, runCli, status, up } from '../src';

jest.setTimeout(60_000);

const root = findRoot();
const topo = (f: string) => path.join(root, 'deploy/local', f);
let tmp: string;
const stateDirs: string[] = [];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-'));
});

afterEach(async () => {
  for (const dir of stateDirs.splice(0)) {
    if (fs.existsSync(path.join(dir, 'state.json'))) await down(dir, { graceS: 2 }).catch(() => undefined);
  }
});

afterAll(() => {
  expect(processesUnder(tmp)).toEqual([]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

function stateDir(name: string): string {
  const dir = path.join(tmp, name);
  stateDirs.push(dir);
  return dir;
}

/** Pids of processes whose command line names `dir` (servers and their wrapper shells). */
function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) => ({ write: (chunk: string) => (add(chunk), true) }) as unknown as NodeJS.WritableStream;
  const code = await runCli(argv, { out: sink((s) => (out += s)), err: sink((s) => (err += s)), cwd: root });
  return { code, out, err };
}

async function ping(addr: string): Promise<string> {
  const [host, port] = addr.split(':');
  const client = new Redis({ host, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return await client.ping();
  } finally {
    client.disconnect();
  }
}

/** deploy/docker/healthcheck.js, the compose files' health check: its exit code. */
const healthcheck = (mode: string, addr: string) => spawnSync(process.execPath, [path.join(root, 'deploy/docker/healthcheck.js'), mode, addr]).status;

const statusOf = (dir: string, name: string) => status(dir).find((s) => s.name === name);

test('memory.yaml: up, PING, kill, restart on the same port, down', async () => {
  const dir = stateDir('memory');
  const upped = await cli('up', 'deploy/local/memory.yaml', `--state_dir=${dir}`);
  expect(upped.err).toBe('');
  expect(upped.code).toBe(0);
  const addr = /^kv\s+\d+\s+(127\.0\.0\.1:\d+)\s+running$/m.exec(upped.out)?.[1] as string;
  expect(addr).toBeDefined();

  const st = await cli('status', `--state_dir=${dir}`);
  expect(st.code).toBe(0);
  expect(st.out).toMatch(new RegExp(`^kv\\s+\\d+\\s+${addr}\\s+running$`, 'm'));
  expect(await ping(addr)).toBe('PONG');
  const firstPid = statusOf(dir, 'kv')?.pid as number;
  expect(healthcheck('resp', addr)).toBe(0);

  expect((await cli('kill', 'kv', `--state_dir=${dir}`)).out).toContain('kv: killed (SIGKILL)');
  expect(statusOf(dir, 'kv')?.state).toBe('exited(137)');
  expect(pidAlive(firstPid, 'kv-server')).toBe(false);
  expect(healthcheck('resp', addr)).toBe(1);
  await expect(ping(addr)).rejects.toThrow();
  const stopped = await cli('status', `--state_dir=${dir}`);
  expect(stopped.code).toBe(3);
  expect(stopped.out).toMatch(/exited\(137\)/);

  const restarted = await cli('restart', 'kv', `--state_dir=${dir}`);
  expect(restarted.code).toBe(0);
  expect(restarted.out).toContain(`[kv] ready at ${addr}`);
  expect(await ping(addr)).toBe('PONG');
  const secondPid = statusOf(dir, 'kv')?.pid as number;
  expect(secondPid).not.toBe(firstPid);

  expect((await cli('logs', 'kv', `--state_dir=${dir}`)).out).toMatch(/ready to accept connections/);

  expect((await cli('down', `--state_dir=${dir}`)).code).toBe(0);
  expect(statusOf(dir, 'kv')?.state).toBe('stopped');
  expect(pidAlive(secondPid, 'kv-server')).toBe(false);
  expect(processesUnder(dir)).toEqual([]);
});

test('a store-server (rocksdb) comes up healthy', async () => {
  const file = path.join(tmp, 'store-only.yaml');
  fs.writeFileSync(file, 'name: store-only\nprocesses:\n  - name: store\n    kind: store-server\n    flags: [--store=rocksdb]\n');
  const dir = stateDir('store-only');
  const state = await up(file, dir, { build: true });
  expect(statusOf(dir, 'store')?.state).toBe('running');
  // Its RocksDB lives in its own data directory under the state dir.
  expect(state.processes[0].argv).toContain(`--rocksdb_storage_path=${path.join(dir, 'store/data/rocksdb')}`);
  expect(fs.existsSync(path.join(dir, 'store/data/rocksdb'))).toBe(true);
  // The compose files' health check script agrees.
  const addr = statusOf(dir, 'store')?.addr as string;
  expect(healthcheck('grpc', addr)).toBe(0);
  await down(dir, { graceS: 5 });
  expect(statusOf(dir, 'store')?.state).toBe('stopped');
});

// The data store stage runs; the WAL stage is refused until it lands: the launcher must surface
// the refusal. When the WAL lands, these tests change to expect the stage to come up.
const REFUSAL = 'kv-server: enable_wal is not available in this build yet';

test('rocksdb.yaml: the data store stage comes up and keeps a key across down and up', async () => {
  const dir = stateDir('rocksdb');
  await up(topo('rocksdb.yaml'), dir, { build: false });
  expect(statusOf(dir, 'kv')?.state).toBe('running');
  const addr = statusOf(dir, 'kv')?.addr as string;
  const [host, port] = addr.split(':');
  const client = new Redis({ host, port: Number(port), maxRetriesPerRequest: 0, lazyConnect: true });
  await client.connect();
  expect(await client.set('launcher:key', 'kept')).toBe('OK');
  client.disconnect();
  // down sends SIGTERM: the kv-server checkpoints everything before it exits.
  await down(dir, { graceS: 10 });
  await up(topo('rocksdb.yaml'), dir, { build: false });
  const again = new Redis({ host, port: Number(port), maxRetriesPerRequest: 0, lazyConnect: true });
  await again.connect();
  expect(await again.get('launcher:key')).toBe('kept');
  again.disconnect();
  await down(dir, { graceS: 5 });
  expect(processesUnder(dir)).toEqual([]);
});

test('wal.yaml: the kv-server refusal is reported as "failed to start"', async () => {
  const dir = stateDir('wal.yaml');
  const r = await cli('up', 'deploy/local/wal.yaml', `--state_dir=${dir}`, '--no_build');
  expect(r.code).toBe(1);
  expect(r.err).toContain(`cluster up: kv: failed to start: exited(2): ${REFUSAL}`);
  expect(statusOf(dir, 'kv')?.state).toBe('exited(2)');
  expect(processesUnder(dir)).toEqual([]);
});

test('decoupled-log.yaml: 3 log-servers and a store-server come up; the kv-server refusal is reported', async () => {
  const dir = stateDir('decoupled-log');
  const lines: string[] = [];
  const err = await up(topo('decoupled-log.yaml'), dir, { build: true, keepOnFailure: true, out: (l) => lines.push(l) }).catch((e: Error) => e);
  expect(err).toBeInstanceOf(LaunchError);
  expect((err as Error).message).toContain(`kv: failed to start: exited(2): ${REFUSAL}`);
  const states = Object.fromEntries(status(dir).map((s) => [s.name, s.state]));
  expect(states).toEqual({ 'log-0': 'running', 'log-1': 'running', 'log-2': 'running', store: 'running', kv: 'exited(2)' });
  // The kv-server got the log group and the store-server by their allocated addresses.
  const addr = (n: string) => status(dir).find((s) => s.name === n)?.addr;
  const kvStart = lines.find((l) => l.startsWith('[kv] kv-server starting'));
  expect(kvStart).toBeDefined();
  const kvLog = fs.readFileSync(path.join(dir, 'kv/kv.log'), 'utf8');
  expect(kvLog).toContain(`--txlog_service_list=${addr('log-0')},${addr('log-1')},${addr('log-2')}`);
  expect(kvLog).toContain(`--store_service=${addr('store')}`);
  await down(dir, { graceS: 5 });
  expect(processesUnder(dir)).toEqual([]);
});

test('up refuses a cluster that is already up, and a bad file, with clear errors', async () => {
  const dir = stateDir('twice');
  await up(topo('memory.yaml'), dir, { build: false });
  await expect(up(topo('memory.yaml'), dir, { build: false })).rejects.toThrow(/cluster 'memory' in .* is already up \(kv running\); run down first/);
  const bad = path.join(tmp, 'bad.yaml');
  fs.writeFileSync(bad, 'processes:\n  - name: kv\n    kind: kv-server\n    depends_on: [store]\n');
  const r = await cli('up', bad, `--state_dir=${path.join(tmp, 'bad')}`, '--no_build');
  expect(r.code).toBe(1);
  expect(r.err).toBe(`cluster up: ${bad}: process 'kv' depends on 'store', which the file does not define\n`);
});
