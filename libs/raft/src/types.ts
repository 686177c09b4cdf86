// Wire and state types of the consensus core (the counterpart of etcd's raftpb).

/** A replica's id inside one group; 0 means "nobody". */
export type NodeId = number;
export const NONE: NodeId = 0;

export enum EntryType {
  Normal = 0,
  ConfChange = 1,
}

export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  data: Uint8Array;
}

export enum MessageType {
  // Local messages: never cross the network.
  Hup = 'Hup',
  Beat = 'Beat',
  CheckQuorum = 'CheckQuorum',
  Unreachable = 'Unreachable',
  SnapStatus = 'SnapStatus',
  // Local or forwarded to the leader (term 0).
  Prop = 'Prop',
  TransferLeader = 'TransferLeader',
  ReadIndex = 'ReadIndex',
  // Peer messages.
  App = 'App',
  AppResp = 'AppResp',
  Vote = 'Vote',
  VoteResp = 'VoteResp',
  PreVote = 'PreVote',
  PreVoteResp = 'PreVoteResp',
  Snap = 'Snap',
  Heartbeat = 'Heartbeat',
  HeartbeatResp = 'HeartbeatResp',
  TimeoutNow = 'TimeoutNow',
  ReadIndexResp = 'ReadIndexResp',
}

export interface Message {
  type: MessageType;
  to: NodeId;
  from: NodeId;
  term: number;
  /** App: term of the entry at `index`; Vote: candidate's last term; rejected AppResp: hint term. */
  logTerm: number;
  /** App: index preceding `entries`; AppResp: last matched (or rejected) index; Vote: last index. */
  index: number;
  entries: Entry[];
  commit: number;
  snapshot?: Snapshot;
  reject: boolean;
  rejectHint: number;
  /** ReadIndex request id, or the campaign-transfer marker on votes. */
  context?: Uint8Array;
}

export interface HardState {
  term: number;
  vote: NodeId;
  commit: number;
}

export interface ConfState {
  voters: NodeId[];
  learners: NodeId[];
}

export interface SnapshotMetadata {
  index: number;
  term: number;
  confState: ConfState;
}

export interface Snapshot {
  data: Uint8Array;
  metadata: SnapshotMetadata;
}

export enum ConfChangeType {
  AddNode = 'AddNode',
  AddLearner = 'AddLearner',
  RemoveNode = 'RemoveNode',
}

export interface ConfChange {
  type: ConfChangeType;
  nodeId: NodeId;
}

export enum StateType {
  Follower = 'Follower',
  Candidate = 'Candidate',
  Leader = 'Leader',
  PreCandidate = 'PreCandidate',
}

export interface SoftState {
  lead: NodeId;
  state: StateType;
}

/** The answer to a ReadIndex request: reads are linearizable once `index` has been applied. */
export interface ReadState {
  index: number;
  requestCtx: Uint8Array;
}

export enum SnapshotStatus {
  Finish = 'Finish',
  Failure = 'Failure',
}

export const EMPTY_HARD_STATE: HardState = { term: 0, vote: NONE, commit: 0 };

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === NONE && hs.commit === 0;
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export function isEmptySnapshot(s: Snapshot | undefined): boolean {
  return s === undefined || s.metadata.index === 0;
}

/** A message with every field defaulted, so call sites name only what matters. */
export function msg(fields: Partial<Message> & { type: MessageType }): Message {
  return {
    to: NONE,
    from: NONE,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    ...fields,
  };
}

export function isLocalMessage(t: MessageType): boolean {
  return (
    t === MessageType.Hup ||
    t === MessageType.Beat ||
    t === MessageType.CheckQuorum ||
    t === MessageType.Unreachable ||
    t === MessageType.SnapStatus
  );
}

export function isResponseMessage(t: MessageType): boolean {
  return (
    t === MessageType.AppResp ||
    t === MessageType.VoteResp ||
    t === MessageType.PreVoteResp ||
    t === MessageType.HeartbeatResp ||
    t === MessageType.ReadIndexResp ||
    t === MessageType.Unreachable
  );
}

export function voteResponseType(t: MessageType): MessageType {
  if (t === MessageType.Vote) return MessageType.VoteResp;
  if (t === MessageType.PreVote) return MessageType.PreVoteResp;
  throw new Error(`not a vote message: ${t}`);
}

/** Bytes an entry counts for in size limits (payload plus a fixed header estimate). */
export function entrySize(e: Entry): number {
  return e.data.length + 16;
}

export function entriesSize(ents: readonly Entry[]): number {
  let n = 0;
  for (const e of ents) n += entrySize(e);
  return n;
}

/** Keeps a prefix of `ents` whose size is within maxSize, but always at least one entry. */
export function limitSize(ents: Entry[], maxSize: number): Entry[] {
  if (ents.length === 0) return ents;
  let size = entrySize(ents[0]);
  let limit = 1;
  for (; limit < ents.length; limit++) {
    size += entrySize(ents[limit]);
    if (size > maxSize) break;
  }
  return limit === ents.length ? ents : ents.slice(0, limit);
}

export function bytesEqual(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const CONF_CHANGE_CODES: ConfChangeType[] = [ConfChangeType.AddNode, ConfChangeType.AddLearner, ConfChangeType.RemoveNode];

/** Conf changes travel as entry data: one type byte and a big-endian uint32 node id. */
export function encodeConfChange(cc: ConfChange): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = CONF_CHANGE_CODES.indexOf(cc.type);
  new DataView(out.buffer).setUint32(1, cc.nodeId);
  return out;
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.length !== 5 || data[0] >= CONF_CHANGE_CODES.length) throw new Error('malformed conf change');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { type: CONF_CHANGE_CODES[data[0]], nodeId: view.getUint32(1) };
}
