/**
 * Issue item 5 against a real DynamoDB Local: the backend goes away in the middle of a batch, the
 * batch fails after bounded retries with the list of durable items (and that list is true), the
 * backend comes back and the same adapter works again. Runs its own DynamoDB Local (persistent
 * -dbPath, own port and state dir) through tools/backends/dynamodb.sh, so the shared one is untouched.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import path from 'path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { backendsSrc, requireBackend } from '../../../tools/backends/backend-env';
import { StoreError, WriteItem } from '../src';
import { DynamodbAdapter } from '../src/dynamodb';

// The shared backend being up means the DynamoDB Local jars are fetched and java works.
const shared = requireBackend('STRATA_DYNAMODB', 'dynamodb faults');

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

if (shared) {
  describe('dynamodb: backend goes away mid-batch and comes back', () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'strata-ddb-faults-'));
    const dbPath = path.join(stateDir, 'db');
    let port = 0;
    const script = (cmd: 'start' | 'stop') => {
      const args = cmd === 'start' ? ['start', '--port', String(port), '--db-path', dbPath] : ['stop'];
      const r = spawnSync(path.join(backendsSrc, 'dynamodb.sh'), args, { env: { ...process.env, STRATA_BACKENDS_DIR: stateDir }, encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0) throw new Error(`dynamodb.sh ${cmd} failed: ${r.stderr}`);
    };

    beforeAll(async () => {
      port = await freePort();
      script('start');
    }, 150_000);

    afterAll(() => {
      script('stop');
      rmSync(stateDir, { recursive: true, force: true });
    }, 60_000);

    it('fails the batch with the durable items after bounded retries, then works again', async () => {
      const endpoint = `http://127.0.0.1:${port}`;
      const real = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
      // Stops the server right after the 40th head write is acknowledged: the rest of the batch
      // meets a dead endpoint.
      let headPuts = 0;
      const client = {
        send: async (command: Parameters<DynamoDBClient['send']>[0]) => {
          const out = await real.send(command);
          const input = (command as { input: { ConditionExpression?: string } }).input;
          if (command.constructor.name === 'PutItemCommand' && input.ConditionExpression && ++headPuts === 40) script('stop');
          return out;
        },
        destroy: () => real.destroy(),
      } as unknown as DynamoDBClient;
      const adapter = new DynamodbAdapter({ region: 'us-east-1', table: 'faults', client, concurrency: 4, retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 } });
      await adapter.open();
      const base = Date.now() * 1000;
      const items: WriteItem[] = Array.from({ length: 200 }, (_, i) => ({ table: 'f', slot: i % 50, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), commitTs: base + i, expireAt: 0 }));

      const started = Date.now();
      const err = await adapter.batchWrite(items).then(() => null, (e: unknown) => e as StoreError);
      expect(err).toBeInstanceOf(StoreError);
      expect(err!.code).toBe('UNAVAILABLE');
      expect(err!.message).toMatch(/items are durable/);
      const durable = err!.durableItems!;
      expect(durable.length).toBeGreaterThanOrEqual(40);
      expect(durable.length).toBeLessThan(items.length);
      expect(Date.now() - started).toBeLessThan(60_000); // bounded

      script('start'); // same port and database: the backend comes back
      const got = await adapter.multiGet(durable.map((i) => items[i]));
      got.forEach((g, j) => expect(g?.value.toString()).toBe(`v${durable[j]}`));
      await adapter.batchWrite(items); // the whole batch again: harmless, newer-wins
      const all = await adapter.multiGet(items);
      expect(all.map((g) => g?.value.toString())).toEqual(items.map((i) => i.value!.toString()));
      await adapter.close();
    }, 180_000);
  });
}
