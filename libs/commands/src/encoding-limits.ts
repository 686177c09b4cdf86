/**
 * The thresholds of Redis's compact encodings (listpack, intset), which OBJECT ENCODING and DUMP
 * follow. Redis 7.0.15's built-in defaults; the server sets them from its configuration (and
 * CONFIG SET). One server per process, so one set of limits.
 */
export const encodingLimits = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
};
