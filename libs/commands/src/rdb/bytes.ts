/**
 * Cursor-based reading and append-only writing of binary data. Every read is bounds-checked and
 * throws RdbFormatError, which decodeValue turns into Redis's "Bad data format".
 */
export class RdbFormatError extends Error {}

export function corrupt(what: string): never {
  throw new RdbFormatError(what);
}

export class ByteReader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (this.pos >= this.end) corrupt('unexpected end');
    return this.buf[this.pos++];
  }

  bytes(n: number): Buffer {
    if (n < 0 || n > this.end - this.pos) corrupt('length beyond the payload');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  u16le(): number {
    return this.bytes(2).readUInt16LE(0);
  }
  u32le(): number {
    return this.bytes(4).readUInt32LE(0);
  }
  u32be(): number {
    return this.bytes(4).readUInt32BE(0);
  }
  i64le(): bigint {
    return this.bytes(8).readBigInt64LE(0);
  }
  f64le(): number {
    return this.bytes(8).readDoubleLE(0);
  }
}

/** A growable output buffer. */
export class ByteWriter {
  private buf: Buffer;
  length = 0;

  constructor(capacity = 64) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  latin1(s: string): void {
    this.room(s.length);
    this.length += this.buf.write(s, this.length, s.length, 'latin1');
  }

  u16le(v: number): void {
    this.room(2);
    this.buf.writeUInt16LE(v, this.length);
    this.length += 2;
  }
  u32le(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v >>> 0, this.length);
    this.length += 4;
  }
  u32be(v: number): void {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.length);
    this.length += 4;
  }
  i64le(v: bigint): void {
    this.room(8);
    this.buf.writeBigInt64LE(v, this.length);
    this.length += 8;
  }
  f64le(v: number): void {
    this.room(8);
    this.buf.writeDoubleLE(v, this.length);
    this.length += 8;
  }

  /** Overwrites a little-endian u32 written earlier (listpack and ziplist headers). */
  patchU32le(at: number, v: number): void {
    this.buf.writeUInt32LE(v >>> 0, at);
  }
  patchU16le(at: number, v: number): void {
    this.buf.writeUInt16LE(v, at);
  }

  /** The bytes written so far (a view: copy it if the writer is used again). */
  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}
