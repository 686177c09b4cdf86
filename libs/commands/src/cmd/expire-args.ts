import { parseSafeInteger } from '../args';
import { Err, fail } from '../errors';

const MAX_MS = 8.64e15; // beyond this Date cannot represent it; Redis's own bound is LLONG_MAX

/**
 * Converts an EX/PX/EXAT/PXAT argument to an absolute time in ms, with Redis's checks:
 * not an integer → generic error; <= 0 or overflowing → "invalid expire time in '<cmd>'".
 */
export function expireArgToMs(arg: string, unit: 'EX' | 'PX' | 'EXAT' | 'PXAT', now: number, cmd: string): number {
  const v = parseSafeInteger(arg);
  if (v === null) {
    if (/^-?[1-9][0-9]*$/.test(arg) && arg.length <= 20) fail(Err.invalidExpire(cmd));
    fail(Err.notInteger);
  }
  if (v <= 0) fail(Err.invalidExpire(cmd));
  let ms = unit === 'EX' || unit === 'EXAT' ? v * 1000 : v;
  if (unit === 'EX' || unit === 'PX') ms += now;
  if (!Number.isSafeInteger(ms) || ms > MAX_MS) fail(Err.invalidExpire(cmd));
  return ms;
}
