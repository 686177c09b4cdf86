// Scripted scenarios for specific behaviours, each on a synchronous network with invariant checks.
import { ConfChangeType, MemoryStorage, MessageType, ProposalDroppedError, SeededRand, StateType } from '../src';
import { Cluster, dec, enc } from './harness';

function elected(c: Cluster, id: number): Cluster {
  c.campaign(id);
  expect(c.state(id)).toBe(StateType.Leader);
  return c;
}

describe('election', () => {
  test('a candidate with a quorum of votes becomes leader and commits an entry of its term', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    expect(c.state(2)).toBe(StateType.Follower);
    expect(c.raft(2).lead).toBe(1);
    // The leader's empty entry is committed everywhere.
    for (const id of [1, 2, 3]) expect(c.raft(id).raftLog.committed).toBe(c.raft(1).raftLog.lastIndex());
  });

  test('ticking past the election timeout elects exactly one leader', () => {
    const c = new Cluster([1, 2, 3, 4, 5]);
    c.tickAll(40);
    const leaders = [1, 2, 3, 4, 5].filter((id) => c.state(id) === StateType.Leader);
    expect(leaders).toHaveLength(1);
  });

  test('pre-vote keeps a rejoining partitioned node from disrupting the leader', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    const term = c.raft(1).term;
    c.isolate(3);
    c.tick(3, 100); // many election timeouts alone
    expect(c.raft(3).term).toBe(term); // pre-votes never win, so the term never grows
    expect(c.state(3)).toBe(StateType.PreCandidate);
    c.heal();
    c.tickAll(30);
    expect(c.state(1)).toBe(StateType.Leader);
    expect(c.raft(1).term).toBe(term);
    expect(c.raft(3).lead).toBe(1);
  });

  test('without pre-vote the same rejoining node forces a new election', () => {
    const c = elected(new Cluster([1, 2, 3], { preVote: false, checkQuorum: false }), 1);
    const term = c.raft(1).term;
    c.isolate(3);
    c.tick(3, 100);
    expect(c.raft(3).term).toBeGreaterThan(term + 3);
    c.heal();
    c.tickAll(30);
    expect(c.raft(1).term).toBeGreaterThan(term); // the old leader was deposed
  });

  test('check-quorum: an isolated leader steps down after an election timeout', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.isolate(1);
    c.tick(1, 25);
    expect(c.state(1)).toBe(StateType.Follower);
    // The majority side elects a new leader meanwhile.
    for (let i = 0; i < 40 && ![2, 3].some((id) => c.state(id) === StateType.Leader); i++) {
      c.tick(2);
      c.tick(3);
    }
    expect([2, 3].some((id) => c.state(id) === StateType.Leader)).toBe(true);
  });

  test('a node whose log is behind cannot win an election', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.isolate(3);
    c.propose(1, 'x');
    c.heal();
    c.campaign(3);
    expect(c.state(3)).not.toBe(StateType.Leader);
  });
});

describe('replication', () => {
  test('proposals commit and apply on every replica in order, forwarded from followers too', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.propose(1, 'a');
    c.propose(2, 'b');
    c.propose(3, 'c');
    for (const id of [1, 2, 3]) expect(c.applied(id)).toEqual(['a', 'b', 'c']);
  });

  test('a proposal without a leader is dropped with an error', () => {
    const c = new Cluster([1, 2, 3]);
    expect(() => c.propose(1, 'x')).toThrow(ProposalDroppedError);
  });

  test('entries on a minority do not commit; the majority carries on', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.isolate(2);
    c.isolate(3);
    c.propose(1, 'lost');
    expect(c.applied(1)).toEqual([]);
    c.heal();
    c.tickAll(5);
    expect(c.applied(2)).toEqual(['lost']); // healed: the leader's entry commits after all
  });

  test('flow control: at most maxInflightMsgs appends are in flight to a silent follower', () => {
    const c = elected(new Cluster([1, 2, 3], { maxInflightMsgs: 2, maxSizePerMsg: 1 }), 1);
    c.filter = (m) => !(m.from === 3 && m.type === MessageType.AppResp); // 3's acks are lost
    const before = c.delivered.length;
    for (let i = 0; i < 10; i++) c.propose(1, `e${i}`);
    const appsTo3 = c.delivered.slice(before).filter((m) => m.to === 3 && m.type === MessageType.App && m.entries.length > 0);
    expect(appsTo3.length).toBe(2);
    expect(c.applied(1)).toHaveLength(10); // 1 and 2 form a quorum
    c.heal();
    c.tickAll(3);
    expect(c.applied(3)).toHaveLength(10);
  });

  test('appends are batched: a backlog goes out in few messages when size allows', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.isolate(3);
    for (let i = 0; i < 20; i++) c.propose(1, `e${i}`);
    c.heal();
    const before = c.delivered.length;
    c.tickAll(2);
    const apps = c.delivered.slice(before).filter((m) => m.to === 3 && m.type === MessageType.App && m.entries.length > 0);
    expect(apps.length).toBeLessThanOrEqual(2);
    expect(c.applied(3)).toHaveLength(20);
  });
});

describe('snapshots', () => {
  test('a lagging follower catches up from a snapshot once the leader compacted its log', () => {
    const c = elected(new Cluster([1, 2, 3], { snapshotEvery: 5, compactionSlack: 0 }), 1);
    c.isolate(3);
    for (let i = 0; i < 30; i++) c.propose(1, `e${i}`);
    expect(c.raft(1).raftLog.firstIndex()).toBeGreaterThan(20);
    c.heal();
    const before = c.delivered.length;
    c.tickAll(3);
    expect(c.delivered.slice(before).some((m) => m.to === 3 && m.type === MessageType.Snap)).toBe(true);
    const n3 = c.node(3);
    expect(n3.storage.snapshot().metadata.index).toBeGreaterThan(20);
    expect(n3.appliedIndex).toBe(c.node(1).appliedIndex);
    expect(n3.appliedHash).toBe(c.node(1).appliedHash);
    c.propose(1, 'after');
    expect(c.applied(3)).toContain('after');
  });
});

describe('membership', () => {
  test('a learner joins from a snapshot, does not vote, and is promoted once caught up', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.propose(1, 'before');
    c.add(4);
    c.raw(1).proposeConfChange({ type: ConfChangeType.AddLearner, nodeId: 4 });
    c.stabilize();
    c.tickAll(3);
    expect(c.raw(1).status().confState).toEqual({ voters: [1, 2, 3], learners: [4] });
    expect(c.raw(4).status().confState).toEqual({ voters: [1, 2, 3], learners: [4] });
    expect(c.node(4).appliedIndex).toBe(c.node(1).appliedIndex);
    // A learner never campaigns.
    c.tick(4, 50);
    expect(c.state(4)).toBe(StateType.Follower);
    // A learner's ack does not count: with 2 and 3 down nothing commits.
    c.isolate(2);
    c.isolate(3);
    c.propose(1, 'needs-voters');
    expect(c.applied(1)).not.toContain('needs-voters');
    c.heal();
    c.tickAll(3);
    c.raw(1).proposeConfChange({ type: ConfChangeType.AddNode, nodeId: 4 });
    c.stabilize();
    expect(c.raw(1).status().confState).toEqual({ voters: [1, 2, 3, 4], learners: [] });
    expect(c.raft(4).isLearner).toBe(false);
  });

  test('a learner that has not caught up is not promoted', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.add(4);
    c.raw(1).proposeConfChange({ type: ConfChangeType.AddLearner, nodeId: 4 });
    c.stabilize();
    c.isolate(4);
    c.propose(1, 'x');
    c.raw(1).proposeConfChange({ type: ConfChangeType.AddNode, nodeId: 4 });
    c.stabilize();
    expect(c.raw(1).status().confState.learners).toEqual([4]);
  });

  test('only one conf change may be pending at a time', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.add(4);
    c.add(5);
    c.isolate(2);
    c.isolate(3); // nothing commits, so the first change stays pending
    c.raw(1).proposeConfChange({ type: ConfChangeType.AddLearner, nodeId: 4 });
    c.raw(1).proposeConfChange({ type: ConfChangeType.AddLearner, nodeId: 5 });
    c.heal();
    c.tickAll(3);
    expect(c.raw(1).status().confState.learners).toEqual([4]);
  });

  test('removing a voter shrinks the quorum; a removed leader steps down', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.raw(1).proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: 3 });
    c.stabilize();
    c.isolate(3);
    c.propose(1, 'two-voters');
    expect(c.applied(2)).toContain('two-voters');
    c.raw(1).proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: 1 });
    c.stabilize();
    expect(c.state(1)).toBe(StateType.Follower);
    c.tick(2, 30);
    expect(c.state(2)).toBe(StateType.Leader);
  });
});

describe('leader transfer', () => {
  test('the leader hands over to an up-to-date follower with TimeoutNow', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    const term = c.raft(1).term;
    c.raw(1).transferLeader(2);
    c.stabilize();
    expect(c.state(2)).toBe(StateType.Leader);
    expect(c.raft(2).term).toBe(term + 1);
    expect(c.state(1)).toBe(StateType.Follower);
  });

  test('a lagging transferee is caught up first; proposals are refused meanwhile', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.isolate(3);
    c.propose(1, 'x');
    c.raw(1).transferLeader(3);
    c.stabilize();
    expect(c.raft(1).leadTransferee).toBe(3);
    expect(() => c.propose(1, 'during')).toThrow(ProposalDroppedError);
    c.heal();
    c.tickAll(2);
    expect(c.state(3)).toBe(StateType.Leader);
    expect(c.applied(3)).toEqual(['x']);
  });

  test('a transfer that cannot finish is abandoned after an election timeout', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.isolate(3);
    c.raw(1).transferLeader(3);
    c.stabilize();
    c.tick(1, 12);
    expect(c.raft(1).leadTransferee).toBe(0);
    expect(c.state(1)).toBe(StateType.Leader);
  });
});

describe('ReadIndex', () => {
  test('the leader answers after a heartbeat round with its commit index', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.propose(1, 'a');
    c.raw(1).readIndex(enc('r1'));
    c.stabilize();
    const rs = c.node(1).readStates;
    expect(rs.map((r) => dec(r.requestCtx))).toEqual(['r1']);
    expect(rs[0].index).toBe(c.raft(1).raftLog.committed);
  });

  test('a follower gets the read point through the leader', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.propose(1, 'a');
    c.raw(3).readIndex(enc('r3'));
    c.stabilize();
    const rs = c.node(3).readStates;
    expect(rs.map((r) => dec(r.requestCtx))).toEqual(['r3']);
    expect(rs[0].index).toBe(c.raft(1).raftLog.committed);
  });

  test('an isolated leader cannot confirm a read', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.isolate(1);
    c.raw(1).readIndex(enc('stale'));
    c.tick(1, 5);
    expect(c.node(1).readStates).toEqual([]);
  });
});

describe('storage', () => {
  test('MemoryStorage appends, overwrites a conflicting suffix, compacts and snapshots', () => {
    const s = MemoryStorage.bootstrap({ voters: [1], learners: [] });
    const e = (index: number, term: number) => ({ index, term, type: 0, data: enc(`${index}`) });
    s.append([e(2, 1), e(3, 1), e(4, 1)]);
    s.append([e(3, 2)]);
    expect(s.lastIndex()).toBe(3);
    expect(s.term(3)).toBe(2);
    s.createSnapshot(3, { voters: [1], learners: [] }, enc('sm'));
    s.compact(2);
    expect(s.firstIndex()).toBe(3);
    expect(() => s.entries(2, 3, 100)).toThrow();
    expect(s.entries(3, 4, 100).map((x) => x.term)).toEqual([2]);
    expect(s.snapshot().metadata).toMatchObject({ index: 3, term: 2 });
  });

  test('a crash loses what was not persisted, and a restarted node rejoins', () => {
    const c = elected(new Cluster([1, 2, 3]), 1);
    c.propose(1, 'durable');
    const last = c.raft(1).raftLog.lastIndex();
    c.raw(1).propose(enc('unsynced')); // in memory only: no Ready processed yet
    expect(c.raft(1).raftLog.lastIndex()).toBe(last + 1);
    c.node(1).crash();
    c.node(1).start(new SeededRand(9));
    expect(c.raft(1).raftLog.lastIndex()).toBe(last);
    c.tickAll(40);
    c.node(2).crash();
    const leader = [1, 3].find((id) => c.state(id) === StateType.Leader) as number;
    c.propose(leader, 'while-down');
    c.node(2).start(new SeededRand(10));
    c.tickAll(3);
    for (const id of [1, 2, 3]) expect(c.applied(id)).toEqual(['durable', 'while-down']);
  });
});
