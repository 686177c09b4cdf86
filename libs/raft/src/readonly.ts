// Pending ReadIndex requests on the leader, each waiting for a quorum of heartbeat acks.
import { Message, NodeId } from './types';

export interface ReadIndexStatus {
  request: Message;
  /** Commit index when the request arrived: reads are safe once it is applied. */
  index: number;
  acks: Set<NodeId>;
}

function key(ctx: Uint8Array): string {
  return String.fromCharCode(...ctx);
}

export class ReadOnly {
  private pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  addRequest(index: number, request: Message, ctx: Uint8Array): void {
    const k = key(ctx);
    if (this.pending.has(k)) return;
    this.pending.set(k, { request, index, acks: new Set() });
    this.queue.push(k);
  }

  /** Records a heartbeat ack carrying ctx; returns who acked it so far. */
  recvAck(id: NodeId, ctx: Uint8Array): ReadonlySet<NodeId> | undefined {
    const rs = this.pending.get(key(ctx));
    if (!rs) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /** Completes the request with ctx and every request queued before it (their quorum is implied). */
  advance(ctx: Uint8Array): ReadIndexStatus[] {
    const k = key(ctx);
    const at = this.queue.indexOf(k);
    if (at < 0) return [];
    const done = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    const out: ReadIndexStatus[] = [];
    for (const d of done) {
      const rs = this.pending.get(d);
      if (rs) out.push(rs);
      this.pending.delete(d);
    }
    return out;
  }

  lastPendingRequestCtx(): Uint8Array | undefined {
    if (this.queue.length === 0) return undefined;
    return this.pending.get(this.queue[this.queue.length - 1])?.request.context;
  }
}
