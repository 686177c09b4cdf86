/**
 * Issue item 5 against a real Cassandra: the backend goes away in the middle of a batch, the batch
 * fails after bounded retries with the list of durable items (and that list is true), the backend
 * comes back on the same data and the same adapter works again. Runs its own Cassandra (own state
 * dir, CQL and internode ports) through tools/backends/cassandra.sh, so the shared one is untouched;
 * the stop is cassandra.sh's SIGTERM, after which Cassandra drains its commit log.
 */
import { spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { createServer, Socket } from 'net';
import { tmpdir } from 'os';
import path from 'path';
import { Client, types } from 'cassandra-driver';
import { backendsSrc, requireBackend } from '../../../tools/backends/backend-env';
import { StoreError, WriteItem } from '../src';
import { CassandraAdapter } from '../src/cassandra';

// The shared backend being up means the Cassandra jars are fetched and java works.
const shared = requireBackend('STRATA_CASSANDRA', 'cassandra faults');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls until probe resolves, or fails with its last error after the deadline. */
async function eventually<T>(what: string, probe: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: still failing after ${timeoutMs} ms: ${(err as Error).message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

if (shared) {
  describe('cassandra: backend goes away mid-batch and comes back', () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'strata-cass-faults-'));
    let port = 0;
    let storagePort = 0;
    const script = async (cmd: 'start' | 'stop'): Promise<void> => {
      const args = cmd === 'start' ? ['start', '--port', String(port), '--storage-port', String(storagePort)] : ['stop'];
      const started = Date.now();
      const child = spawn(path.join(backendsSrc, 'cassandra.sh'), args, { env: { ...process.env, STRATA_BACKENDS_DIR: stateDir }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | string>((resolve) => child.on('exit', (c, signal) => resolve(c ?? signal ?? -1)));
      if (code !== 0) throw new Error(`cassandra.sh ${cmd} failed (${code}): ${stderr}`);
      console.log(`cassandra faults: cassandra.sh ${cmd} on 127.0.0.1:${port} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    };

    beforeAll(async () => {
      port = await freePort();
      storagePort = await freePort();
      await script('start');
    }, 300_000);

    afterAll(async () => {
      await script('stop');
      rmSync(stateDir, { recursive: true, force: true });
    }, 60_000);

    it('fails the batch with the durable items after bounded retries, then works again', async () => {
      const adapter = new CassandraAdapter({
        hosts: ['127.0.0.1'],
        port,
        keyspace: 'strata_faults',
        keyspaceClass: 'SimpleStrategy',
        keyspaceReplication: '1',
        concurrency: 4,
        retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
      });
      await adapter.open();
      const base = Date.now() * 1000;
      const items: WriteItem[] = Array.from({ length: 400 }, (_, i) => ({ table: 'f', slot: i % 50, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), commitTs: base + i, expireAt: 0 }));

      // Stops the server right after the 40th head write is acknowledged; until it is gone, no
      // new request goes out (the event loop keeps running: the driver sees the node go away as
      // it would in production). The rest of the batch meets a dead node.
      const execute = Client.prototype.execute as (this: Client, query: string, params: unknown, options: unknown) => Promise<types.ResultSet>;
      let headWrites = 0;
      let stopped: Promise<void> | null = null;
      const spy = jest.spyOn(Client.prototype, 'execute').mockImplementation(async function (this: Client, query: string, params?: unknown, options?: unknown) {
        if (stopped) await stopped;
        const rs = await execute.call(this, query, params, options);
        if (query.startsWith('INSERT INTO strata_faults.data') && ++headWrites === 40) stopped = script('stop');
        return rs;
      } as typeof Client.prototype.execute);

      let err: StoreError | null;
      try {
        err = await adapter.batchWrite(items).then(
          () => null,
          (e: unknown) => e as StoreError,
        );
      } finally {
        spy.mockRestore();
      }
      await stopped;
      expect(headWrites).toBeGreaterThanOrEqual(40);
      expect(err).toBeInstanceOf(StoreError);
      expect(err!.code).toBe('UNAVAILABLE');
      expect(err!.message).toMatch(/cassandra batchWrite: \d+ of 400 items failed .*; \d+ items are durable/);
      const durable = err!.durableItems!;
      expect(durable.length).toBeGreaterThanOrEqual(40);
      expect(durable.length).toBeLessThan(items.length);

      await script('start'); // same ports, same data: the backend comes back
      // The driver reconnects on its own (constant 1 s policy): the same adapter serves again.
      const got = await eventually('reads after the restart', () => adapter.multiGet(durable.map((i) => items[i])), 60_000);
      expect(got.map((g) => g?.value.toString())).toEqual(durable.map((i) => `v${i}`));
      await adapter.batchWrite(items); // the whole batch again: harmless, newer-wins
      const all = await adapter.multiGet(items);
      expect(all.map((g) => g?.value.toString())).toEqual(items.map((i) => i.value!.toString()));
      await adapter.close();
      // Nothing of the client outlives close(), although the driver replaced the node's Host
      // object while it reconnected (the adapter shuts replaced hosts down).
      const openSockets = () => (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles().filter((h) => h instanceof Socket && h.remotePort === port).length;
      await eventually('sockets to the node closed', async () => expect(openSockets()).toBe(0), 15_000);
    }, 360_000);
  });
}
