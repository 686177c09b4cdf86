import { WalCorruptionError } from './errors';
import { readFully, type WalFile } from './file-layer';
import { checkRecord, RECORD_HEADER_BYTES } from './record-format';

export interface ScannedSegment {
  recordOffsets: number[];
  /** bytes of whole, valid records */
  validBytes: number;
  fileBytes: number;
}

/** Bytes of checksumming the search for valid data after a bad tail record may spend. */
const RESYNC_CRC_BUDGET_BYTES = 256 * 1024 * 1024;

/**
 * Reads a segment and indexes its records. A bad record in the last segment is a torn tail (a
 * crash mid-write) when nothing valid follows it: then only the valid prefix is kept. Anything
 * else is corruption of acknowledged data and is refused, naming the file and offset.
 */
export async function scanSegment(
  file: WalFile,
  filePath: string,
  isLast: boolean,
  maxPayloadBytes: number,
): Promise<ScannedSegment> {
  const fileBytes = await file.size();
  const bytes = Buffer.allocUnsafe(fileBytes);
  const read = await readFully(file, bytes, 0, fileBytes, 0);
  if (read !== fileBytes) throw new WalCorruptionError(filePath, read, `short read: file has ${fileBytes} bytes`);

  const recordOffsets: number[] = [];
  let offset = 0;
  while (offset < fileBytes) {
    const check = checkRecord(bytes, offset, maxPayloadBytes);
    if (!check.ok) {
      if (!isLast) {
        throw new WalCorruptionError(filePath, offset, `${check.reason} in a segment that is not the last`);
      }
      const validAfter = findValidRecordAfter(bytes, offset + 1, maxPayloadBytes, filePath);
      if (validAfter !== undefined) {
        throw new WalCorruptionError(filePath, offset, `${check.reason}, followed by a valid record at offset ${validAfter}`);
      }
      return { recordOffsets, validBytes: offset, fileBytes };
    }
    recordOffsets.push(offset);
    offset += RECORD_HEADER_BYTES + check.payloadLength;
  }
  return { recordOffsets, validBytes: offset, fileBytes };
}

// The length field of the bad record may itself be damaged, so every later offset is tried.
// A crash leaves a correct prefix or zeros after the last good record; both are rejected cheaply
// (zeros fail the masked checksum of an empty record, a partial record's own bytes rarely hold
// a plausible length). Real corruption is found as soon as one later record checks out.
function findValidRecordAfter(bytes: Buffer, from: number, maxPayloadBytes: number, filePath: string): number | undefined {
  let budget = RESYNC_CRC_BUDGET_BYTES;
  for (let offset = from; offset + RECORD_HEADER_BYTES <= bytes.length; offset++) {
    const length = bytes.readUInt32LE(offset);
    if (length > maxPayloadBytes || offset + RECORD_HEADER_BYTES + length > bytes.length) continue;
    budget -= length;
    if (budget < 0) {
      throw new WalCorruptionError(filePath, from - 1, 'bad record in the tail; too much data follows it to tell a torn write from corruption');
    }
    if (checkRecord(bytes, offset, maxPayloadBytes).ok) return offset;
  }
  return undefined;
}
