/**
 * FUNCTION DUMP / RESTORE payloads in Redis 7.0's format, so dumps move between Redis and us
 * both ways: per library the opcode RDB_OPCODE_FUNCTION2 (245) and the code as an RDB string,
 * then the RDB version (u16 LE) and a CRC-64 (Jones, LE) of everything before it.
 * We write strings uncompressed (valid RDB); we read plain, integer-encoded and LZF strings.
 */
const OPCODE_FUNCTION2 = 245;
const RDB_VERSION = 10;

const CRC_TABLE = (() => {
  const poly = 0x95ac9329ac4bc9b5n;
  const table: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let crc = BigInt(i);
    for (let j = 0; j < 8; j++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
    table.push(crc);
  }
  return table;
})();

export function crc64(buf: Uint8Array): bigint {
  let crc = 0n;
  for (const byte of buf) crc = CRC_TABLE[Number((crc ^ BigInt(byte)) & 0xffn)] ^ (crc >> 8n);
  return crc;
}

function writeLength(out: number[], n: number): void {
  if (n < 64) out.push(n);
  else if (n < 16384) out.push(0x40 | (n >> 8), n & 0xff);
  else out.push(0x80, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

export function dumpLibraries(codes: string[]): string {
  const head: number[] = [];
  const parts: Buffer[] = [];
  for (const code of codes) {
    head.length = 0;
    head.push(OPCODE_FUNCTION2);
    writeLength(head, code.length);
    parts.push(Buffer.from(head), Buffer.from(code, 'latin1'));
  }
  parts.push(Buffer.from([RDB_VERSION & 0xff, RDB_VERSION >> 8]));
  const body = Buffer.concat(parts);
  const crc = Buffer.alloc(8);
  crc.writeBigUInt64LE(crc64(body));
  return Buffer.concat([body, crc]).toString('latin1');
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer, readonly end: number) {}
  u8(): number {
    if (this.pos >= this.end) throw new Error('truncated');
    return this.buf[this.pos++];
  }
  bytes(n: number): Buffer {
    if (n > this.end - this.pos) throw new Error('truncated');
    this.pos += n;
    return this.buf.subarray(this.pos - n, this.pos);
  }
  length(): number {
    const b = this.u8();
    const kind = b >> 6;
    if (kind === 0) return b & 0x3f;
    if (kind === 1) return ((b & 0x3f) << 8) | this.u8();
    if (b === 0x80) return this.bytes(4).readUInt32BE(0);
    throw new Error('bad length');
  }
  string(): string {
    const b = this.buf[this.pos];
    if (b >> 6 !== 3) return this.bytes(this.length()).toString('latin1');
    this.pos++;
    const enc = b & 0x3f;
    if (enc === 0) return String(this.bytes(1).readInt8(0));
    if (enc === 1) return String(this.bytes(2).readInt16LE(0));
    if (enc === 2) return String(this.bytes(4).readInt32LE(0));
    if (enc !== 3) throw new Error('bad string encoding');
    const clen = this.length();
    const len = this.length();
    return lzfDecompress(this.bytes(clen), len).toString('latin1');
  }
}

function lzfDecompress(input: Buffer, outLen: number): Buffer {
  const out = Buffer.alloc(outLen);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > outLen || ip + n > input.length) throw new Error('bad lzf');
      input.copy(out, op, ip, ip + n);
      ip += n;
      op += n;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (len === 7) len += input[ip++];
      ref -= input[ip++];
      len += 2;
      if (ref < 0 || op + len > outLen) throw new Error('bad lzf');
      for (let i = 0; i < len; i++) out[op++] = out[ref++];
    }
  }
  if (op !== outLen) throw new Error('bad lzf');
  return out;
}

/** The library codes of a payload, or the error reply text Redis 7.0 gives. */
export function parseDump(payload: string): string[] | string {
  const buf = Buffer.from(payload, 'latin1');
  if (buf.length < 10) return 'ERR DUMP payload version or checksum are wrong';
  const version = buf.readUInt16LE(buf.length - 10);
  const crc = buf.readBigUInt64LE(buf.length - 8);
  if (version > RDB_VERSION || crc64(buf.subarray(0, buf.length - 8)) !== crc) {
    return 'ERR DUMP payload version or checksum are wrong';
  }
  const r = new Reader(buf, buf.length - 10);
  const codes: string[] = [];
  try {
    while (r.pos < r.end) {
      if (r.u8() !== OPCODE_FUNCTION2) return 'ERR given type is not a function';
      codes.push(r.string());
    }
  } catch {
    return 'ERR payload is not valid';
  }
  return codes;
}
