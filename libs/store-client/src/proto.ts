/**
 * Loads proto/store.proto and proto/health.proto (the wire contract), shared by the store-server
 * and the client, with the message shapes as TypeScript types. Loader options: keepCase (fields
 * stay snake_case), longs as Number (commit_ts < 2^53 is exact), enums as strings, defaults filled.
 */
import fs from 'fs';
import path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** Values of up to Redis's 512 MiB must fit in one message (plus framing). */
export const MAX_MESSAGE_BYTES = 512 * 1024 * 1024 + 1024 * 1024;

export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
};

const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: false };

/**
 * The proto directory: $STRATA_PROTO_DIR, else the first `proto/store.proto` found walking up from
 * this file. That works from the TypeScript source (libs/store-client/src) and from an esbuild
 * bundle (dist/apps/<app>/main.js) alike.
 */
export function protoDir(): string {
  const fromEnv = process.env.STRATA_PROTO_DIR;
  if (fromEnv) return fromEnv;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'proto', 'store.proto'))) return path.join(dir, 'proto');
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`proto/store.proto not found above ${__dirname}; set STRATA_PROTO_DIR`);
}

export type ConsistencyName = 'CONSISTENCY_DEFAULT' | 'CONSISTENCY_ONE' | 'CONSISTENCY_QUORUM' | 'CONSISTENCY_ALL';

export interface KeyRefMsg {
  table: string;
  slot: number;
  key: Buffer;
}
export interface ItemMsg extends KeyRefMsg {
  value: Buffer;
  tombstone: boolean;
  commit_ts: number;
  expire_at: number;
}
export interface ReadRequestMsg {
  id: number;
  refs: KeyRefMsg[];
}
export interface ReadResultMsg {
  found: boolean;
  value: Buffer;
  commit_ts: number;
  expire_at: number;
}
export interface ReadResponseMsg {
  id: number;
  results: ReadResultMsg[];
  error_code: number;
  error_message: string;
}
export interface BatchWriteRequestMsg {
  items: ItemMsg[];
  consistency: ConsistencyName;
}
export interface ScanRequestMsg {
  table: string;
  slot_from: number;
  slot_to: number;
  cursor: Buffer;
  limit: number;
}
export interface ScanResponseMsg {
  items: ItemMsg[];
  done: boolean;
  has_cursor: boolean;
  cursor: Buffer;
}
export interface DeleteRangeRequestMsg {
  table: string;
  slot_from: number;
  slot_to: number;
}
export interface ClearTableRequestMsg {
  table: string;
}
export interface SwapTablesRequestMsg {
  a: string;
  b: string;
}
export interface MetaRowMsg {
  name: string;
  value: Buffer;
}
export interface SnapshotChunkMsg {
  items: ItemMsg[];
  meta: MetaRowMsg[];
}
export interface StatsResponseMsg {
  keys: number;
  bytes: number;
}
export interface GetMetaRequestMsg {
  name: string;
}
export interface GetMetaResponseMsg {
  found: boolean;
  value: Buffer;
}
export interface PutMetaRequestMsg {
  name: string;
  value: Buffer;
  consistency: ConsistencyName;
}
export interface InfoResponseMsg {
  kind: string;
  max_key_bytes: number;
  max_message_bytes: number;
}
export type EmptyMsg = Record<string, never>;

export interface HealthCheckResponseMsg {
  status: 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
}

type UnaryCallback<T> = (err: grpc.ServiceError | null, value?: T) => void;
type Unary<Req, Res> = (request: Req, options: grpc.CallOptions, callback: UnaryCallback<Res>) => grpc.ClientUnaryCall;

/** The generated client of strata.store.v1.Store. */
export interface StoreGrpcClient extends grpc.Client {
  Read(options?: grpc.CallOptions): grpc.ClientDuplexStream<ReadRequestMsg, ReadResponseMsg>;
  BatchWrite: Unary<BatchWriteRequestMsg, EmptyMsg>;
  Scan(request: ScanRequestMsg, options?: grpc.CallOptions): grpc.ClientReadableStream<ScanResponseMsg>;
  DeleteRange: Unary<DeleteRangeRequestMsg, EmptyMsg>;
  ClearTable: Unary<ClearTableRequestMsg, EmptyMsg>;
  SwapTables: Unary<SwapTablesRequestMsg, EmptyMsg>;
  Snapshot(request: EmptyMsg, options?: grpc.CallOptions): grpc.ClientReadableStream<SnapshotChunkMsg>;
  Restore(options: grpc.CallOptions, callback: UnaryCallback<EmptyMsg>): grpc.ClientWritableStream<SnapshotChunkMsg>;
  Stats: Unary<EmptyMsg, StatsResponseMsg>;
  GetMeta: Unary<GetMetaRequestMsg, GetMetaResponseMsg>;
  PutMeta: Unary<PutMetaRequestMsg, EmptyMsg>;
  Info: Unary<EmptyMsg, InfoResponseMsg>;
}

export interface HealthGrpcClient extends grpc.Client {
  Check: Unary<{ service: string }, HealthCheckResponseMsg>;
}

export interface LoadedProtos {
  storeService: grpc.ServiceDefinition;
  healthService: grpc.ServiceDefinition;
  StoreClient: new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => StoreGrpcClient;
  HealthClient: new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => HealthGrpcClient;
}

let loaded: LoadedProtos | undefined;

export function loadProtos(): LoadedProtos {
  if (loaded) return loaded;
  const dir = protoDir();
  const definition = protoLoader.loadSync([path.join(dir, 'store.proto'), path.join(dir, 'health.proto')], { ...LOADER_OPTIONS, includeDirs: [dir] });
  const root = grpc.loadPackageDefinition(definition);
  const store = (root.strata as grpc.GrpcObject).store as grpc.GrpcObject;
  const storeCtor = (store.v1 as grpc.GrpcObject).Store as grpc.ServiceClientConstructor;
  const healthCtor = ((root.grpc as grpc.GrpcObject).health as grpc.GrpcObject).v1 as grpc.GrpcObject;
  const healthClient = healthCtor.Health as grpc.ServiceClientConstructor;
  loaded = {
    storeService: storeCtor.service,
    healthService: healthClient.service,
    StoreClient: storeCtor as unknown as LoadedProtos['StoreClient'],
    HealthClient: healthClient as unknown as LoadedProtos['HealthClient'],
  };
  return loaded;
}
