// The Raft paper's Figure 8, scripted: an entry of an older term replicated to a majority must not
// commit by counting. With the bug injected, the checker reports the lost committed entry.
import { EntryType, MessageType, SeededRand, StateType } from '../src';
import { InjectedFaults } from '../src';
import { Cluster } from './harness';

function campaignUntilLeader(c: Cluster, id: number): void {
  for (let i = 0; i < 3 && c.state(id) !== StateType.Leader; i++) c.campaign(id);
  expect(c.state(id)).toBe(StateType.Leader);
}

/** Runs the scenario; returns node 1's commit index while it led term 4 with index 3 on a majority. */
function figure8(faults?: InjectedFaults): number {
  const c = new Cluster([1, 2, 3, 4, 5], { preVote: false, checkQuorum: false, maxSizePerMsg: 1, faults });
  c.campaign(1); // term 2; index 2 (its empty entry) commits everywhere
  // (a) Leader 1 replicates index 3 (term 2) to node 2 only.
  c.isolate(1);
  c.cut.delete('1->2');
  c.cut.delete('2->1');
  c.propose(1, 'a');
  expect(c.raft(2).raftLog.lastTerm()).toBe(2);
  // (b) 1 crashes; 5 wins term 3 with votes of 3 and 4, and appends index 3 (term 3) only locally.
  c.node(1).crash();
  c.heal();
  c.filter = (m) => !(m.from === 5 && m.type === MessageType.App);
  c.campaign(5);
  expect(c.state(5)).toBe(StateType.Leader);
  expect(c.raft(5).raftLog.lastTerm()).toBe(3);
  // (c) 5 crashes; 1 restarts and wins term 4, spreading index 3 (term 2) to a majority while its
  // own term-4 entry reaches only node 2.
  c.node(5).crash();
  c.node(1).start(new SeededRand(1));
  c.filter = (m) => !(m.type === MessageType.App && m.to !== 2 && m.entries.some((e) => e.index >= 4) && (c.node(m.to).raw?.raft.raftLog.lastIndex() ?? 0) >= 3);
  campaignUntilLeader(c, 1);
  c.tick(1, 2);
  expect(c.raft(3).raftLog.lastIndex()).toBe(3);
  expect(c.raft(3).raftLog.term(3)).toBe(2);
  const commitInTerm4 = c.raft(1).raftLog.committed;
  // (d) 1 crashes; 5 restarts and wins term 5 with votes of 3 and 4: its index 3 (term 3) wins.
  c.node(1).crash();
  c.heal();
  c.node(5).start(new SeededRand(5));
  campaignUntilLeader(c, 5);
  c.tickAll(3);
  expect(c.raft(5).raftLog.term(3)).toBe(3);
  expect(c.node(2).raw?.raft.raftLog.committed).toBeGreaterThanOrEqual(3);
  return commitInTerm4;
}

test('figure 8: an older-term entry on a majority does not commit by counting', () => {
  expect(figure8()).toBe(2);
});

test('figure 8: with commit-by-counting injected, the checker reports leader completeness', () => {
  expect(() => figure8({ commitOlderTermsByCounting: true })).toThrow(/leader completeness|committed entry lost/);
});

test('entry types: the empty entry a new leader appends is a normal entry of its term', () => {
  const c = new Cluster([1, 2, 3]);
  c.campaign(2);
  const log = c.raft(2).raftLog;
  const last = log.slice(log.lastIndex(), log.lastIndex() + 1, 1 << 20)[0];
  expect(last).toMatchObject({ type: EntryType.Normal, term: c.raft(2).term });
  expect(last.data.length).toBe(0);
});
