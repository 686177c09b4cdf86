/**
 * MurmurHash64A as in Redis's hyperloglog.c (little-endian blocks), computed on 32-bit halves:
 * PFADD hashes every element, so no BigInt on this path.
 */
const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
/** Redis's HLL seed. */
export const HLL_SEED = 0xadc83b19;

/** Reused result of the 64-bit helpers (hi, lo as unsigned 32-bit numbers). */
let rHi = 0;
let rLo = 0;

/** (aHi:aLo) * (bHi:bLo) mod 2^64 into rHi:rLo. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const mid = a0 * b1 + a1 * b0; // < 2^33
  const low = a0 * b0 + (mid % 65536) * 65536; // < 2^33
  const carry = Math.floor(mid / 65536) + a1 * b1 + Math.floor(low / 4294967296);
  rLo = low >>> 0;
  rHi = (carry + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

/** The 64-bit hash of bytes [0, len) of data, as hi and lo halves. */
export function murmurHash64A(data: Uint8Array, len = data.length, seed = HLL_SEED): [number, number] {
  mul64(0, len, M_HI, M_LO);
  let hHi = rHi;
  let hLo = (rLo ^ seed) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    const kLo = (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)) >>> 0;
    const kHi = (data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24)) >>> 0;
    mul64(kHi, kLo, M_HI, M_LO);
    // k ^= k >> 47: only the high half's top 17 bits reach the low half.
    const xLo = (rLo ^ (rHi >>> 15)) >>> 0;
    mul64(rHi, xLo, M_HI, M_LO);
    hHi = (hHi ^ rHi) >>> 0;
    hLo = (hLo ^ rLo) >>> 0;
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = rHi;
    hLo = rLo;
  }
  const tail = len & 7;
  if (tail > 0) {
    for (let k = tail - 1; k >= 0; k--) {
      const b = data[blocks + k];
      if (k >= 4) hHi = (hHi ^ (b << (8 * (k - 4)))) >>> 0;
      else hLo = (hLo ^ (b << (8 * k))) >>> 0;
    }
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = rHi;
    hLo = rLo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mul64(hHi, hLo, M_HI, M_LO);
  hHi = rHi;
  hLo = (rLo ^ (rHi >>> 15)) >>> 0;
  return [hHi, hLo];
}

const scratch = Buffer.allocUnsafe(4096);

/**
 * hllPatLen: the register an element goes to (the hash's low 14 bits) and the length of the
 * run of zeros, plus one, in the other 50 bits (51 when they are all zero).
 */
export function hllPatLen(element: string): { index: number; count: number } {
  let bytes: Buffer = scratch;
  let len = element.length;
  if (len <= scratch.length) len = scratch.write(element, 0, len, 'latin1');
  else bytes = Buffer.from(element, 'latin1');
  const [hi, lo] = murmurHash64A(bytes, len);
  const index = lo & 0x3fff;
  const rest = lo >>> 14;
  let zeros: number;
  if (rest !== 0) zeros = 31 - Math.clz32(rest & -rest);
  else if (hi !== 0) zeros = 18 + (31 - Math.clz32(hi & -hi));
  else zeros = 50;
  return { index, count: zeros + 1 };
}
