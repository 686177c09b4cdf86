/**
 * Raft traffic between log-servers: one long-lived LogPeer.Raft stream per destination server,
 * carrying every message for it that was produced in one event-loop turn, across all groups, as
 * one RaftBatch. Raft tolerates loss, so a broken stream drops messages and is re-opened on the
 * next send, and a congested one drops appends rather than buffering without bound.
 */
import * as grpc from '@grpc/grpc-js';
import { Entry, Message, MessageType } from '@strata/raft';
import { CHANNEL_OPTIONS, LogPeerGrpcClient, RaftBatchMsg, RaftMessageMsg, loadProtos } from '@strata/log-client';
import type { LogHost, PeerTransport } from '@strata/log-service';
import type { Logger } from '@strata/telemetry';

const EMPTY = Buffer.alloc(0);

export function toWire(groupId: number, m: Message): RaftMessageMsg {
  const s = m.snapshot;
  return {
    group_id: groupId,
    type: m.type,
    to: m.to,
    from: m.from,
    term: m.term,
    log_term: m.logTerm,
    index: m.index,
    entries: m.entries.map((e) => ({ term: e.term, index: e.index, type: e.type, data: Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength) })),
    commit: m.commit,
    snapshot: s
      ? {
          data: Buffer.from(s.data.buffer, s.data.byteOffset, s.data.byteLength),
          index: s.metadata.index,
          term: s.metadata.term,
          voters: s.metadata.confState.voters,
          learners: s.metadata.confState.learners,
        }
      : null,
    has_snapshot: s !== undefined,
    reject: m.reject,
    reject_hint: m.rejectHint,
    context: m.context ? Buffer.from(m.context) : EMPTY,
    has_context: m.context !== undefined,
  };
}

export function fromWire(w: RaftMessageMsg): Message {
  const m: Message = {
    type: w.type as MessageType,
    to: w.to,
    from: w.from,
    term: w.term,
    logTerm: w.log_term,
    index: w.index,
    entries: w.entries.map((e): Entry => ({ term: e.term, index: e.index, type: e.type, data: e.data })),
    commit: w.commit,
    reject: w.reject,
    rejectHint: w.reject_hint,
  };
  if (w.has_snapshot && w.snapshot) {
    m.snapshot = {
      data: w.snapshot.data,
      metadata: { index: w.snapshot.index, term: w.snapshot.term, confState: { voters: w.snapshot.voters, learners: w.snapshot.learners } },
    };
  }
  if (w.has_context) m.context = w.context;
  return m;
}

interface PeerLink {
  client: LogPeerGrpcClient;
  stream: grpc.ClientDuplexStream<RaftBatchMsg, Record<string, never>> | undefined;
  queue: RaftMessageMsg[];
  congested: boolean;
  dropped: number;
  /** When a broken stream was last logged (at most one line per peer every few seconds). */
  lastLoggedAt: number;
  unloggedBreaks: number;
}

const LOG_BREAKS_EVERY_MS = 5000;

export class GrpcPeerTransport implements PeerTransport {
  private readonly links = new Map<string, PeerLink>();
  private flushScheduled = false;
  private closed = false;

  constructor(
    private readonly selfAddress: string,
    private readonly log: Logger,
  ) {}

  send(address: string, groupId: number, messages: Message[]): void {
    if (this.closed) return;
    let link = this.links.get(address);
    if (!link) {
      const { LogPeerClient } = loadProtos();
      link = { client: new LogPeerClient(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS), stream: undefined, queue: [], congested: false, dropped: 0, lastLoggedAt: 0, unloggedBreaks: 0 };
      this.links.set(address, link);
    }
    for (const m of messages) link.queue.push(toWire(groupId, m));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const [address, link] of this.links) {
      if (link.queue.length === 0) continue;
      const messages = link.queue;
      link.queue = [];
      // While the stream is congested, appends carrying entries are dropped (Raft resends them);
      // small control messages (heartbeats, votes, responses) still go, or a busy leader would
      // lose its quorum contact and step down.
      const toSend = link.congested ? messages.filter((m) => m.entries.length === 0 && !m.has_snapshot) : messages;
      link.dropped += messages.length - toSend.length;
      if (toSend.length === 0) continue;
      const stream = link.stream ?? this.openStream(address, link);
      if (!stream.write({ messages: toSend, from_address: this.selfAddress }) && !link.congested) {
        link.congested = true;
        stream.once('drain', () => (link.congested = false));
      }
    }
  }

  private openStream(address: string, link: PeerLink): grpc.ClientDuplexStream<RaftBatchMsg, Record<string, never>> {
    const stream = link.client.Raft();
    link.stream = stream;
    link.congested = false;
    const drop = (why: string) => {
      if (link.stream !== stream) return;
      link.stream = undefined;
      link.congested = false;
      // A dead peer breaks every new stream at once; log the first break and then a count.
      const now = Date.now();
      if (now - link.lastLoggedAt < LOG_BREAKS_EVERY_MS) {
        link.unloggedBreaks++;
        return;
      }
      this.log.info('peer stream closed', { peer: address, why, since_last_logged: link.unloggedBreaks, dropped_appends: link.dropped });
      link.lastLoggedAt = now;
      link.unloggedBreaks = 0;
    };
    stream.on('error', (e: Error) => drop(e.message));
    stream.on('end', () => drop('end'));
    stream.on('data', () => undefined);
    return stream;
  }

  close(): void {
    this.closed = true;
    for (const link of this.links.values()) {
      link.stream?.cancel();
      link.client.close();
    }
    this.links.clear();
  }
}

/** LogPeer service: delivers incoming batches to the host's replicas. */
export function createPeerService(host: () => LogHost | undefined): grpc.UntypedServiceImplementation {
  const raft: grpc.handleBidiStreamingCall<RaftBatchMsg, Record<string, never>> = (call) => {
    call.on('data', (batch: RaftBatchMsg) => {
      const h = host();
      if (!h) return;
      for (const w of batch.messages) h.receive(batch.from_address, w.group_id, fromWire(w));
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  };
  return { Raft: raft } as grpc.UntypedServiceImplementation;
}
