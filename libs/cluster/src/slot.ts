/** Redis Cluster key slots: CRC16-XMODEM of the key (or of its {hash tag}) mod 16384. */
export const SLOT_COUNT = 16384;

const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let j = 0; j < 8; j++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  TABLE[i] = crc;
}

// The string and byte versions are written out twice on purpose: this runs for every key of
// every command, and a shared accessor closure cost more than the hashing itself.

/** Slot of a key held as a latin1 string (one char per byte). */
export function keySlot(key: string): number {
  const len = key.length;
  let start = 0;
  let end = len;
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ key.charCodeAt(i)) & 0xff];
  return crc & (SLOT_COUNT - 1);
}

/** Slot of a key held as bytes. */
export function keySlotOfBytes(key: Uint8Array): number {
  const len = key.length;
  let start = 0;
  let end = len;
  const open = key.indexOf(0x7b /* { */);
  if (open >= 0) {
    const close = key.indexOf(0x7d /* } */, open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ key[i]) & 0xff];
  return crc & (SLOT_COUNT - 1);
}

export function crc16(data: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ data[i]) & 0xff];
  return crc;
}
