/**
 * Redis 7.0 formats double replies (addReplyDouble: RESP2 bulk, RESP3 `,`) with printf "%.17g";
 * infinities are written as "inf" / "-inf" explicitly. (Redis 7.2 moved to shortest
 * round-trip; 7.0 did not, so ZSCORE of 1.1 is "1.1000000000000001".)
 */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  return formatG17(d);
}

/** C's printf("%.17g", d) for a finite double. */
export function formatG17(d: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  // Integers below 1e17 print in full with %.17g: the common case of scores and counters.
  if (Number.isInteger(d) && d < 1e17 && d > -1e17) return String(d);
  const e = significantDigits(d);
  const negative = e.charCodeAt(0) === 45;
  const mantStart = negative ? 1 : 0;
  const ePos = e.indexOf('e', mantStart);
  let digits = e[mantStart] + e.slice(mantStart + 2, ePos);
  const exp = Number(e.slice(ePos + 1));
  // %g drops trailing zeros of the fraction.
  let last = digits.length;
  while (last > 1 && digits.charCodeAt(last - 1) === 48) last--;
  digits = digits.slice(0, last);
  let body: string;
  if (exp < -4 || exp >= 17) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const absExp = exp < 0 ? -exp : exp;
    body = `${mant}e${exp < 0 ? '-' : '+'}${absExp < 10 ? '0' : ''}${absExp}`;
  } else if (exp >= 0) {
    const intLen = exp + 1;
    body = digits.length <= intLen
      ? digits + '0'.repeat(intLen - digits.length)
      : `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  } else {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return negative ? `-${body}` : body;
}

/**
 * d rounded to 17 significant digits in exponential form ("-d.dddddddddddddddde+N").
 * toExponential rounds an exact tie away from zero, glibc's printf to even: a double such as
 * 2251799813685246.25 is exactly halfway at the 17th digit, and Redis prints ...246.2 where
 * toExponential gives ...246.3. Such a tie has exactly 18 significant digits ending in 5.
 */
function significantDigits(d: number): string {
  const rounded = d.toExponential(16);
  const e18 = d.toExponential(17);
  const ePos = e18.indexOf('e');
  if (e18.charCodeAt(ePos - 1) !== 53) return rounded;
  const exact = d.toExponential(100);
  const exactE = exact.indexOf('e');
  // The digits after the 18th, up to the 101 toExponential can give, must all be zero.
  const mantEnd = ePos;
  for (let i = mantEnd; i < exactE; i++) if (exact.charCodeAt(i) !== 48) return rounded;
  // A tie: keep the 17 digits when the last one is even (toExponential rounded it up).
  const lastKept = e18.charCodeAt(ePos - 2);
  if ((lastKept - 48) % 2 !== 0) return rounded;
  return e18.slice(0, ePos - 1) + e18.slice(ePos);
}
