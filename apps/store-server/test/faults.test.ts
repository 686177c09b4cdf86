/**
 * The store-server as a process: kill -9 under a write load loses no acknowledged batch, the
 * client reconnects after a restart, bad input gets gRPC errors naming the cause and the server
 * keeps serving, SIGTERM stops it cleanly.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { MAX_KEY_BYTES, slotOf, StoreError, WriteItem } from '@strata/store';
import { CHANNEL_OPTIONS, loadProtos, ReadResponseMsg, StoreClient, StoreGrpcClient } from '@strata/store-client';
import { buildStoreServer, killAll, ServerProcess, startServer, stopServer, waitFor } from './harness';

const root = mkdtempSync(path.join(tmpdir(), 'strata-store-server-faults-'));
const cleanups: (() => void)[] = [];

beforeAll(() => buildStoreServer(), 60_000);
afterAll(() => {
  for (const c of cleanups) c();
  killAll();
  rmSync(root, { recursive: true, force: true });
});

function item(table: string, key: string, value: string, commitTs: number): WriteItem {
  const k = Buffer.from(key);
  return { table, slot: slotOf(k), key: k, value: Buffer.from(value), commitTs, expireAt: 0 };
}

async function healthStatus(address: string): Promise<string> {
  const { HealthClient } = loadProtos();
  const client = new HealthClient(address, grpc.credentials.createInsecure());
  try {
    return await new Promise<string>((resolve, reject) => client.Check({ service: '' }, {}, (err, res) => (err ? reject(err) : resolve(res!.status))));
  } finally {
    client.close();
  }
}

describe('store-server process', () => {
  it('kill -9 during a write load loses no acknowledged batch; the same client reconnects after restart', async () => {
    const dir = path.join(root, 'kill9');
    let server: ServerProcess = await startServer([`--rocksdb_storage_path=${dir}`, '--port=0']);
    const port = server.port;
    const client = new StoreClient({ address: server.address, retryForMs: 500, initialBackoffMs: 20, maxBackoffMs: 100 });
    await client.open();
    cleanups.push(() => void client.close());

    const acknowledged: WriteItem[][] = [];
    let stop = false;
    const writer = async (w: number): Promise<number> => {
      let failures = 0;
      for (let n = 0; !stop; n++) {
        const batch = Array.from({ length: 50 }, (_, i) => item('db0', `w${w}:b${n}:k${i}`, `v${w}.${n}.${i}`, 1_000_000 + n));
        try {
          await client.batchWrite(batch);
          acknowledged.push(batch);
        } catch (err) {
          expect((err as StoreError).code).toBe('UNAVAILABLE');
          failures++;
        }
      }
      return failures;
    };
    const writers = [0, 1, 2, 3].map(writer);
    await waitFor('40 acknowledged batches', async () => (acknowledged.length >= 40 ? true : undefined));
    server.child.kill('SIGKILL');
    expect(await server.exited).toBe('SIGKILL');
    const ackedAtKill = acknowledged.length;

    // While the server is down, calls fail with UNAVAILABLE after the retry bound.
    const outage = await client.get({ table: 'db0', slot: 0, key: Buffer.from('x') }).then(
      () => null,
      (e: unknown) => e as StoreError,
    );
    expect(outage?.code).toBe('UNAVAILABLE');
    expect(outage?.message).toMatch(/127\.0\.0\.1/);
    stop = true;
    const failures = await Promise.all(writers);
    expect(failures.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    server = await startServer([`--rocksdb_storage_path=${dir}`, `--port=${port}`]);
    cleanups.push(() => server.child.kill('SIGKILL'));
    expect(acknowledged.length).toBeGreaterThanOrEqual(ackedAtKill);
    const expected = acknowledged.flat();
    const got = await waitFor('reads after restart', () => client.multiGet(expected));
    const missing = expected.filter((e, i) => got[i]?.value.toString() !== e.value!.toString());
    expect(missing.map((m) => m.key.toString())).toEqual([]);
    expect(got.length).toBeGreaterThanOrEqual(40 * 50);
    await client.batchWrite([item('db0', 'after-restart', 'ok', 1)]);
    expect((await client.get({ table: 'db0', slot: slotOf(Buffer.from('after-restart')), key: Buffer.from('after-restart') }))?.value.toString()).toBe('ok');
    expect(await stopServer(server)).toBe(0);
  }, 60_000);

  describe('bad input', () => {
    let server: ServerProcess;
    let raw: StoreGrpcClient;

    beforeAll(async () => {
      server = await startServer([`--rocksdb_storage_path=${path.join(root, 'bad')}`, '--port=0']);
      const { StoreClient: Ctor } = loadProtos();
      raw = new Ctor(server.address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    }, 30_000);
    afterAll(() => raw?.close());

    const batchWrite = (items: { table: string; slot: number; key: Buffer }[]): Promise<grpc.ServiceError | null> =>
      new Promise((resolve) =>
        raw.BatchWrite(
          { items: items.map((i) => ({ ...i, value: Buffer.from('v'), tombstone: false, commit_ts: 1, expire_at: 0 })), consistency: 'CONSISTENCY_DEFAULT' },
          {},
          (err) => resolve(err),
        ),
      );

    it('rejects a malformed table name, an oversized key and a bad slot with INVALID_ARGUMENT naming the cause', async () => {
      const badTable = await batchWrite([{ table: 'no such table!', slot: 0, key: Buffer.from('k') }]);
      expect(badTable?.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(badTable?.details).toMatch(/table name/);
      const oversized = await batchWrite([{ table: 'db0', slot: 0, key: Buffer.alloc(MAX_KEY_BYTES + 1) }]);
      expect(oversized?.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(oversized?.details).toMatch(/oversized key: 32769 bytes/);
      const badSlot = await batchWrite([{ table: 'db0', slot: 20000, key: Buffer.from('k') }]);
      expect(badSlot?.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(badSlot?.details).toMatch(/slot 20000/);
      expect(await batchWrite([{ table: 'db0', slot: 0, key: Buffer.from('fine') }])).toBeNull();
    });

    it('fails one bad request on the Read stream and keeps the stream serving', async () => {
      const stream = raw.Read();
      const responses: ReadResponseMsg[] = [];
      stream.on('data', (r: ReadResponseMsg) => responses.push(r));
      stream.write({ id: 1, refs: [{ table: 'db0', slot: 0, key: Buffer.alloc(MAX_KEY_BYTES + 1) }] });
      stream.write({ id: 2, refs: [{ table: 'db0', slot: 0, key: Buffer.from('fine') }] });
      await waitFor('two responses', async () => (responses.length === 2 ? true : undefined));
      stream.end();
      const bad = responses.find((r) => r.id === 1)!;
      const good = responses.find((r) => r.id === 2)!;
      expect(bad.error_code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(bad.error_message).toMatch(/oversized key/);
      expect(good.error_code).toBe(0);
      expect(good.results[0].value.toString()).toBe('v');
    });

    it('answers a request that is not a valid protobuf message with an error, and keeps running', async () => {
      const generic = new grpc.Client(server.address, grpc.credentials.createInsecure());
      const err = await new Promise<grpc.ServiceError | null>((resolve) =>
        generic.makeUnaryRequest(
          '/strata.store.v1.Store/BatchWrite',
          () => Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), // field 1, length far beyond the message
          (b: Buffer) => b,
          {},
          (e) => resolve(e),
        ),
      );
      generic.close();
      expect(err).not.toBeNull();
      expect(err!.code).not.toBe(grpc.status.OK);
      expect(await healthStatus(server.address)).toBe('SERVING');
      expect(await batchWrite([{ table: 'db0', slot: 1, key: Buffer.from('still-up') }])).toBeNull();
    });

    it('reports health per service name and stops cleanly on SIGTERM', async () => {
      expect(await healthStatus(server.address)).toBe('SERVING');
      const { HealthClient } = loadProtos();
      const health = new HealthClient(server.address, grpc.credentials.createInsecure());
      const unknown = await new Promise<grpc.ServiceError | null>((resolve) => health.Check({ service: 'nope' }, {}, (e) => resolve(e)));
      health.close();
      expect(unknown?.code).toBe(grpc.status.NOT_FOUND);
      expect(await stopServer(server, 'SIGTERM')).toBe(0);
      expect(server.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['listening', 'serving', 'shutting down', 'stopped']));
      expect(server.logs.every((l) => typeof l.ts === 'string' && typeof l.level === 'string')).toBe(true);
    });
  });
});
