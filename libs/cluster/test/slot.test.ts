import { crc16, keySlot, keySlotOfBytes } from '@strata/cluster';

describe('key slots', () => {
  test('CRC16-XMODEM check value of the Redis Cluster spec', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
  });
  test('slots as redis-cli CLUSTER KEYSLOT gives them', () => {
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('bar')).toBe(5061);
    expect(keySlot('hello')).toBe(866);
  });
  test('hash tags: first non-empty {...} is hashed', () => {
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('foo{}{bar}')).toBe(keySlot('foo{}{bar}'));
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'));
  });
  test('string and byte forms agree on binary keys', () => {
    const bytes = Buffer.from([0, 255, 0x7b, 1, 2, 0x7d, 200]);
    expect(keySlotOfBytes(bytes)).toBe(keySlot(bytes.toString('latin1')));
  });
});
