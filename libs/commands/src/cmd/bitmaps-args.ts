import { parseInt64 } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';

/**
 * getBitOffsetFromArgument: a bit offset, "#n" meaning n * bits when a BITFIELD type gives
 * bits; negative or beyond proto-max-bulk-len bytes is an error. Redis reads the argument as a C
 * string, so it ends at the first NUL byte.
 */
export function bitOffsetArg(ctx: Ctx, arg: string, bits = 0): number {
  let text = arg.split('\0')[0];
  const hash = bits > 0 && text[0] === '#';
  if (hash) text = text.slice(1);
  let v = parseInt64(text);
  if (v === null) fail(Err.bitOffset);
  if (hash) v *= BigInt(bits);
  if (v < 0n || v >> 3n >= BigInt(ctx.server.maxBulkLen)) fail(Err.bitOffset);
  return Number(v);
}
