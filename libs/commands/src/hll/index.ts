export * from './hll';
export { hllPatLen, murmurHash64A, HLL_SEED } from './murmur';
export { hllSelfTest } from './selftest';
