/**
 * The number formats of the geo replies, exact to the byte: printf's "%.4f" (distances) and "%f"
 * (error messages), which round the double's exact binary value half to even, and
 * addReplyHumanLongDouble (coordinates), which prints the double widened to a long double with
 * "%.17Lf" and trims trailing zeros.
 */
import { formatLongDoubleValue, RespWriter, type ReplySink } from '@strata/resp';

const view = new DataView(new ArrayBuffer(8));

/** A finite double as negative * mant * 2^exp, exactly. */
function decompose(d: number): { negative: boolean; mant: bigint; exp: number } {
  view.setFloat64(0, d);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  return { negative, mant, exp };
}

/** printf("%.<digits>f", d) as glibc prints it. */
export function formatFixed(d: number, digits: number): string {
  if (Number.isNaN(d)) return d < 0 ? '-nan' : 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  const { negative, mant, exp } = decompose(d);
  const pow10 = 10n ** BigInt(digits);
  let scaled: bigint;
  if (exp >= 0) scaled = (mant << BigInt(exp)) * pow10;
  else {
    const shift = BigInt(-exp);
    const n = mant * pow10;
    scaled = n >> shift;
    const rem = n - (scaled << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (scaled & 1n) === 1n)) scaled += 1n;
  }
  const text = scaled.toString().padStart(digits + 1, '0');
  const body = digits === 0 ? text : `${text.slice(0, text.length - digits)}.${text.slice(text.length - digits)}`;
  return negative ? `-${body}` : body;
}

/** ld2string(LD_STR_HUMAN) of a double converted to long double (exactly, as C does). */
export function formatHumanDouble(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  return formatLongDoubleValue({ kind: 'finite', ...decompose(d) });
}

/**
 * addReplyHumanLongDouble: RESP2 a bulk string, RESP3 a double written with the same digits.
 * ReplySink.double would print "%.17g" digits, so on a connection's writer the RESP3 line is
 * written as bytes; other sinks (MULTI, scripts) keep the value, which those digits parse back to.
 */
export function replyHumanDouble(out: ReplySink, d: number): void {
  if (out.proto === 2) out.bulk(formatHumanDouble(d));
  else if (out instanceof RespWriter) out.raw(`,${formatHumanDouble(d)}\r\n`);
  else out.double(d);
}

/** addReplyDoubleDistance: distances as a "%.4f" bulk string in both protocols. */
export function replyDistance(out: ReplySink, d: number): void {
  out.bulk(formatFixed(d, 4));
}
