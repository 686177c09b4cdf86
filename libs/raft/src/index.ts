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
// The simulator, reusable by later process-level tests.
export { runSeed, Simulation } from './sim/simulation';
export type { SimOptions, SimResult } from './sim/simulation';
export { Checker, InvariantViolation } from './sim/checker';
export { SimNode } from './sim/node';
export type { NodeOptions } from './sim/node';
