// redis-cli (the real one, as a child process) against the built server.
import { execFile } from 'child_process';
import { startKvServer, type ServerProcess } from './harness';

let server: ServerProcess;

beforeAll(async () => {
  server = await startKvServer();
});

afterAll(async () => {
  await server?.stop();
});

interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

function cli(args: string[], stdin?: string | Buffer): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('redis-cli', ['-p', String(server.port), ...args], { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (err && err.killed) return reject(new Error(`redis-cli ${args.join(' ')} timed out: ${stderr}`));
      resolve({ stdout, stderr, code });
    });
    // redis-cli may exit before reading stdin (it only reads it for -x and --pipe).
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(stdin ?? '');
  });
}

async function out(...args: string[]): Promise<string> {
  const r = await cli(args);
  expect(r.stderr).toBe('');
  return r.stdout;
}

test('one command per invocation, output as redis-cli prints it without a tty', async () => {
  expect(await out('PING')).toBe('PONG\n');
  expect(await out('SET', 'cli:k', 'hello world')).toBe('OK\n');
  expect(await out('GET', 'cli:k')).toBe('hello world\n');
  expect(await out('RPUSH', 'cli:l', 'a', 'b', 'c')).toBe('3\n');
  expect(await out('LRANGE', 'cli:l', '0', '-1')).toBe('a\nb\nc\n');
  expect(await out('GET', 'cli:missing')).toBe('\n');
  // redis-cli 7.0 prints an error reply followed by an empty line.
  expect(await out('INCR', 'cli:k')).toBe('ERR value is not an integer or out of range\n\n');
});

test('--no-raw formatting, -n (SELECT) and -3 (HELLO 3)', async () => {
  expect(await out('--no-raw', 'LRANGE', 'cli:l', '0', '-1')).toBe('1) "a"\n2) "b"\n3) "c"\n');
  expect(await out('--no-raw', 'GET', 'cli:missing')).toBe('(nil)\n');
  expect(await out('--no-raw', 'ZADD', 'cli:z', '1.5', 'm')).toBe('(integer) 1\n');
  expect(await out('-n', '3', 'SET', 'in3', 'v')).toBe('OK\n');
  expect(await out('-n', '3', 'DBSIZE')).toBe('1\n');
  expect(await out('-n', '0', 'EXISTS', 'in3')).toBe('0\n');
  expect(await out('-3', '--no-raw', 'ZSCORE', 'cli:z', 'm')).toBe('(double) 1.5\n');
  expect(await out('-3', '--no-raw', 'HGETALL', 'cli:nohash')).toBe('(empty hash)\n');
});

test('-x reads the last argument from stdin, binary safe', async () => {
  const value = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x41]);
  const r = await cli(['-x', 'SET', 'cli:bin'], value);
  expect(r.stdout).toBe('OK\n');
  expect(await out('STRLEN', 'cli:bin')).toBe('7\n');
});

test('--scan walks every key matching the pattern', async () => {
  await cli(['--pipe'], Array.from({ length: 300 }, (_, i) => `SET scan:${i} v\r\n`).join(''));
  const keys = (await out('--scan', '--pattern', 'scan:*')).trim().split('\n');
  expect(new Set(keys).size).toBe(300);
});

test('--pipe mass insertion of 10k commands', async () => {
  await out('FLUSHALL');
  const parts: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const k = `mass:${i}`;
    const v = `value-${i}`;
    parts.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`);
  }
  const r = await cli(['--pipe'], parts.join(''));
  expect(r.code).toBe(0);
  // redis-cli appends an ECHO of a random marker and stops at its reply.
  expect(r.stdout).toContain('Last reply received from server.');
  expect(r.stdout).toContain('errors: 0, replies: 10000');
  expect(await out('DBSIZE')).toBe('10000\n');
  expect(await out('GET', 'mass:9999')).toBe('value-9999\n');
});
