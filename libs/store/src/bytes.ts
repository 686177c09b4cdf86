/**
 * Byte helpers. @types/node 20.9 declares Buffer methods over Uint8Array, which TypeScript 5.9's
 * generic Uint8Array<ArrayBufferLike> no longer accepts a Buffer as; these wrappers keep that
 * single cast in one place.
 */
type Bytes = Uint8Array;
const asBytes = (b: Buffer): Bytes => b as unknown as Bytes;

export function compareBytes(a: Buffer, b: Buffer): number {
  return Buffer.compare(asBytes(a), asBytes(b));
}

export function bytesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && Buffer.compare(asBytes(a), asBytes(b)) === 0;
}

export function concatBytes(parts: Buffer[], totalLength?: number): Buffer {
  return Buffer.concat(parts.map(asBytes), totalLength);
}

export function copyBytes(b: Buffer): Buffer {
  return concatBytes([b]);
}
