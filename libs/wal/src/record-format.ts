import { crc32c, maskCrc } from './crc32c';

// A record on disk: payload length (u32 LE), masked CRC32C of the payload (u32 LE), payload.
export const RECORD_HEADER_BYTES = 8;

/** Encodes records back to back into one buffer, so a batch is one write. */
export function encodeRecords(payloads: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const p of payloads) total += RECORD_HEADER_BYTES + p.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const p of payloads) {
    out.writeUInt32LE(p.length, at);
    out.writeUInt32LE(maskCrc(crc32c(p)), at + 4);
    out.set(p, at + RECORD_HEADER_BYTES);
    at += RECORD_HEADER_BYTES + p.length;
  }
  return out;
}

export type RecordCheck =
  | { ok: true; payloadLength: number }
  | { ok: false; reason: string };

/** Checks the record starting at `offset` of `bytes` (which end at `bytes.length`). */
export function checkRecord(bytes: Buffer, offset: number, maxPayloadBytes: number): RecordCheck {
  const remaining = bytes.length - offset;
  if (remaining < RECORD_HEADER_BYTES) return { ok: false, reason: `partial record header (${remaining} bytes)` };
  const payloadLength = bytes.readUInt32LE(offset);
  if (payloadLength > maxPayloadBytes) {
    return { ok: false, reason: `record length ${payloadLength} exceeds the maximum ${maxPayloadBytes}` };
  }
  if (RECORD_HEADER_BYTES + payloadLength > remaining) {
    return { ok: false, reason: `record of ${payloadLength} bytes extends past the end of the file` };
  }
  const stored = bytes.readUInt32LE(offset + 4);
  const start = offset + RECORD_HEADER_BYTES;
  if (maskCrc(crc32c(bytes, start, start + payloadLength)) !== stored) {
    return { ok: false, reason: 'checksum mismatch' };
  }
  return { ok: true, payloadLength };
}
