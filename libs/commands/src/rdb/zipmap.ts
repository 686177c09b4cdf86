/**
 * Zipmaps (Redis's zipmap.c, read only): how Redis 2.x stored small hashes. Layout: count byte
 * (254 = unknown), then per pair a length (1 byte, or 254 + u32), the field, a length, a byte of
 * trailing free space, the value and that free space; 0xFF ends it.
 */
import { corrupt } from './bytes';

export function parseZipmap(zm: Buffer): [string, string][] {
  if (zm.length < 2) corrupt('zipmap too short');
  const end = zm.length - 1;
  if (zm[end] !== 0xff) corrupt('zipmap without terminator');
  const declared = zm[0];
  const out: [string, string][] = [];
  let p = 1;
  const readLen = (): number => {
    if (p >= end) corrupt('zipmap length beyond end');
    const b = zm[p++];
    if (b < 254) return b;
    if (b === 254) {
      if (p + 4 > end) corrupt('zipmap length beyond end');
      const v = zm.readUInt32LE(p);
      p += 4;
      return v;
    }
    return corrupt('zipmap length invalid');
  };
  while (p < end) {
    const klen = readLen();
    if (p + klen > end) corrupt('zipmap field beyond end');
    const field = zm.toString('latin1', p, p + klen);
    p += klen;
    const vlen = readLen();
    if (p >= end) corrupt('zipmap free byte beyond end');
    const free = zm[p++];
    if (p + vlen + free > end) corrupt('zipmap value beyond end');
    const value = zm.toString('latin1', p, p + vlen);
    p += vlen + free;
    out.push([field, value]);
  }
  if (declared < 254 && declared !== out.length) corrupt('zipmap count mismatch');
  return out;
}
