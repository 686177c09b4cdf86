// The log service's replicated core, usable without processes or sockets: the log state machine,
// a WAL-backed Raft replica with its driver loop, and the host of many replicas.
export { ByteReader, ByteWriter } from './bytes';
export { decodeCommand, encodeCommand, type Command, type LogRecord } from './commands';
export { LogHost, type LogHostOptions, type PeerTransport } from './host';
export { LogStorage } from './raft-storage';
export { ReplicaDisk, type RecoveredState } from './replica-disk';
export { LogServiceError, Replica, type ReplicaOptions } from './replica';
export { LogStateMachine, bootstrapSnapshotData, type ApplyResult, type ErrorCodeName, type StoredRecord, type WriterSummary } from './state-machine';
