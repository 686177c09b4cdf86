/**
 * Loads proto/log.proto and proto/health.proto (the wire contract), shared by the log-server and
 * the client, with the message shapes as TypeScript types. Loader options: keepCase (fields stay
 * snake_case), longs as Number (all our integers stay below 2^53), enums as strings, defaults filled.
 */
import fs from 'fs';
import path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** Snapshots carry every record above the writers' checkpoints. */
export const MAX_MESSAGE_BYTES = 1024 * 1024 * 1024;

export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  // Reconnect quickly after a peer restarts (the default backoff grows to minutes).
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
};

const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: false };

/** The proto directory: $STRATA_PROTO_DIR, else the first `proto/log.proto` found walking up. */
export function protoDir(): string {
  const fromEnv = process.env.STRATA_PROTO_DIR;
  if (fromEnv) return fromEnv;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'proto', 'log.proto'))) return path.join(dir, 'proto');
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`proto/log.proto not found above ${__dirname}; set STRATA_PROTO_DIR`);
}

export type ErrorCodeName =
  | 'OK'
  | 'NOT_LEADER'
  | 'STALE_EPOCH'
  | 'UNKNOWN_EPOCH'
  | 'SEQUENCE_GAP'
  | 'NO_SUCH_GROUP'
  | 'UNKNOWN_OUTCOME'
  | 'STORAGE_FAILED'
  | 'INVALID_ARGUMENT'
  | 'UNAVAILABLE';

export interface ErrorMsg {
  code: ErrorCodeName;
  message: string;
  leader_address: string;
}
export interface RecordMsg {
  turn: number;
  parts: number;
  commit_ts: number;
  body: Buffer;
}
export interface AcquireWriterRequestMsg {
  group_id: number;
  writer: string;
}
export interface AcquireWriterResponseMsg {
  error: ErrorMsg | null;
  epoch: number;
  next_sequence: number;
  checkpoint_ts: number;
}
export interface RetireWriterRequestMsg {
  group_id: number;
  writer: string;
}
export interface SimpleResponseMsg {
  error: ErrorMsg | null;
}
export interface AppendRequestMsg {
  group_id: number;
  writer: string;
  epoch: number;
  first_sequence: number;
  records: RecordMsg[];
  request_id: number;
}
export interface AppendAckMsg {
  request_id: number;
  error: ErrorMsg | null;
  first_position: number;
  count: number;
  expected_sequence: number;
}
export interface ReplayRequestMsg {
  group_id: number;
  writer: string;
  after_ts: number;
  batch_records: number;
}
export interface ReplayRecordMsg {
  sequence: number;
  position: number;
  epoch: number;
  record: RecordMsg;
}
export interface ReplayBatchMsg {
  error: ErrorMsg | null;
  records: ReplayRecordMsg[];
  done: boolean;
}
export interface UpdateCheckpointRequestMsg {
  group_id: number;
  writer: string;
  checkpoint_ts: number;
}
export interface StatusRequestMsg {
  group_id: number;
}
export interface ReplicaStatusMsg {
  node_id: number;
  address: string;
  learner: boolean;
  match_index: number;
  lag: number;
  progress_state: string;
}
export interface WriterStatusMsg {
  writer: string;
  epoch: number;
  next_sequence: number;
  checkpoint_ts: number;
  retained_records: number;
}
export interface StatusResponseMsg {
  error: ErrorMsg | null;
  group_id: number;
  node_id: number;
  role: string;
  leader_id: number;
  leader_address: string;
  term: number;
  commit_index: number;
  applied_index: number;
  first_index: number;
  last_index: number;
  snapshot_index: number;
  replicas: ReplicaStatusMsg[];
  writers: WriterStatusMsg[];
  records: number;
  failure: string;
}
export interface PeerMsg {
  node_id: number;
  address: string;
}
export interface CreateGroupRequestMsg {
  group_id: number;
  peers: PeerMsg[];
}
export interface CreateGroupResponseMsg {
  error: ErrorMsg | null;
  created: boolean;
}
export interface GroupSummaryMsg {
  group_id: number;
  node_id: number;
  role: string;
  leader_id: number;
  term: number;
  commit_index: number;
}
export interface ListGroupsResponseMsg {
  groups: GroupSummaryMsg[];
}
export interface AddReplicaRequestMsg {
  group_id: number;
  node_id: number;
  address: string;
  as_learner: boolean;
}
export interface RemoveReplicaRequestMsg {
  group_id: number;
  node_id: number;
}
export interface TransferLeaderRequestMsg {
  group_id: number;
  to_node_id: number;
}
export interface RaftEntryMsg {
  term: number;
  index: number;
  type: number;
  data: Buffer;
}
export interface RaftSnapshotMsg {
  data: Buffer;
  index: number;
  term: number;
  voters: number[];
  learners: number[];
}
export interface RaftMessageMsg {
  group_id: number;
  type: string;
  to: number;
  from: number;
  term: number;
  log_term: number;
  index: number;
  entries: RaftEntryMsg[];
  commit: number;
  snapshot: RaftSnapshotMsg | null;
  has_snapshot: boolean;
  reject: boolean;
  reject_hint: number;
  context: Buffer;
  has_context: boolean;
}
export interface RaftBatchMsg {
  messages: RaftMessageMsg[];
  from_address: string;
}
export interface HealthCheckResponseMsg {
  status: 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
}

type Unary<Req, Res> = (req: Req, meta: grpc.Metadata, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => grpc.ClientUnaryCall;

export interface LogGrpcClient extends grpc.Client {
  AcquireWriter: Unary<AcquireWriterRequestMsg, AcquireWriterResponseMsg>;
  RetireWriter: Unary<RetireWriterRequestMsg, SimpleResponseMsg>;
  Append(meta?: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<AppendRequestMsg, AppendAckMsg>;
  Replay(req: ReplayRequestMsg, meta?: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<ReplayBatchMsg>;
  UpdateCheckpoint: Unary<UpdateCheckpointRequestMsg, SimpleResponseMsg>;
  Status: Unary<StatusRequestMsg, StatusResponseMsg>;
}
export interface LogAdminGrpcClient extends grpc.Client {
  CreateGroup: Unary<CreateGroupRequestMsg, CreateGroupResponseMsg>;
  ListGroups: Unary<Record<string, never>, ListGroupsResponseMsg>;
  AddReplica: Unary<AddReplicaRequestMsg, SimpleResponseMsg>;
  RemoveReplica: Unary<RemoveReplicaRequestMsg, SimpleResponseMsg>;
  TransferLeader: Unary<TransferLeaderRequestMsg, SimpleResponseMsg>;
}
export interface LogPeerGrpcClient extends grpc.Client {
  Raft(meta?: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<RaftBatchMsg, Record<string, never>>;
}
export interface HealthGrpcClient extends grpc.Client {
  Check: Unary<{ service: string }, HealthCheckResponseMsg>;
}

type Ctor<T> = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => T;

export interface LogProtos {
  LogClient: Ctor<LogGrpcClient>;
  LogAdminClient: Ctor<LogAdminGrpcClient>;
  LogPeerClient: Ctor<LogPeerGrpcClient>;
  HealthClient: Ctor<HealthGrpcClient>;
  logService: grpc.ServiceDefinition;
  logAdminService: grpc.ServiceDefinition;
  logPeerService: grpc.ServiceDefinition;
  healthService: grpc.ServiceDefinition;
}

let cached: LogProtos | undefined;

export function loadProtos(): LogProtos {
  if (cached) return cached;
  const dir = protoDir();
  const def = protoLoader.loadSync([path.join(dir, 'log.proto'), path.join(dir, 'health.proto')], { ...LOADER_OPTIONS, includeDirs: [dir] });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    strata: { log: { v1: { Log: grpc.ServiceClientConstructor; LogAdmin: grpc.ServiceClientConstructor; LogPeer: grpc.ServiceClientConstructor } } };
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  const v1 = pkg.strata.log.v1;
  const health = pkg.grpc.health.v1.Health;
  cached = {
    LogClient: v1.Log as unknown as Ctor<LogGrpcClient>,
    LogAdminClient: v1.LogAdmin as unknown as Ctor<LogAdminGrpcClient>,
    LogPeerClient: v1.LogPeer as unknown as Ctor<LogPeerGrpcClient>,
    HealthClient: health as unknown as Ctor<HealthGrpcClient>,
    logService: v1.Log.service,
    logAdminService: v1.LogAdmin.service,
    logPeerService: v1.LogPeer.service,
    healthService: health.service,
  };
  return cached;
}
