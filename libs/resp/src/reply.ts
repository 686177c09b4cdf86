/** The protocol a connection speaks, chosen with HELLO. */
export type Protocol = 2 | 3;

/**
 * Where a command handler writes its reply. Each method writes one RESP3 value, or its RESP2 form
 * when `proto` is 2. Aggregates are written as a header followed by their elements, so a handler
 * streams its reply without building it first. Byte strings are latin1 JS strings: one char per
 * byte, which is how every key and value is held in memory.
 *
 * Implementations: the connection's buffer writer (libs/resp), and collectors for MULTI/EXEC and
 * Lua that build values instead of bytes.
 */
export interface ReplySink {
  readonly proto: Protocol;
  /** +OK */
  ok(): void;
  /** +<s> (status reply) */
  simple(s: string): void;
  /** -<msg>, msg as Redis writes it after the dash, e.g. "ERR syntax error". */
  error(msg: string): void;
  /** :<n> (n is an integer within the safe range, or a bigint for 64-bit values) */
  integer(n: number | bigint): void;
  /** $<len> bulk string of latin1 bytes */
  bulk(s: string): void;
  /** The null bulk string: RESP2 $-1, RESP3 _ */
  nullBulk(): void;
  /** The null array: RESP2 *-1, RESP3 _ */
  nullArray(): void;
  /** *<n>, followed by n values */
  array(n: number): void;
  /** %<n>, followed by n key/value pairs (RESP2: an array of 2n) */
  map(n: number): void;
  /** ~<n> (RESP2: an array) */
  set(n: number): void;
  /** ><n> (RESP2: an array); pub/sub messages and invalidations */
  push(n: number): void;
  /** ,<d> (RESP2: a bulk string), formatted as Redis 7.0 formats doubles (see formatDouble) */
  double(d: number): void;
  /** #t / #f (RESP2: :1 / :0) */
  bool(b: boolean): void;
  /** =<len>\r\n<fmt>:<s> (RESP2: a bulk string of s) */
  verbatim(s: string, format: string): void;
  /** (<digits> (RESP2: a bulk string) */
  bigNumber(s: string): void;
}
