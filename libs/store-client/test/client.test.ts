/**
 * StoreClient against a fake in-process Store server that counts messages: concurrent reads are
 * coalesced into few Read messages; reads in flight survive a server restart; an outage longer
 * than retryForMs fails with UNAVAILABLE; server errors keep their code.
 */
import * as grpc from '@grpc/grpc-js';
import { slotOf, StoreError } from '@strata/store';
import { CHANNEL_OPTIONS, loadProtos, ReadRequestMsg, ReadResponseMsg, StoreClient } from '../src';

interface Fake {
  server: grpc.Server;
  port: number;
  readMessages: ReadRequestMsg[];
  /** While set, Read requests are held (not answered). */
  hold: boolean;
}

async function startFake(port = 0): Promise<Fake> {
  const { storeService } = loadProtos();
  const server = new grpc.Server(CHANNEL_OPTIONS);
  const fake: Fake = { server, port: 0, readMessages: [], hold: false };
  const read: grpc.handleBidiStreamingCall<ReadRequestMsg, ReadResponseMsg> = (call) => {
    call.on('data', (req: ReadRequestMsg) => {
      fake.readMessages.push(req);
      if (fake.hold) return;
      const bad = req.refs.find((r) => r.key.toString() === 'bad');
      if (bad) {
        call.write({ id: req.id, results: [], error_code: grpc.status.INVALID_ARGUMENT, error_message: 'bad key' });
        return;
      }
      // Every key reads back as its own name, so a reply mixed up between callers shows.
      call.write({ id: req.id, results: req.refs.map((r) => ({ found: true, value: r.key, commit_ts: 7, expire_at: 0 })), error_code: 0, error_message: '' });
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  };
  const info: grpc.handleUnaryCall<object, object> = (_call, cb) => cb(null, { kind: 'rocksdb', max_key_bytes: 1, max_message_bytes: 1 });
  server.addService(storeService, { Read: read, Info: info } as grpc.UntypedServiceImplementation);
  fake.port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return fake;
}

const ref = (key: string) => ({ table: 'db0', slot: slotOf(Buffer.from(key)), key: Buffer.from(key) });

describe('StoreClient', () => {
  const clients: StoreClient[] = [];
  const fakes: Fake[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    for (const f of fakes.splice(0)) f.server.forceShutdown();
  });

  async function setup(options: { retryForMs?: number } = {}): Promise<{ fake: Fake; client: StoreClient }> {
    const fake = await startFake();
    fakes.push(fake);
    const client = new StoreClient({ address: `127.0.0.1:${fake.port}`, initialBackoffMs: 20, maxBackoffMs: 100, ...options });
    clients.push(client);
    await client.open();
    return { fake, client };
  }

  it('coalesces concurrent gets into few Read messages and routes each result to its caller', async () => {
    const { fake, client } = await setup();
    const keys = Array.from({ length: 500 }, (_, i) => `k${i}`);
    const results = await Promise.all([...keys.map((k) => client.get(ref(k))), client.multiGet([ref('a'), ref('b')])]);
    expect(fake.readMessages.length).toBeLessThanOrEqual(2);
    expect(fake.readMessages.reduce((n, m) => n + m.refs.length, 0)).toBe(502);
    keys.forEach((k, i) => expect((results[i] as { value: Buffer }).value.toString()).toBe(k));
    const pair = results[500] as { value: Buffer }[];
    expect(pair.map((p) => p.value.toString())).toEqual(['a', 'b']);
    expect(client.kind).toBe('rocksdb');
  });

  it('splits a burst into messages of at most maxKeysPerMessage keys', async () => {
    const fake = await startFake();
    fakes.push(fake);
    const client = new StoreClient({ address: `127.0.0.1:${fake.port}`, maxKeysPerMessage: 100 });
    clients.push(client);
    await client.open();
    await Promise.all(Array.from({ length: 250 }, (_, i) => client.get(ref(`k${i}`))));
    expect(fake.readMessages.map((m) => m.refs.length)).toEqual([100, 100, 50]);
  });

  it('passes a server error to the callers of that message with its code', async () => {
    const { client } = await setup();
    const err = await client.get(ref('bad')).catch((e: unknown) => e as StoreError);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('INVALID_ARGUMENT');
    expect((err as StoreError).message).toMatch(/bad key/);
    expect((await client.get(ref('good')))?.value.toString()).toBe('good');
  });

  it('re-sends reads in flight when the server restarts on the same port', async () => {
    const { fake, client } = await setup({ retryForMs: 10_000 });
    fake.hold = true;
    const pending = client.get(ref('survivor'));
    const deadline = Date.now() + 5000;
    while (!fake.readMessages.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(fake.readMessages.length).toBe(1);
    fake.server.forceShutdown();
    const restarted = await startFake(fake.port);
    fakes.push(restarted);
    expect((await pending)?.value.toString()).toBe('survivor');
    expect(restarted.readMessages.length).toBeGreaterThanOrEqual(1);
  });

  it('fails with UNAVAILABLE naming the server once the outage outlasts retryForMs', async () => {
    const { fake, client } = await setup({ retryForMs: 300 });
    fake.server.forceShutdown();
    const err = await client.get(ref('x')).catch((e: unknown) => e as StoreError);
    expect((err as StoreError).code).toBe('UNAVAILABLE');
    expect((err as StoreError).message).toContain(`127.0.0.1:${fake.port}`);
    const statsErr = await client.stats().catch((e: unknown) => e as StoreError);
    expect((statsErr as StoreError).code).toBe('UNAVAILABLE');
    expect((statsErr as StoreError).message).toMatch(/gave up after \d+ attempts/);
  });
});
