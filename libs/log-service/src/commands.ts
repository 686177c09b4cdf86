// Commands of the log state machine, as they travel in Raft entries. Every command carries the
// proposing replica's proposal id, so that replica can hand the apply result to the waiting caller.
import { ByteReader, ByteWriter } from './bytes';

export interface LogRecord {
  turn: number;
  parts: number;
  commitTs: number;
  body: Buffer;
}

export type Command =
  | { kind: 'append'; proposalId: number; writer: string; epoch: number; firstSequence: number; records: LogRecord[] }
  | { kind: 'acquire'; proposalId: number; writer: string }
  | { kind: 'retire'; proposalId: number; writer: string }
  | { kind: 'checkpoint'; proposalId: number; writer: string; checkpointTs: number }
  /** Records the address of a replica before it joins (conf change entries carry only the id). */
  | { kind: 'peer'; proposalId: number; nodeId: number; address: string };

const CODES = { append: 1, acquire: 2, retire: 3, checkpoint: 4, peer: 5 } as const;

export function encodeCommand(c: Command): Buffer {
  const w = new ByteWriter(c.kind === 'append' ? 64 + c.records.length * 32 + c.records.reduce((n, r) => n + r.body.length, 0) : 64);
  w.u8(CODES[c.kind]).u64(c.proposalId);
  switch (c.kind) {
    case 'append':
      w.str(c.writer).u64(c.epoch).u64(c.firstSequence).u32(c.records.length);
      for (const r of c.records) w.u64(r.turn).u32(r.parts).u64(r.commitTs).bytes(r.body);
      break;
    case 'acquire':
    case 'retire':
      w.str(c.writer);
      break;
    case 'checkpoint':
      w.str(c.writer).u64(c.checkpointTs);
      break;
    case 'peer':
      w.u32(c.nodeId).str(c.address);
      break;
  }
  return w.finish();
}

/** Decodes entry data; record bodies are views into `data`. */
export function decodeCommand(data: Uint8Array): Command {
  const r = new ByteReader(data);
  const code = r.u8();
  const proposalId = r.u64();
  switch (code) {
    case CODES.append: {
      const writer = r.str();
      const epoch = r.u64();
      const firstSequence = r.u64();
      const n = r.u32();
      const records: LogRecord[] = new Array<LogRecord>(n);
      for (let i = 0; i < n; i++) records[i] = { turn: r.u64(), parts: r.u32(), commitTs: r.u64(), body: r.bytes() };
      return { kind: 'append', proposalId, writer, epoch, firstSequence, records };
    }
    case CODES.acquire:
      return { kind: 'acquire', proposalId, writer: r.str() };
    case CODES.retire:
      return { kind: 'retire', proposalId, writer: r.str() };
    case CODES.checkpoint:
      return { kind: 'checkpoint', proposalId, writer: r.str(), checkpointTs: r.u64() };
    case CODES.peer:
      return { kind: 'peer', proposalId, nodeId: r.u32(), address: r.str() };
    default:
      throw new Error(`unknown log command code ${code}`);
  }
}
