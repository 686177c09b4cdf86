// Public surface of the consensus core, for the log-server and the simulator.
export * from './types';
export type { Config, InjectedFaults } from './raft';
export { ProposalDroppedError, Raft } from './raft';
export type { Ready, Status, PeerProgress } from './rawnode';
export { RawNode } from './rawnode';
export type { Storage, InitialState } from './storage';
export {
  MemoryStorage,
  CompactedError,
  UnavailableError,
  SnapshotTemporarilyUnavailableError,
  SnapshotOutOfDateError,
  copyConfState,
} from './storage';
export type { Rand } from './rand';
export { SeededRand } from './rand';
export { ProgressState } from './progress';
export { applyConfChange, confChangeProblem } from './confchange';
