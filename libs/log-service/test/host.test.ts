/**
 * Three LogHosts in one process over an in-memory transport: elections, appends with dedup and
 * fencing, replay, checkpoint + compaction, restart from the WAL, a joiner catching up by snapshot.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { Message } from '@strata/raft';
import { ApplyResult, LogHost, LogServiceError, Replica } from '../src';

const root = mkdtempSync(path.join(tmpdir(), 'strata-log-service-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

class Net {
  readonly hosts = new Map<string, LogHost>();
  transport(from: string) {
    return {
      send: (address: string, groupId: number, messages: Message[]) => {
        // Deliver asynchronously, like a socket would.
        setImmediate(() => {
          const h = this.hosts.get(address);
          if (h) for (const m of messages) h.receive(from, groupId, m);
        });
      },
    };
  }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const addresses = ['a:1', 'b:2', 'c:3'];
const peers = new Map(addresses.map((a, i) => [i + 1, a]));

async function startHost(net: Net, dir: string, address: string, tuning = {}): Promise<LogHost> {
  const host = new LogHost({
    storagePath: path.join(root, dir, address.replace(':', '_')),
    transport: net.transport(address),
    tickMs: 10,
    replicaTuning: tuning,
    log: () => undefined,
  });
  net.hosts.set(address, host);
  await host.open();
  return host;
}

function leaderOf(net: Net, group: number): Replica | undefined {
  for (const h of net.hosts.values()) {
    const r = h.replicas.get(group);
    if (r?.isLeader) return r;
  }
  return undefined;
}

const rec = (i: number) => ({ turn: i, parts: 1, commitTs: 1000 + i, body: Buffer.from(`r${i}`) });

async function append(leader: Replica, writer: string, epoch: number, first: number, n: number): Promise<ApplyResult> {
  const records = Array.from({ length: n }, (_, k) => rec(first + k));
  return leader.propose((proposalId) => ({ kind: 'append', proposalId, writer, epoch, firstSequence: first, records }));
}

describe('LogHost', () => {
  it('replicates appends, dedups resends, fences old epochs, replays, restarts from the WAL', async () => {
    const net = new Net();
    const hosts = await Promise.all(addresses.map((a) => startHost(net, 't1', a, { snapshotEntries: 8, compactionSlack: 3 })));
    await Promise.all(hosts.map((h, i) => h.bootstrapGroup(7, i + 1, peers)));
    let leader = await until('a leader', () => leaderOf(net, 7));

    const acq = await leader.propose((proposalId) => ({ kind: 'acquire', proposalId, writer: 'w' }));
    expect(acq).toEqual({ kind: 'acquire', epoch: 1, nextSequence: 1, checkpointTs: 0 });
    for (let s = 1; s <= 100; s += 10) expect(await append(leader, 'w', 1, s, 10)).toMatchObject({ code: 'OK', firstPosition: s, count: 10 });
    // A resend of an applied batch gets its original positions and changes nothing.
    expect(await append(leader, 'w', 1, 41, 10)).toMatchObject({ code: 'OK', firstPosition: 41 });
    expect(await append(leader, 'w', 1, 150, 1)).toMatchObject({ code: 'SEQUENCE_GAP', expectedSequence: 101 });
    expect(leader.sm.recordCount).toBe(100);

    const acq2 = await leader.propose((proposalId) => ({ kind: 'acquire', proposalId, writer: 'w' }));
    expect(acq2).toMatchObject({ epoch: 2, nextSequence: 101 });
    expect(await append(leader, 'w', 1, 101, 1)).toMatchObject({ code: 'STALE_EPOCH' });
    expect(await append(leader, 'w', 2, 101, 5)).toMatchObject({ code: 'OK', firstPosition: 101 });

    await leader.readBarrier();
    expect(leader.sm.recordsAfter('w', 0).map((r) => r.sequence)).toEqual(Array.from({ length: 105 }, (_, i) => i + 1));
    // Checkpoint: records with commitTs <= 1050 may go; replay returns the rest.
    await leader.propose((proposalId) => ({ kind: 'checkpoint', proposalId, writer: 'w', checkpointTs: 1050 }));
    expect(leader.sm.recordsAfter('w', 0)[0].sequence).toBe(51);
    // Snapshots were taken (every 8 entries) and the log compacted.
    expect(leader.storage.snapshot().metadata.index).toBeGreaterThan(1);
    expect(leader.storage.firstIndex()).toBeGreaterThan(2);

    // Every replica applied the same state.
    await until('followers applied', () => (hosts.every((h) => h.replicas.get(7)!.sm.recordCount === 105) ? true : undefined));

    // Restart all three from their WALs: same state, and they go on.
    await Promise.all(hosts.map((h) => h.close()));
    const again = await Promise.all(addresses.map((a) => startHost(net, 't1', a, { snapshotEntries: 8, compactionSlack: 3 })));
    leader = await until('a leader after restart', () => leaderOf(net, 7));
    await leader.readBarrier();
    expect(leader.sm.recordCount).toBe(105);
    expect(leader.sm.recordsAfter('w', 0).map((r) => r.sequence)[0]).toBe(51);
    expect(await append(leader, 'w', 2, 106, 1)).toMatchObject({ code: 'OK', firstPosition: 106 });
    expect(await append(leader, 'w', 1, 107, 1)).toMatchObject({ code: 'STALE_EPOCH' });
    await Promise.all(again.map((h) => h.close()));
  }, 60_000);

  it('a proposal on a follower is refused with the leader id', async () => {
    const net = new Net();
    const hosts = await Promise.all(addresses.map((a) => startHost(net, 't2', a)));
    await Promise.all(hosts.map((h, i) => h.bootstrapGroup(1, i + 1, peers)));
    const leader = await until('a leader', () => leaderOf(net, 1));
    const follower = hosts.map((h) => h.replicas.get(1)!).find((r) => r !== leader)!;
    await until('follower knows leader', () => (follower.leaderId === leader.nodeId ? true : undefined));
    let error: unknown;
    try {
      await follower.propose((proposalId) => ({ kind: 'acquire', proposalId, writer: 'x' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LogServiceError);
    expect((error as LogServiceError).code).toBe('NOT_LEADER');
    expect((error as LogServiceError).leaderId).toBe(leader.nodeId);
    await Promise.all(hosts.map((h) => h.close()));
  }, 30_000);
});
