import { crc16, slotOf } from '../src/slot';

const b = (s: string): Buffer => Buffer.from(s);

describe('slotOf', () => {
  it('uses CRC16-XMODEM (check value of "123456789" is 0x31C3)', () => {
    expect(crc16(b('123456789'))).toBe(0x31c3);
  });

  it('matches Redis CLUSTER KEYSLOT for known keys', () => {
    expect(slotOf(b('foo'))).toBe(12182);
    expect(slotOf(b('bar'))).toBe(5061);
    expect(slotOf(b(''))).toBe(0);
  });

  it('honours hash tags as Redis does', () => {
    expect(slotOf(b('{user1000}.following'))).toBe(slotOf(b('user1000')));
    expect(slotOf(b('{user1000}.followers'))).toBe(slotOf(b('user1000')));
    // Empty tag: the whole key hashes.
    expect(slotOf(b('foo{}{bar}'))).toBe(crc16(b('foo{}{bar}')) & 16383);
    // Only up to the first '}' after the first '{'.
    expect(slotOf(b('foo{{bar}}zap'))).toBe(slotOf(b('{bar')));
    expect(slotOf(b('foo{bar}{zap}'))).toBe(slotOf(b('bar')));
    // No closing brace: the whole key.
    expect(slotOf(b('foo{bar'))).toBe(crc16(b('foo{bar')) & 16383);
  });
});
