/**
 * strata.log.v1.Log and LogAdmin handlers over the host's replicas. Failures are answered in the
 * responses' Error field (codes of the proto), never as a crash; NOT_LEADER names the leader.
 */
import * as grpc from '@grpc/grpc-js';
import { ConfChangeType, ProgressState, StateType } from '@strata/raft';
import type {
  AcquireWriterRequestMsg,
  AcquireWriterResponseMsg,
  AddReplicaRequestMsg,
  AppendAckMsg,
  AppendRequestMsg,
  CreateGroupRequestMsg,
  CreateGroupResponseMsg,
  ErrorMsg,
  ListGroupsResponseMsg,
  RemoveReplicaRequestMsg,
  ReplayBatchMsg,
  ReplayRequestMsg,
  RetireWriterRequestMsg,
  SimpleResponseMsg,
  StatusRequestMsg,
  StatusResponseMsg,
  TransferLeaderRequestMsg,
  UpdateCheckpointRequestMsg,
} from '@strata/log-client';
import { LogHost, LogServiceError, Replica } from '@strata/log-service';
import type { Logger } from '@strata/telemetry';

export interface ServiceContext {
  host(): LogHost | undefined;
  selfAddress: string;
  log: Logger;
}

const DEFAULT_REPLAY_BATCH = 1000;

function errorOf(ctx: ServiceContext, groupId: number, e: unknown): ErrorMsg {
  if (e instanceof LogServiceError) {
    const leaderAddress = e.code === 'NOT_LEADER' && e.leaderId ? (ctx.host()?.addressOf(groupId, e.leaderId) ?? '') : '';
    return { code: e.code, message: e.message, leader_address: leaderAddress };
  }
  return { code: 'UNAVAILABLE', message: e instanceof Error ? e.message : String(e), leader_address: '' };
}

function replicaOf(ctx: ServiceContext, groupId: number): Replica {
  const host = ctx.host();
  if (!host) throw new LogServiceError('UNAVAILABLE', 'log-server is starting');
  const r = host.replicas.get(groupId);
  if (!r) throw new LogServiceError('NO_SUCH_GROUP', `no replica of group ${groupId} on ${ctx.selfAddress}`);
  return r;
}

/** Runs a unary handler whose failures become the response's error field. */
function unary<Req, Res extends { error: ErrorMsg | null }>(
  ctx: ServiceContext,
  groupOf: (req: Req) => number,
  empty: Omit<Res, 'error'>,
  run: (req: Req) => Promise<Omit<Res, 'error'>>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    run(call.request).then(
      (res) => callback(null, { ...res, error: null } as Res),
      (e: unknown) => callback(null, { ...empty, error: errorOf(ctx, groupOf(call.request), e) } as Res),
    );
  };
}

export function createLogService(ctx: ServiceContext): grpc.UntypedServiceImplementation {
  const acquireWriter = unary<AcquireWriterRequestMsg, AcquireWriterResponseMsg>(
    ctx,
    (r) => r.group_id,
    { epoch: 0, next_sequence: 0, checkpoint_ts: 0 },
    async (req) => {
      if (!req.writer) throw new LogServiceError('INVALID_ARGUMENT', 'writer must not be empty');
      const result = await replicaOf(ctx, req.group_id).propose((proposalId) => ({ kind: 'acquire', proposalId, writer: req.writer }));
      if (result.kind !== 'acquire') throw new Error('unexpected apply result');
      ctx.log.info('writer acquired', { group: req.group_id, writer: req.writer, epoch: result.epoch });
      return { epoch: result.epoch, next_sequence: result.nextSequence, checkpoint_ts: result.checkpointTs };
    },
  );

  const retireWriter = unary<RetireWriterRequestMsg, SimpleResponseMsg>(ctx, (r) => r.group_id, {}, async (req) => {
    await replicaOf(ctx, req.group_id).propose((proposalId) => ({ kind: 'retire', proposalId, writer: req.writer }));
    return {};
  });

  const updateCheckpoint = unary<UpdateCheckpointRequestMsg, SimpleResponseMsg>(ctx, (r) => r.group_id, {}, async (req) => {
    await replicaOf(ctx, req.group_id).propose((proposalId) => ({ kind: 'checkpoint', proposalId, writer: req.writer, checkpointTs: req.checkpoint_ts }));
    return {};
  });

  const append: grpc.handleBidiStreamingCall<AppendRequestMsg, AppendAckMsg> = (call) => {
    const ack = (req: AppendRequestMsg, fields: Partial<AppendAckMsg>): void => {
      if (call.cancelled || call.writableEnded) return;
      call.write({ request_id: req.request_id, error: null, first_position: 0, count: 0, expected_sequence: 0, ...fields });
    };
    call.on('data', (req: AppendRequestMsg) => {
      let replica: Replica;
      try {
        replica = replicaOf(ctx, req.group_id);
        // Cheap early refusal of a fenced writer; the apply-time check is the authoritative one.
        if (req.epoch < replica.sm.writerEpoch(req.writer)) {
          throw new LogServiceError('STALE_EPOCH', `epoch ${req.epoch} of writer '${req.writer}' was fenced by epoch ${replica.sm.writerEpoch(req.writer)}`);
        }
      } catch (e) {
        ack(req, { error: errorOf(ctx, req.group_id, e) });
        return;
      }
      const records = req.records.map((r) => ({ turn: r.turn, parts: r.parts, commitTs: r.commit_ts, body: r.body }));
      replica
        .propose((proposalId) => ({ kind: 'append', proposalId, writer: req.writer, epoch: req.epoch, firstSequence: req.first_sequence, records }))
        .then(
          (result) => {
            if (result.kind !== 'append') throw new Error('unexpected apply result');
            if (result.code === 'OK') ack(req, { first_position: result.firstPosition, count: result.count });
            else
              ack(req, {
                error: { code: result.code, message: result.message, leader_address: '' },
                expected_sequence: result.code === 'SEQUENCE_GAP' ? result.expectedSequence : 0,
              });
          },
          (e: unknown) => ack(req, { error: errorOf(ctx, req.group_id, e) }),
        );
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  };

  const replay: grpc.handleServerStreamingCall<ReplayRequestMsg, ReplayBatchMsg> = (call) => {
    const req = call.request;
    const run = async (): Promise<void> => {
      const replica = replicaOf(ctx, req.group_id);
      await replica.readBarrier();
      const records = replica.sm.recordsAfter(req.writer, req.after_ts);
      const per = req.batch_records > 0 ? req.batch_records : DEFAULT_REPLAY_BATCH;
      for (let i = 0; i < records.length && !call.cancelled; i += per) {
        const batch = records.slice(i, i + per).map((r) => ({
          sequence: r.sequence,
          position: r.position,
          epoch: r.epoch,
          record: { turn: r.turn, parts: r.parts, commit_ts: r.commitTs, body: r.body },
        }));
        if (!call.write({ error: null, records: batch, done: false })) await new Promise((resolve) => call.once('drain', resolve));
      }
      call.write({ error: null, records: [], done: true });
      call.end();
    };
    run().catch((e: unknown) => {
      if (call.cancelled) return;
      call.write({ error: errorOf(ctx, req.group_id, e), records: [], done: true });
      call.end();
    });
  };

  const status: grpc.handleUnaryCall<StatusRequestMsg, StatusResponseMsg> = (call, callback) => {
    try {
      callback(null, statusOf(ctx, replicaOf(ctx, call.request.group_id)));
    } catch (e) {
      callback(null, { ...emptyStatus(), error: errorOf(ctx, call.request.group_id, e) });
    }
  };

  return {
    AcquireWriter: acquireWriter,
    RetireWriter: retireWriter,
    Append: append,
    Replay: replay,
    UpdateCheckpoint: updateCheckpoint,
    Status: status,
  } as grpc.UntypedServiceImplementation;
}

function emptyStatus(): StatusResponseMsg {
  return {
    error: null,
    group_id: 0,
    node_id: 0,
    role: '',
    leader_id: 0,
    leader_address: '',
    term: 0,
    commit_index: 0,
    applied_index: 0,
    first_index: 0,
    last_index: 0,
    snapshot_index: 0,
    replicas: [],
    writers: [],
    records: 0,
    failure: '',
  };
}

export function statusOf(ctx: ServiceContext, r: Replica): StatusResponseMsg {
  const st = r.status();
  const last = r.storage.lastIndex();
  const members = [...r.confState.voters.map((id) => ({ id, learner: false })), ...r.confState.learners.map((id) => ({ id, learner: true }))];
  return {
    error: null,
    group_id: r.groupId,
    node_id: r.nodeId,
    role: r.failure ? 'Failed' : st.state,
    leader_id: st.lead,
    leader_address: st.lead ? (ctx.host()?.addressOf(r.groupId, st.lead) ?? '') : '',
    term: st.term,
    commit_index: st.commit,
    applied_index: r.appliedIndex,
    first_index: r.storage.firstIndex(),
    last_index: last,
    snapshot_index: r.storage.snapshot().metadata.index,
    replicas: members.map(({ id, learner }) => {
      const pr = st.progress.get(id);
      return {
        node_id: id,
        address: ctx.host()?.addressOf(r.groupId, id) ?? '',
        learner,
        match_index: pr?.match ?? 0,
        lag: pr ? Math.max(0, last - pr.match) : 0,
        progress_state: pr ? pr.state : '',
      };
    }),
    writers: r.sm.summaries().map((w) => ({
      writer: w.writer,
      epoch: w.epoch,
      next_sequence: w.nextSequence,
      checkpoint_ts: w.checkpointTs,
      retained_records: w.retainedRecords,
    })),
    records: r.sm.recordCount,
    failure: r.failure?.message ?? '',
  };
}

/** Polls `done` every few ms until it holds or the deadline passes (admin RPCs only). */
async function waitUntil(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new LogServiceError('UNAVAILABLE', `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function createAdminService(ctx: ServiceContext): grpc.UntypedServiceImplementation {
  const createGroup = unary<CreateGroupRequestMsg, CreateGroupResponseMsg>(ctx, (r) => r.group_id, { created: false }, async (req) => {
    const host = ctx.host();
    if (!host) throw new LogServiceError('UNAVAILABLE', 'log-server is starting');
    const self = req.peers.find((p) => p.address === ctx.selfAddress);
    if (!self) throw new LogServiceError('INVALID_ARGUMENT', `this server (${ctx.selfAddress}) is not among the peers`);
    if (req.peers.some((p) => p.node_id === 0)) throw new LogServiceError('INVALID_ARGUMENT', 'node ids start at 1');
    const created = await host.bootstrapGroup(req.group_id, self.node_id, new Map(req.peers.map((p) => [p.node_id, p.address])));
    return { created };
  });

  const listGroups: grpc.handleUnaryCall<Record<string, never>, ListGroupsResponseMsg> = (_call, callback) => {
    const host = ctx.host();
    const groups = host
      ? [...host.replicas.values()].map((r) => {
          const st = r.status();
          return { group_id: r.groupId, node_id: r.nodeId, role: r.failure ? 'Failed' : st.state, leader_id: st.lead, term: st.term, commit_index: st.commit };
        })
      : [];
    callback(null, { groups: groups.sort((a, b) => a.group_id - b.group_id) });
  };

  const addReplica = unary<AddReplicaRequestMsg, SimpleResponseMsg>(ctx, (r) => r.group_id, {}, async (req) => {
    const r = replicaOf(ctx, req.group_id);
    if (req.node_id === 0 || !req.address) throw new LogServiceError('INVALID_ARGUMENT', 'node_id (>= 1) and address are required');
    // The address first (conf change entries carry only the id), then the learner.
    await r.propose((proposalId) => ({ kind: 'peer', proposalId, nodeId: req.node_id, address: req.address }));
    r.proposeConfChange({ type: ConfChangeType.AddLearner, nodeId: req.node_id });
    await waitUntil('the learner to join', () => r.confState.learners.includes(req.node_id) || r.confState.voters.includes(req.node_id), 10_000);
    if (req.as_learner || r.confState.voters.includes(req.node_id)) return {};
    // Promote once caught up, so the new voter does not stall commits while it catches up.
    await waitUntil('the learner to catch up', () => (r.progress().get(req.node_id)?.match ?? 0) >= r.status().commit, 60_000);
    r.proposeConfChange({ type: ConfChangeType.AddNode, nodeId: req.node_id });
    await waitUntil('the promotion', () => r.confState.voters.includes(req.node_id), 10_000);
    return {};
  });

  const removeReplica = unary<RemoveReplicaRequestMsg, SimpleResponseMsg>(ctx, (r) => r.group_id, {}, async (req) => {
    const r = replicaOf(ctx, req.group_id);
    r.proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: req.node_id });
    await waitUntil('the removal', () => !r.confState.voters.includes(req.node_id) && !r.confState.learners.includes(req.node_id), 10_000);
    return {};
  });

  const transferLeader = unary<TransferLeaderRequestMsg, SimpleResponseMsg>(ctx, (r) => r.group_id, {}, async (req) => {
    const r = replicaOf(ctx, req.group_id);
    if (r.nodeId === req.to_node_id) return {};
    const pr = r.progress().get(req.to_node_id);
    if (!pr || pr.isLearner) throw new LogServiceError('INVALID_ARGUMENT', `node ${req.to_node_id} is not a voter of group ${req.group_id}`);
    if (pr.state === ProgressState.Snapshot) throw new LogServiceError('UNAVAILABLE', `node ${req.to_node_id} is still receiving a snapshot`);
    r.transferLeader(req.to_node_id);
    await waitUntil('the new leader', () => r.raw.raft.state !== StateType.Leader && r.leaderId === req.to_node_id, 10_000);
    return {};
  });

  return {
    CreateGroup: createGroup,
    ListGroups: listGroups,
    AddReplica: addReplica,
    RemoveReplica: removeReplica,
    TransferLeader: transferLeader,
  } as grpc.UntypedServiceImplementation;
}
