/**
 * Large values for backends with an item limit (DynamoDB 400 KB, Cassandra mutation size): a value
 * is cut into chunks written under its version (commitTs), and only then is the head row switched
 * to that version, so a reader never sees half a value. These helpers do the cutting and checking.
 */
import { StoreError } from './errors';
import { concatBytes } from './bytes';

/** Splits a value into chunks of at most chunkSize bytes; an empty value is one empty chunk. */
export function chunkValue(value: Buffer, chunkSize: number): Buffer[] {
  if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  if (value.length <= chunkSize) return [value];
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < value.length; offset += chunkSize) chunks.push(value.subarray(offset, offset + chunkSize));
  return chunks;
}

export function chunkCount(valueLength: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(valueLength / chunkSize));
}

/** Reassembles chunks read back in order; checks the count and total length recorded in the head. */
export function joinChunks(chunks: Buffer[], expectedCount: number, expectedLength: number): Buffer {
  if (chunks.length !== expectedCount) {
    throw new StoreError('INTERNAL', `value has ${chunks.length} chunks stored, its head names ${expectedCount}`);
  }
  const value = chunks.length === 1 ? chunks[0] : concatBytes(chunks, expectedLength);
  if (value.length !== expectedLength) {
    throw new StoreError('INTERNAL', `value has ${value.length} bytes stored, its head names ${expectedLength}`);
  }
  return value;
}
