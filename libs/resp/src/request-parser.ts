import { latin1, sliceLatin1, type Latin1Buffer } from './latin1';
import { ProtocolError } from './protocol-error';
import { splitInlineArgs } from './inline-args';

export interface ParserLimits {
  /** proto-max-bulk-len: the longest bulk argument accepted (Redis default 512 MB). */
  maxBulkLen?: number;
  /**
   * PROTO_INLINE_MAX_SIZE (64 KiB): how many bytes may be buffered without finding the end of an
   * inline request or of a `*`/`$` header line.
   */
  maxInlineLen?: number;
  /** The largest multibulk count accepted; Redis 7.0 accepts up to INT_MAX. */
  maxMultibulkLen?: number;
}

const CR = 13;
const LF = 10;
const NUL = 0;
const STAR = 42;
const DOLLAR = 36;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;

const INT_MAX = 2147483647;
/** Redis 7.0 limits for clients that still have to AUTH (networking.c, processMultibulkBuffer). */
const UNAUTH_MAX_MULTIBULK = 10;
const UNAUTH_MAX_BULK = 16384;

// Outcome of reading a header line's integer (see readHeaderInt).
const LINE_OK = 0;
const LINE_INCOMPLETE = 1;
const LINE_TOO_BIG = 2;
const LINE_INVALID = 3;

/** int64 bounds as digit strings: a 19-digit count must be compared exactly, not as a double. */
const INT64_MAX_DIGITS = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';

const EMPTY = Buffer.alloc(0);
/** The carry buffer is given back after use when it grew beyond this (a long line, a big read). */
const CARRY_KEEP = 16 * 1024;
/** ... and kept at all between requests only when this small: idle connections hold little. */
const CARRY_IDLE = 1024;

export type CommandHandler = (argv: string[]) => void;

/**
 * Incremental parser of client requests, as Redis 7.0's processInputBuffer reads them: multibulk
 * (`*N\r\n$len\r\n<bytes>\r\n...`) when a request starts with `*`, inline (sdssplitargs rules)
 * otherwise. Arguments are latin1 strings (one char per byte).
 *
 * Byte-level quirks of Redis are kept on purpose so that a client sees the same thing: a header
 * line ends at the first CR and the byte after it is skipped unchecked, the two bytes after a bulk
 * are skipped unchecked, and a NUL byte before the end of a line hides the line end (Redis finds
 * it with strchr) so the request waits for more input until the 64 KiB limit is exceeded.
 *
 * feed() keeps references to the chunks it is given while a bulk argument straddles reads; the
 * caller must not modify a chunk after feeding it (socket chunks are never reused).
 */
export class RequestParser {
  private readonly maxBulkLen: number;
  private readonly maxInlineLen: number;
  private readonly maxMultibulkLen: number;
  private unauthenticated = false;

  /**
   * Unparsed start of a header or inline line, carried to the next feed: carry[0, carryLen).
   * Reads that cannot end the line are appended without parsing again, so a line trickling in
   * byte by byte costs linear time, not quadratic.
   */
  private carry: Buffer = EMPTY;
  private carryLen = 0;
  /** The multibulk command being read, its remaining argument count, the pending bulk length. */
  private argv: string[] = [];
  private argvBytes = 0;
  private argsLeft = 0;
  private bulkLen = -1;
  /** Pieces of a bulk argument (and of its trailing CRLF) that straddles reads. */
  private pieces: Buffer[] = [];
  private piecesLen = 0;
  private failure: ProtocolError | null = null;

  /** Results of readHeaderInt, kept in fields to avoid allocating a result object per line. */
  private lineStatus = LINE_OK;
  private lineNext = 0;

  constructor(limits: ParserLimits = {}) {
    this.maxBulkLen = limits.maxBulkLen ?? 512 * 1024 * 1024;
    this.maxInlineLen = limits.maxInlineLen ?? 64 * 1024;
    this.maxMultibulkLen = limits.maxMultibulkLen ?? INT_MAX;
  }

  /**
   * Redis 7.0 refuses multibulk counts above 10 and bulks above 16384 bytes from a client that
   * has to authenticate first; the connection turns this on until AUTH/HELLO succeeds.
   */
  setUnauthenticated(b: boolean): void {
    this.unauthenticated = b;
  }

  /** True when some bytes of an unfinished request are buffered. */
  get hasPartial(): boolean {
    return this.carryLen > 0 || this.argsLeft > 0;
  }

  /**
   * Bytes held for the unfinished request (its arguments so far and the unparsed rest), for the
   * connection to enforce client-query-buffer-limit as Redis does.
   */
  get bufferedBytes(): number {
    return this.carryLen + this.piecesLen + this.argvBytes;
  }

  /**
   * Parses `chunk` after whatever was buffered, calling onCommand once per complete request in
   * order. Throws ProtocolError after delivering the requests that precede the bad bytes; the
   * parser then keeps throwing the same error. onCommand must not throw.
   */
  feed(chunk: Buffer, onCommand: CommandHandler): void {
    if (this.failure !== null) throw this.failure;
    let buf: Buffer = chunk;
    let pos = 0;
    if (this.piecesLen > 0) {
      // A bulk straddling reads: keep the pieces and join them once, when it is complete.
      const need = this.bulkLen + 2 - this.piecesLen;
      if (chunk.length < need) {
        this.pieces.push(chunk);
        this.piecesLen += chunk.length;
        return;
      }
      this.pieces.push(need === chunk.length ? chunk : chunk.subarray(0, need));
      const joined = latin1(Buffer.concat(this.pieces, this.bulkLen + 2));
      this.pieces = [];
      this.piecesLen = 0;
      pos = need;
      this.addArg(joined.latin1Slice(0, this.bulkLen), onCommand);
    } else if (this.carryLen > 0) {
      const mayEnd = this.mayEndCarriedLine(chunk);
      this.appendCarry(chunk);
      if (!mayEnd && this.carryLen <= this.maxInlineLen) return;
      buf = this.carry.subarray(0, this.carryLen);
      this.carryLen = 0;
    }
    this.parse(latin1(buf), pos, onCommand);
  }

  /**
   * Whether `chunk` can end the carried line, which the last parse found incomplete: a header
   * line ends at a CR plus one byte, an inline request at an LF. A NUL never ends one.
   */
  private mayEndCarriedLine(chunk: Buffer): boolean {
    if (this.argsLeft > 0 || this.carry[0] === STAR) {
      return this.carry[this.carryLen - 1] === CR || chunk.indexOf(CR) >= 0;
    }
    return chunk.indexOf(LF) >= 0;
  }

  private appendCarry(chunk: Buffer): void {
    const need = this.carryLen + chunk.length;
    if (this.carry.length < need) {
      const next = Buffer.allocUnsafe(Math.max(need, 2 * this.carry.length));
      this.carry.copy(next, 0, 0, this.carryLen);
      this.carry = next;
    }
    chunk.copy(this.carry, this.carryLen);
    this.carryLen = need;
  }

  /** Keeps buf[pos, end) for the next feed; buf may be a view of the carry itself. */
  private saveCarry(buf: Buffer, pos: number, end: number): void {
    const n = end - pos;
    const capacity = this.carry.length;
    if (capacity < n || (capacity > CARRY_KEEP && n <= CARRY_KEEP / 4) || (n === 0 && capacity > CARRY_IDLE)) {
      const next = n === 0 ? EMPTY : Buffer.allocUnsafe(Math.max(2 * n, 256));
      buf.copy(next, 0, pos, end);
      this.carry = next;
    } else if (n > 0) {
      buf.copy(this.carry, 0, pos, end); // memmove: safe when buf overlaps the carry
    }
    this.carryLen = n;
  }

  private parse(buf: Latin1Buffer, pos: number, onCommand: CommandHandler): void {
    const end = buf.length;
    for (;;) {
      if (this.argsLeft === 0) {
        if (pos >= end) break;
        if (buf[pos] !== STAR) {
          const next = this.parseInline(buf, pos, onCommand);
          if (next < 0) break;
          pos = next;
          continue;
        }
        const count = this.readHeaderInt(buf, pos + 1, pos);
        const status = this.lineStatus;
        if (status !== LINE_OK) {
          if (status === LINE_INCOMPLETE) break;
          if (status === LINE_TOO_BIG) this.fail('ERR Protocol error: too big mbulk count string');
          this.fail('ERR Protocol error: invalid multibulk length');
        }
        if (count > this.maxMultibulkLen) this.fail('ERR Protocol error: invalid multibulk length');
        if (count > UNAUTH_MAX_MULTIBULK && this.unauthenticated) {
          this.fail('ERR Protocol error: unauthenticated multibulk length');
        }
        pos = this.lineNext;
        // *0 and negative counts are empty requests, skipped as Redis does.
        if (count > 0) this.argsLeft = count;
        continue;
      }
      if (this.bulkLen < 0) {
        if (pos >= end) break;
        if (buf[pos] !== DOLLAR) {
          if (!this.wrongBulkPrefix(buf, pos)) break;
        }
        const len = this.readHeaderInt(buf, pos + 1, pos);
        const status = this.lineStatus;
        if (status !== LINE_OK) {
          if (status === LINE_INCOMPLETE) break;
          if (status === LINE_TOO_BIG) this.fail('ERR Protocol error: too big bulk count string');
          this.fail('ERR Protocol error: invalid bulk length');
        }
        if (len < 0 || len > this.maxBulkLen) this.fail('ERR Protocol error: invalid bulk length');
        if (len > UNAUTH_MAX_BULK && this.unauthenticated) {
          this.fail('ERR Protocol error: unauthenticated bulk length');
        }
        pos = this.lineNext;
        this.bulkLen = len;
      }
      const stop = pos + this.bulkLen + 2;
      if (stop <= end) {
        const arg = sliceLatin1(buf, pos, this.bulkLen);
        pos = stop;
        this.addArg(arg, onCommand);
        continue;
      }
      // The bulk continues in later reads: nothing is allocated for its declared length up front.
      // A piece may be a view of the carry buffer: the carry is not written again before the
      // pieces are joined (feed joins them first), so it needs no copy.
      if (pos < end) {
        this.pieces.push(buf.subarray(pos, end));
        this.piecesLen = end - pos;
      }
      pos = end;
      break;
    }
    // An unfinished line (or nothing): keep it in the carry, so the chunk is not retained.
    this.saveCarry(buf, pos, end);
  }

  private addArg(arg: string, onCommand: CommandHandler): void {
    this.bulkLen = -1;
    this.argv.push(arg);
    this.argvBytes += arg.length;
    if (--this.argsLeft === 0) {
      const argv = this.argv;
      this.argv = [];
      this.argvBytes = 0;
      onCommand(argv);
    }
  }

  /**
   * A bulk header that does not start with `$`: Redis reports it only once the header line is
   * complete (it looks for the CR first). Returns false while the line is incomplete.
   */
  private wrongBulkPrefix(buf: Latin1Buffer, pos: number): boolean {
    const end = buf.length;
    let p = pos;
    while (p < end) {
      const c = buf[p];
      if (c === CR || c === NUL) break;
      p++;
    }
    if (p === end || buf[p] === NUL) {
      if (end - pos > this.maxInlineLen) this.fail('ERR Protocol error: too big bulk count string');
      return false;
    }
    if (p + 1 >= end) return false;
    // addReplyErrorFormat turns CR and LF into spaces so the error line stays one line.
    const got = buf[pos];
    const shown = got === CR || got === LF ? ' ' : String.fromCharCode(got);
    this.fail(`ERR Protocol error: expected '$', got '${shown}'`);
  }

  /**
   * Reads the integer of a header line whose type byte is at lineStart and digits start at
   * `start`, the way Redis does: the line ends at the first CR, which must be followed by one
   * more byte (not checked to be LF); the text must satisfy string2ll (no sign but '-', no
   * leading zeros, fewer than 21 chars, fits int64). Sets lineStatus and lineNext. Values beyond
   * 2^53 come back approximate; every limit is far below that.
   */
  private readHeaderInt(buf: Latin1Buffer, start: number, lineStart: number): number {
    const end = buf.length;
    let p = start;
    let negative = false;
    if (p < end && buf[p] === MINUS) {
      negative = true;
      p++;
    }
    const digitsStart = p;
    let value = 0;
    while (p < end) {
      const c = buf[p];
      if (c < ZERO || c > NINE) break;
      value = value * 10 + (c - ZERO);
      p++;
    }
    if (p < end && buf[p] === CR) {
      if (p + 1 >= end) {
        this.lineStatus = LINE_INCOMPLETE;
        return 0;
      }
      this.lineNext = p + 2;
      const digits = p - digitsStart;
      if (
        digits === 0 ||
        (buf[digitsStart] === ZERO && (digits > 1 || negative)) ||
        p - start >= 21 ||
        (digits >= 19 && !fitsInt64(buf, digitsStart, digits, negative))
      ) {
        this.lineStatus = LINE_INVALID;
        return 0;
      }
      this.lineStatus = LINE_OK;
      return negative ? -value : value;
    }
    // Not digits up to a CR: find where Redis's strchr would stop.
    while (p < end) {
      const c = buf[p];
      if (c === CR || c === NUL) break;
      p++;
    }
    if (p === end || buf[p] === NUL) {
      this.lineStatus = end - lineStart > this.maxInlineLen ? LINE_TOO_BIG : LINE_INCOMPLETE;
    } else if (p + 1 >= end) {
      this.lineStatus = LINE_INCOMPLETE;
    } else {
      this.lineNext = p + 2;
      this.lineStatus = LINE_INVALID;
    }
    return 0;
  }

  /** Returns the position after the inline request at pos, or -1 when it is incomplete. */
  private parseInline(buf: Latin1Buffer, pos: number, onCommand: CommandHandler): number {
    const end = buf.length;
    let p = pos;
    while (p < end) {
      const c = buf[p];
      if (c === LF || c === NUL) break;
      p++;
    }
    if (p === end || buf[p] === NUL) {
      if (end - pos > this.maxInlineLen) this.fail('ERR Protocol error: too big inline request');
      return -1;
    }
    const lineEnd = p > pos && buf[p - 1] === CR ? p - 1 : p;
    const argv = splitInlineArgs(buf, pos, lineEnd);
    if (argv === null) this.fail('ERR Protocol error: unbalanced quotes in request');
    // Empty lines are skipped.
    if (argv.length > 0) onCommand(argv);
    return p + 1;
  }

  private fail(message: string): never {
    this.failure = new ProtocolError(message);
    this.carry = EMPTY;
    this.carryLen = 0;
    this.pieces = [];
    this.piecesLen = 0;
    this.argv = [];
    this.argvBytes = 0;
    throw this.failure;
  }
}

function fitsInt64(buf: Buffer, start: number, digits: number, negative: boolean): boolean {
  if (digits !== 19) return false;
  const limit = negative ? INT64_MIN_DIGITS : INT64_MAX_DIGITS;
  for (let i = 0; i < 19; i++) {
    const d = buf[start + i];
    const l = limit.charCodeAt(i);
    if (d !== l) return d < l;
  }
  return true;
}
