import fc from 'fast-check';
import { crc32c, maskCrc, unmaskCrc } from '../src/crc32c';

function bitwiseCrc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('crc32c', () => {
  test('matches the published check value and RFC 3720 vectors', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    expect(crc32c(ascending)).toBe(0x46dd794e);
  });

  test('slicing-by-8 agrees with the bitwise definition, for any length and split point', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (bytes, split) => {
        const expected = bitwiseCrc32c(bytes);
        expect(crc32c(bytes)).toBe(expected);
        const cut = bytes.length === 0 ? 0 : split % bytes.length;
        expect(crc32c(bytes, cut, bytes.length, crc32c(bytes, 0, cut))).toBe(expected);
      }),
    );
  });

  test('masking is reversible and makes the checksum of an empty payload non-zero', () => {
    expect(maskCrc(crc32c(new Uint8Array(0)))).not.toBe(0);
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (crc) => expect(unmaskCrc(maskCrc(crc))).toBe(crc)));
  });
});
