/**
 * Redis's DUMP payload: one RDB object, the RDB version (u16 LE) and a CRC-64 of both (LE). The
 * same bytes are the storage format of every backend. Pure: no I/O.
 */
import { CommandError, Err } from '../errors';
import type { Value } from '../types/values';
import { ByteReader, ByteWriter } from './bytes';
import { crc64 } from './crc64';
import { readObject } from './decode';
import { writeObject } from './encode';
import { RDB_VERSION } from './format';
import { DEFAULT_LIMITS, EncodingLimits } from './limits';

export { crc64 } from './crc64';
export { UnsupportedValueError } from './encode';
export { RDB_VERSION, RdbType } from './format';
export { DEFAULT_LIMITS } from './limits';
export type { EncodingLimits } from './limits';
export { lzfCompress, lzfDecompress } from './lzf';

const FOOTER_SIZE = 10;

/** The DUMP payload of a value. Throws UnsupportedValueError for streams (for now). */
export function encodeValue(v: Value): Buffer {
  const w = new ByteWriter(64);
  writeObject(w, v);
  w.u16le(RDB_VERSION);
  w.bytes(crc64(w.result()));
  return Buffer.from(w.result());
}

/** Redis's verifyDumpPayload: long enough, a version we know, a matching checksum. */
export function verifyPayload(payload: Buffer): boolean {
  const len = payload.length;
  if (len < FOOTER_SIZE) return false;
  const version = payload.readUInt16LE(len - FOOTER_SIZE);
  if (version > RDB_VERSION) return false;
  return crc64(payload, 0, len - 8).equals(payload.subarray(len - 8));
}

/**
 * Parses a DUMP payload. Throws only CommandError: "ERR DUMP payload version or checksum are
 * wrong" or "ERR Bad data format" (anything unparsable, including types not supported yet).
 */
export function decodeValue(payload: Buffer, limits: EncodingLimits = DEFAULT_LIMITS): Value {
  if (!verifyPayload(payload)) throw new CommandError(Err.dumpPayload);
  try {
    return readObject(new ByteReader(payload, 0, payload.length - FOOTER_SIZE), limits);
  } catch {
    // Whatever went wrong inside (a malformed blob, a range error), the client sees one answer.
    throw new CommandError(Err.badDataFormat);
  }
}
