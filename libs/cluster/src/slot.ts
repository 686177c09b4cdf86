/** Redis Cluster key slots: CRC16-XMODEM of the key (or of its {hash tag}) mod 16384. */
export const SLOT_COUNT = 16384;

const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let j = 0; j < 8; j++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  TABLE[i] = crc;
}

function crc16Range(at: (i: number) => number, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ at(i)) & 0xff];
  return crc;
}

/** The range of bytes that is hashed: the content of the first non-empty {...}, or the whole key. */
function hashedRange(len: number, at: (i: number) => number): [number, number] {
  let open = -1;
  for (let i = 0; i < len; i++) {
    if (at(i) === 0x7b /* { */) {
      open = i;
      break;
    }
  }
  if (open < 0) return [0, len];
  for (let i = open + 1; i < len; i++) {
    if (at(i) === 0x7d /* } */) return i === open + 1 ? [0, len] : [open + 1, i];
  }
  return [0, len];
}

/** Slot of a key held as a latin1 string (one char per byte). */
export function keySlot(key: string): number {
  const at = (i: number) => key.charCodeAt(i);
  const [s, e] = hashedRange(key.length, at);
  return crc16Range(at, s, e) & (SLOT_COUNT - 1);
}

/** Slot of a key held as bytes. */
export function keySlotOfBytes(key: Uint8Array): number {
  const at = (i: number) => key[i];
  const [s, e] = hashedRange(key.length, at);
  return crc16Range(at, s, e) & (SLOT_COUNT - 1);
}

export function crc16(data: Uint8Array): number {
  return crc16Range((i) => data[i], 0, data.length);
}
