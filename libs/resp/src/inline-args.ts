import { latin1, type Latin1Buffer } from './latin1';

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;

/** C isspace() in the C locale: space, \t \n \v \f \r. */
function isSpace(c: number): boolean {
  return c === SPACE || (c >= TAB && c <= CR);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The byte a backslash escape inside "..." stands for (sdssplitargs). */
function unescape(c: number): number {
  switch (c) {
    case 110: return LF; // \n
    case 114: return CR; // \r
    case 116: return TAB; // \t
    case 98: return 8; // \b
    case 97: return 7; // \a
    default: return c;
  }
}

/**
 * Splits the inline request buf[start, end) into arguments with the rules of Redis's
 * sdssplitargs: blanks separate arguments; "..." understands \n \r \t \b \a \xHH and \<any>;
 * '...' understands \'; a closing quote must be followed by a blank or the end of the line;
 * quotes may start in the middle of an argument (a"b c" is `ab c`). Returns null for unbalanced
 * quotes. The line contains no NUL (the parser never passes one).
 */
export function splitInlineArgs(buf: Latin1Buffer, start: number, end: number): string[] | null {
  const args: string[] = [];
  let scratch: Latin1Buffer | null = null;
  let p = start;
  for (;;) {
    while (p < end && isSpace(buf[p])) p++;
    if (p >= end) return args;
    // Fast path: a plain argument without quotes is a slice of the line.
    const tokenStart = p;
    while (p < end) {
      const c = buf[p];
      if (c === SPACE || c === LF || c === CR || c === TAB || c === DQUOTE || c === SQUOTE) break;
      p++;
    }
    if (p >= end || (buf[p] !== DQUOTE && buf[p] !== SQUOTE)) {
      args.push(buf.latin1Slice(tokenStart, p));
      if (p < end) p++;
      continue;
    }
    if (scratch === null) scratch = latin1(Buffer.allocUnsafe(end - start));
    let out = 0;
    for (let i = tokenStart; i < p; i++) scratch[out++] = buf[i];
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const c = p < end ? buf[p] : 0;
      if (inDouble) {
        if (c === BACKSLASH && p + 3 < end && buf[p + 1] === 120 &&
            hexValue(buf[p + 2]) >= 0 && hexValue(buf[p + 3]) >= 0) {
          scratch[out++] = hexValue(buf[p + 2]) * 16 + hexValue(buf[p + 3]);
          p += 3;
        } else if (c === BACKSLASH && p + 1 < end) {
          p++;
          scratch[out++] = unescape(buf[p]);
        } else if (c === DQUOTE) {
          if (p + 1 < end && !isSpace(buf[p + 1])) return null;
          done = true;
        } else if (p >= end) {
          return null;
        } else {
          scratch[out++] = c;
        }
      } else if (inSingle) {
        if (c === BACKSLASH && p + 1 < end && buf[p + 1] === SQUOTE) {
          p++;
          scratch[out++] = SQUOTE;
        } else if (c === SQUOTE) {
          if (p + 1 < end && !isSpace(buf[p + 1])) return null;
          done = true;
        } else if (p >= end) {
          return null;
        } else {
          scratch[out++] = c;
        }
      } else if (p >= end || c === SPACE || c === LF || c === CR || c === TAB) {
        done = true;
      } else if (c === DQUOTE) {
        inDouble = true;
      } else if (c === SQUOTE) {
        inSingle = true;
      } else {
        scratch[out++] = c;
      }
      if (p < end) p++;
    }
    args.push(scratch.latin1Slice(0, out));
  }
}
