import { formatDouble } from './double-format';
import { latin1, type Latin1Buffer } from './latin1';
import type { Protocol, ReplySink } from './reply';

const CR = 13;
const LF = 10;
const MINUS = 45;
/** Strings shorter than this are copied byte by byte: cheaper than a call into C++. */
const SHORT_STRING = 24;
/** Room for a type byte, a sign, 20 digits and CRLF. */
const HEADER_ROOM = 24;
const DEFAULT_SLAB = 16 * 1024;
/** After a reply bigger than this was taken, the writer goes back to a default-size slab. */
const BIG_SLAB = 1024 * 1024;

const ERROR_UNSAFE = /[\r\n]/g;

/**
 * The connection's reply writer: RESP bytes appended to a slab buffer, handed out with take().
 *
 * take() returns a view of the slab, not a copy. The writer never writes over bytes it has handed
 * out: when a slab is full it moves to a new one (a power of two of at least the untaken bytes
 * plus the write, so a big reply grows by doubling), and after a reply of more than 1 MiB it
 * starts over with a 16 KiB slab. So the view can be given to socket.write as is.
 */
export class RespWriter implements ReplySink {
  /** Mutable: HELLO switches it. */
  proto: Protocol;
  private buf: Latin1Buffer;
  /** First byte not yet taken, and the end of what was written. */
  private start = 0;
  private pos = 0;
  private readonly slabSize: number;

  constructor(proto: Protocol = 2, slabSize = DEFAULT_SLAB) {
    this.proto = proto;
    this.slabSize = slabSize;
    this.buf = latin1(Buffer.allocUnsafe(slabSize));
  }

  /** Bytes written since the last take(). */
  get length(): number {
    return this.pos - this.start;
  }

  /** The bytes written since the last take() (a view the writer never overwrites), or null. */
  take(): Buffer | null {
    if (this.pos === this.start) return null;
    const out = this.buf.subarray(this.start, this.pos);
    if (this.buf.length > BIG_SLAB || this.buf.length - this.pos < HEADER_ROOM) {
      this.buf = latin1(Buffer.allocUnsafe(this.slabSize));
      this.pos = 0;
    }
    this.start = this.pos;
    return out;
  }

  /** Keeps only the first `length` bytes written since the last take() (drops one command's reply). */
  truncate(length: number): void {
    if (length < this.pos - this.start) this.pos = this.start + length;
  }

  /** Drops everything written since the last take() (e.g. a reply abandoned by CLIENT REPLY OFF). */
  discard(): void {
    this.pos = this.start;
  }

  ok(): void {
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 43; // +
    b[p++] = 79; // O
    b[p++] = 75; // K
    b[p++] = CR;
    b[p++] = LF;
    this.pos = p;
  }

  simple(s: string): void {
    this.line(43, sanitize(s));
  }

  error(msg: string): void {
    this.line(MINUS, sanitize(msg));
  }

  integer(n: number | bigint): void {
    if (typeof n === 'number' && Number.isSafeInteger(n)) {
      this.header(58, n);
    } else {
      if (typeof n === 'number' && !Number.isInteger(n)) {
        throw new RangeError(`integer reply of a non-integer: ${n}`);
      }
      this.line(58, typeof n === 'bigint' ? n.toString() : BigInt(n).toString());
    }
  }

  bulk(s: string): void {
    const len = s.length;
    this.ensure(len + HEADER_ROOM + 2);
    this.header(36, len);
    this.put(s);
    this.crlf();
  }

  nullBulk(): void {
    if (this.proto === 3) this.null3();
    else this.header(36, -1);
  }

  nullArray(): void {
    if (this.proto === 3) this.null3();
    else this.header(42, -1);
  }

  array(n: number): void {
    this.header(42, n);
  }

  map(n: number): void {
    if (this.proto === 3) this.header(37, n);
    else this.header(42, 2 * n);
  }

  set(n: number): void {
    this.header(this.proto === 3 ? 126 : 42, n);
  }

  push(n: number): void {
    this.header(this.proto === 3 ? 62 : 42, n);
  }

  double(d: number): void {
    if (this.proto === 3) this.line(44, formatDouble(d));
    else this.bulk(formatDouble(d));
  }

  bool(b: boolean): void {
    if (this.proto === 3) this.line(35, b ? 't' : 'f');
    else this.header(58, b ? 1 : 0);
  }

  verbatim(s: string, format: string): void {
    if (this.proto !== 3) {
      this.bulk(s);
      return;
    }
    const len = s.length + 4;
    this.ensure(len + HEADER_ROOM + 2);
    this.header(61, len);
    this.put(format.length === 3 ? format : (format + '   ').slice(0, 3));
    this.buf[this.pos++] = 58; // :
    this.put(s);
    this.crlf();
  }

  bigNumber(s: string): void {
    if (this.proto === 3) this.line(40, s);
    else this.bulk(s);
  }

  /** Appends bytes that are already RESP (latin1 string or buffer), e.g. a shared reply. */
  raw(bytes: string | Buffer): void {
    this.ensure(bytes.length);
    if (typeof bytes === 'string') this.put(bytes);
    else {
      bytes.copy(this.buf, this.pos);
      this.pos += bytes.length;
    }
  }

  private null3(): void {
    this.ensure(3);
    const b = this.buf;
    b[this.pos++] = 95; // _
    b[this.pos++] = CR;
    b[this.pos++] = LF;
  }

  /** <type><s>\r\n */
  private line(type: number, s: string): void {
    this.ensure(s.length + 3);
    this.buf[this.pos++] = type;
    this.put(s);
    this.crlf();
  }

  /** <type><n>\r\n for a safe integer n, digits written without making a string. */
  private header(type: number, n: number): void {
    this.ensure(HEADER_ROOM);
    const b = this.buf;
    let p = this.pos;
    b[p++] = type;
    if (n < 0) {
      b[p++] = MINUS;
      n = -n;
    }
    if (n < 10) {
      b[p++] = 48 + n;
    } else if (n < 100) {
      const tens = (n / 10) | 0;
      b[p++] = 48 + tens;
      b[p++] = 48 + (n - tens * 10);
    } else {
      let digits = 3;
      for (let pow = 1000; n >= pow; pow *= 10) digits++;
      p += digits;
      let q = p;
      if (n < 2147483648) {
        do {
          const next = (n / 10) | 0;
          b[--q] = 48 + (n - next * 10);
          n = next;
        } while (n > 0);
      } else {
        do {
          const next = Math.floor(n / 10);
          b[--q] = 48 + (n - next * 10);
          n = next;
        } while (n > 0);
      }
    }
    b[p++] = CR;
    b[p++] = LF;
    this.pos = p;
  }

  /** Writes a latin1 string; the caller has ensured room. */
  private put(s: string): void {
    const len = s.length;
    if (len < SHORT_STRING) {
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < len; i++) b[p++] = s.charCodeAt(i);
      this.pos = p;
    } else {
      this.pos += this.buf.latin1Write(s, this.pos, len);
    }
  }

  private crlf(): void {
    this.buf[this.pos++] = CR;
    this.buf[this.pos++] = LF;
  }

  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    const pending = this.pos - this.start;
    let size = this.slabSize;
    while (size < pending + n) size *= 2;
    const next = latin1(Buffer.allocUnsafe(size));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = pending;
  }
}

/** A status or error line must stay one line: CR and LF become spaces, as Redis does. */
function sanitize(s: string): string {
  return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace(ERROR_UNSAFE, ' ');
}
