/**
 * Three log-server processes on loopback. A writer appends 100k records through libs/log-client
 * while the leader is killed with SIGKILL and restarted: every acknowledged record is replayed
 * exactly once, in order; the restarted replica catches up; the history of appends and replays is
 * linearizable (libs/testing's appendLogModel). A second AcquireWriter fences the first epoch.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { LogClient, LogClientError, LogRecordInput, loadProtos } from '@strata/log-client';
import { appendLogModel, checkOperations, History, LogInput, LogOutput } from '@strata/testing';
import { buildLogServer, Cluster, freePorts, killAll, runToExit, waitFor } from './harness';

const root = mkdtempSync(path.join(tmpdir(), 'strata-log-server-'));
let cluster: Cluster;
const clients: LogClient[] = [];

beforeAll(async () => {
  buildLogServer();
  cluster = new Cluster(await freePorts(3), path.join(root, 'main'));
  await cluster.startAll();
}, 60_000);
afterAll(() => {
  for (const c of clients) c.close();
  killAll();
  rmSync(root, { recursive: true, force: true });
});

function newClient(writer: string): LogClient {
  const c = new LogClient({ servers: cluster.addresses, writer, retryForMs: 60_000 });
  clients.push(c);
  return c;
}

const BATCH = 250; // records per append (400 batches)
const TOTAL = 100_000;
const body = (seq: number) => Buffer.from(`record-${seq}-`.padEnd(100, 'x'));
const recordsOf = (firstSeq: number): LogRecordInput[] =>
  Array.from({ length: BATCH }, (_, k) => ({ turn: firstSeq + k, parts: 1, commitTs: 1_000_000 + firstSeq + k, body: body(firstSeq + k) }));

async function leaderNode(client: LogClient): Promise<number> {
  const st = await client.status(0);
  return cluster.addresses.indexOf(st.leader_address);
}

async function healthOf(address: string): Promise<string> {
  const { HealthClient } = loadProtos();
  const c = new HealthClient(address, grpc.credentials.createInsecure());
  try {
    return await new Promise<string>((resolve, reject) => c.Check({ service: 'strata.log.v1.Log' }, new grpc.Metadata(), {}, (e, r) => (e ? reject(e) : resolve(r!.status))));
  } finally {
    c.close();
  }
}

describe('log-server cluster', () => {
  it('serves gRPC health and refuses bad flags with exit code 2 naming the key', async () => {
    for (const a of cluster.addresses) expect(await healthOf(a)).toBe('SERVING');
    const bad = await runToExit(['--conf=127.0.0.1:1,127.0.0.1:2', '--node_id=5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('node_id');
    const unknown = await runToExit(['--conf=127.0.0.1:1', '--no_such_flag=1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no_such_flag');
    const missing = await runToExit(['--node_id=0']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('conf');
  }, 30_000);

  it('100k records survive kill -9 of the leader: replayed exactly once, in order; the restarted replica catches up', async () => {
    const client = newClient('node-group-1');
    const reader = newClient('node-group-1');
    await client.acquireWriter(0);
    const history = new History<LogInput<number>, LogOutput<number>>();
    const batches = TOTAL / BATCH;
    let next = 0;
    let acked = 0;
    let killed = -1;
    let killing: Promise<void> | undefined;
    let restarted: Promise<unknown> | undefined;

    const replayValues = async (): Promise<number[]> => {
      const records = await reader.replay(0, 0);
      return records.filter((r) => (r.sequence - 1) % BATCH === 0).map((r) => r.sequence);
    };

    // 16 concurrent appenders (one history client each); batches get sequences in call order.
    const appender = async (clientId: number): Promise<void> => {
      while (next < batches) {
        const firstSeq = next++ * BATCH + 1;
        await history.record(clientId, { op: 'append', value: firstSeq }, async () => {
          const b = await client.appendBatch(0, recordsOf(firstSeq));
          // This writer is alone in the group, so its batches tile the log: batch k holds positions
          // (k-1)*BATCH+1 .. k*BATCH. The dense model then checks that no batch is lost, doubled
          // or reordered (an unaligned position fails the check).
          return { position: b.firstPosition % BATCH === 1 ? (b.firstPosition - 1) / BATCH + 1 : -b.firstPosition };
        });
        acked += BATCH;
        if (!killing && acked >= TOTAL * 0.3) {
          // Claimed before the first await: other appenders acked meanwhile must not look up the
          // leader again, or they find the new one and kill it too, leaving no quorum.
          killing = (async () => {
            killed = await leaderNode(client);
            await cluster.kill(killed);
          })();
          await killing;
        }
        if (killing && !restarted && acked >= TOTAL * 0.6) restarted = killing.then(() => cluster.start(killed));
      }
    };
    // A reader replays concurrently with the appends a few times.
    const replayer = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await waitFor('more appends', async () => (acked >= (i + 1) * TOTAL * 0.25 ? true : undefined), 60_000);
        await history.record(100, { op: 'replay' }, async () => ({ values: await replayValues() }));
      }
    };
    await Promise.all([...Array.from({ length: 16 }, (_, k) => appender(k)), replayer()]);
    await restarted;
    expect(killed).toBeGreaterThanOrEqual(0);
    // Exactly one server (the leader) went down; the rest of this test relies on a live quorum.
    expect(cluster.kills).toEqual([killed]);

    // Every acknowledged record, exactly once, in sequence order, with its body.
    const all = await reader.replay(0, 0);
    expect(all.length).toBe(TOTAL);
    for (let i = 0; i < all.length; i++) {
      if (all[i].sequence !== i + 1 || !all[i].body.equals(body(i + 1))) throw new Error(`record ${i} is ${all[i].sequence}`);
    }
    // Positions only grow along the log.
    for (let i = 1; i < all.length; i++) expect(all[i].position).toBeGreaterThan(all[i - 1].position);
    await history.record(100, { op: 'replay' }, async () => ({ values: all.filter((r) => (r.sequence - 1) % BATCH === 0).map((r) => r.sequence) }));
    expect(checkOperations(appendLogModel<number>(), history.operations, { timeoutMs: 30_000 })).toBe('ok');

    // The restarted replica catches up: its match index reaches the leader's last index.
    const caughtUp = await waitFor(
      'the restarted replica to catch up',
      async () => {
        const st = await client.status(0);
        const r = st.replicas.find((x) => x.address === cluster.addresses[killed]);
        return r && r.match_index === st.last_index && r.lag === 0 ? st : undefined;
      },
      30_000,
    );
    expect(caughtUp.commit_index).toBeGreaterThan(TOTAL / BATCH);
    // And its own state machine applied every record.
    const own = await waitFor('the restarted replica to apply', async () => {
      const st = await client.status(0, cluster.addresses[killed]);
      return st.records >= TOTAL ? st : undefined;
    });
    expect(own.records).toBe(TOTAL);
  }, 120_000);

  it('a second AcquireWriter fences the first epoch', async () => {
    const first = newClient('node-group-2');
    const second = newClient('node-group-2');
    const e1 = await first.acquireWriter(0);
    await first.appendBatch(0, [{ turn: 1, parts: 1, commitTs: 10, body: Buffer.from('a') }]);
    const e2 = await second.acquireWriter(0);
    expect(e2.epoch).toBe(e1.epoch + 1);
    expect(e2.nextSequence).toBe(2);
    let error: unknown;
    try {
      await first.appendBatch(0, [{ turn: 2, parts: 1, commitTs: 11, body: Buffer.from('stale') }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LogClientError);
    expect((error as LogClientError).code).toBe('STALE_EPOCH');
    await second.appendBatch(0, [{ turn: 2, parts: 1, commitTs: 12, body: Buffer.from('b') }]);
    const replayed = await second.replay(0, 0);
    expect(replayed.map((r) => r.body.toString())).toEqual(['a', 'b']);
    expect(replayed.map((r) => r.epoch)).toEqual([e1.epoch, e2.epoch]);
    // A checkpoint lets the records it covers go: replay after it returns the rest only.
    await second.updateCheckpoint(0, 10);
    expect((await second.replay(0, 0)).map((r) => r.body.toString())).toEqual(['b']);
  }, 60_000);
});
