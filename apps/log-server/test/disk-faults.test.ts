/**
 * A full disk or failing fsyncs on one replica (injected through libs/wal's FaultyFileLayer with
 * the test-only --fault_inject flag) lose no acknowledged record: the replica stops taking part,
 * the other two keep the group going, and after a restart without the fault it recovers its WAL
 * and catches up.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { LogClient } from '@strata/log-client';
import { buildLogServer, Cluster, freePorts, killAll, waitFor } from './harness';

const root = mkdtempSync(path.join(tmpdir(), 'strata-log-server-faults-'));
const clients: LogClient[] = [];

beforeAll(() => buildLogServer(), 60_000);
afterAll(() => {
  for (const c of clients) c.close();
  killAll();
  rmSync(root, { recursive: true, force: true });
});

const FAULTY = 2;

describe.each([
  ['a full disk', 'enospc_after_bytes:300000'],
  ['failing fsyncs', 'eio_fsync_after_bytes:300000'],
])('log-server with %s on one replica', (_name, fault) => {
  it('loses no acknowledged record and the replica recovers after a restart', async () => {
    const cluster = new Cluster(await freePorts(3), path.join(root, fault.split(':')[0]), (id) => (id === FAULTY ? [`--fault_inject=${fault}`] : []));
    try {
      await cluster.startAll();
      const client = new LogClient({ servers: cluster.addresses, writer: 'w', retryForMs: 60_000 });
      clients.push(client);
      await client.acquireWriter(0);
      // ~1 MB of records: the faulty replica fails after 300 kB.
      const acknowledged: number[] = [];
      for (let b = 0; b < 40; b++) {
        const first = b * 100 + 1;
        const records = Array.from({ length: 100 }, (_, k) => ({ turn: first + k, parts: 1, commitTs: first + k, body: Buffer.alloc(200, b) }));
        await client.appendBatch(0, records);
        acknowledged.push(...records.map((r) => r.turn));
      }
      const st = await waitFor('the faulty replica to report its failure', async () => {
        const s = await client.status(0, cluster.addresses[FAULTY]);
        return s.failure ? s : undefined;
      });
      expect(st.role).toBe('Failed');
      expect(cluster.servers[FAULTY]!.stderr()).toContain('replica storage failed');

      const replayed = await client.replay(0, 0);
      expect(replayed.map((r) => r.turn)).toEqual(acknowledged);

      // Restart the replica without the fault: it reopens its WAL and catches up.
      await cluster.kill(FAULTY);
      await cluster.start(FAULTY, ['--fault_inject=']);
      await waitFor('the replica to catch up', async () => {
        const s = await client.status(0, cluster.addresses[FAULTY]);
        return !s.failure && s.records === acknowledged.length ? s : undefined;
      });
    } finally {
      cluster.killAll();
    }
  }, 90_000);
});
