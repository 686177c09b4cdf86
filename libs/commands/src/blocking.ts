import type { ReplySink } from '@strata/resp';
import { parseFloatStrict } from './args';
import { Err, fail } from './errors';

/**
 * Thrown by a blocking command (BLPOP, BZPOPMIN, XREAD BLOCK, ...) that found nothing to serve:
 * the dispatcher parks the client on the keys and runs the command again (with `retryArgv`)
 * whenever one of them is written, in first-come-first-served order, until it is served or
 * times out. Handlers only throw it when `ctx.canBlock` (not inside MULTI or a script).
 */
export class BlockOn {
  constructor(
    readonly keys: string[],
    /** Absolute deadline in ms since the epoch; 0 = wait forever. */
    readonly deadline: number,
    /** Writes the reply of a timeout (a null array for BLPOP, a null bulk for BLMOVE, ...). */
    readonly onTimeout: (out: ReplySink) => void,
    /** The command to run again; differs from the original when e.g. XREAD's `$` was resolved. */
    readonly retryArgv?: string[],
  ) {}
}

/** A blocking timeout argument in seconds (float), as Redis parses it; returns the absolute deadline. */
export function blockDeadline(arg: string, now: number): number {
  const secs = parseFloatStrict(arg);
  if (secs === null || !Number.isFinite(secs)) fail(Err.timeoutNotFloat);
  if (secs < 0) fail(Err.timeoutNegative);
  const ms = Math.floor(secs * 1000);
  if (ms > 9.2e15) fail(Err.timeoutNotFloat);
  return ms === 0 ? 0 : now + ms;
}
