/**
 * CRC-64 with the Jones polynomial, reflected, initial value 0, no final xor: the checksum
 * Redis's crc64.c puts at the end of every DUMP payload and RDB file. crc64("123456789") is
 * 0xe9c6d914c4b8d9ca. Computed on two 32-bit halves with a 256-entry table, so no BigInt per byte.
 */
const POLY_REFLECTED = 0x95ac9329ac4bc9b5n;

const TABLE_LO = new Uint32Array(256);
const TABLE_HI = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let crc = BigInt(i);
  for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ POLY_REFLECTED : crc >> 1n;
  TABLE_LO[i] = Number(crc & 0xffffffffn);
  TABLE_HI[i] = Number(crc >> 32n);
}

/** The checksum of bytes [start, end) of buf, as the 8 little-endian bytes Redis appends. */
export function crc64(buf: Uint8Array, start = 0, end = buf.length): Buffer {
  let lo = 0;
  let hi = 0;
  for (let i = start; i < end; i++) {
    const idx = (lo ^ buf[i]) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ TABLE_LO[idx];
    hi = (hi >>> 8) ^ TABLE_HI[idx];
  }
  const out = Buffer.allocUnsafe(8);
  out.writeUInt32LE(lo >>> 0, 0);
  out.writeUInt32LE(hi >>> 0, 4);
  return out;
}
