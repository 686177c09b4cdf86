// Malformed requests over a raw socket: Redis's exact error text, then the connection closes, and
// the server keeps serving everyone else. Random bytes from many connections never crash it.
import fc from 'fast-check';
import { RawClient, redisServerInstalled, startKvServer, startRedisServer, type ServerProcess } from './harness';

let server: ServerProcess;
let redisServer: ServerProcess | undefined;
let bystander: RawClient;

beforeAll(async () => {
  server = await startKvServer();
  // When redis-server is here, every case is also checked against it, so the texts below stay honest.
  if (redisServerInstalled()) redisServer = await startRedisServer();
  bystander = await RawClient.connect(server.port);
});

afterAll(async () => {
  bystander?.close();
  await Promise.all([server?.stop(), redisServer?.stop()]);
});

/** A client that is already connected and was served before the bad request arrives. */
async function servedClient(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  expect(await c.command('PING')).toEqual({ t: 'simple', s: 'PONG' });
  return c;
}

const cases: [string, string, string][] = [
  ['invalid multibulk length', '*1x\r\n', 'ERR Protocol error: invalid multibulk length'],
  ['multibulk length above INT_MAX', '*2147483648\r\n', 'ERR Protocol error: invalid multibulk length'],
  ['invalid bulk length', '*1\r\n$abc\r\n', 'ERR Protocol error: invalid bulk length'],
  ['negative bulk length', '*1\r\n$-5\r\n', 'ERR Protocol error: invalid bulk length'],
  ['bulk length -1 in a request', '*1\r\n$-1\r\n', 'ERR Protocol error: invalid bulk length'],
  ['huge declared bulk', '*1\r\n$2147483648\r\n', 'ERR Protocol error: invalid bulk length'],
  ['bulk just above proto-max-bulk-len', '*1\r\n$536870913\r\n', 'ERR Protocol error: invalid bulk length'],
  ["expected '$'", '*1\r\nxyz\r\n', "ERR Protocol error: expected '$', got 'x'"],
  ["expected '$' after a valid argument", '*3\r\n$3\r\nSET\r\n$1\r\nk\r\nxv\r\n', "ERR Protocol error: expected '$', got 'x'"],
  ['unbalanced quotes inline', 'SET "k v\r\n', 'ERR Protocol error: unbalanced quotes in request'],
  ['closing quote not followed by a space', "ECHO 'a'b\r\n", 'ERR Protocol error: unbalanced quotes in request'],
];

describe.each(cases)('%s', (_name, request, error) => {
  const expected = `-${error}\r\n`;

  test('gets the error, then the connection closes; others are still served', async () => {
    const c = await servedClient(server.port);
    c.write(request);
    const [raw] = await c.readRaw(1);
    expect(raw.toString('latin1')).toBe(expected);
    await c.waitClosed();
    expect(c.pending.length).toBe(0);
    expect(await bystander.command('PING')).toEqual({ t: 'simple', s: 'PONG' });
    const fresh = await servedClient(server.port);
    fresh.close();
  });

  (redisServerInstalled() ? test : test.skip)('redis-server answers the same', async () => {
    const c = await servedClient((redisServer as ServerProcess).port);
    c.write(request);
    const [raw] = await c.readRaw(1);
    expect(raw.toString('latin1')).toBe(expected);
    await c.waitClosed();
  });
});

test('a negative or zero multibulk count is skipped silently, as Redis does', async () => {
  const c = await servedClient(server.port);
  try {
    c.write('*-5\r\n*0\r\n*-1\r\nPING\r\n');
    expect((await c.readRaw(1))[0].toString('latin1')).toBe('+PONG\r\n');
    expect(c.closed).toBe(false);
  } finally {
    c.close();
  }
});

test('a request split at every byte is still one request', async () => {
  const c = await servedClient(server.port);
  try {
    const req = Buffer.from('*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$3\r\nabc\r\n*2\r\n$3\r\nGET\r\n$5\r\nsplit\r\n');
    for (let i = 0; i < req.length; i++) c.write(req.subarray(i, i + 1));
    const raws = await c.readRaw(2);
    expect(raws.map((b) => b.toString())).toEqual(['+OK\r\n', '$3\r\nabc\r\n']);
  } finally {
    c.close();
  }
});

test('random bytes from many connections never crash the server', async () => {
  // Bounded: 150 connections of up to 300 bytes, in up to 4 writes each. A command that happens to
  // be valid may run, which is fine; the server must stay up and keep answering the bystander.
  await fc.assert(
    fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }), async (chunks) => {
      const c = await RawClient.connect(server.port);
      for (const chunk of chunks) c.write(Buffer.from(chunk));
      // Half the connections hang up at once, half wait for the bystander's round trip first.
      if (chunks.length % 2 === 0) c.close();
      expect(await bystander.command('PING')).toEqual({ t: 'simple', s: 'PONG' });
      c.close();
      expect(server.proc.exitCode).toBeNull();
    }),
    { numRuns: 150, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
  );
  // Garbage that reads as a protocol error or a real command is answered, never fatal.
  expect(await bystander.command('ECHO', 'still here')).toEqual({ t: 'bulk', s: 'still here' });
});
