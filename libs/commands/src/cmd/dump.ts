import { isKeyword, parseInt64 } from '../args';
import type { Ctx } from '../context';
import { CommandError, Err, fail } from '../errors';
import { decodeValue, DEFAULT_LIMITS, EncodingLimits, encodeValue, UnsupportedValueError } from '../rdb';
import type { CommandDef } from '../table';

const K1 = { first: 1, last: 1, step: 1 };

function dump(ctx: Ctx, argv: string[]): void {
  const e = ctx.db.get(argv[1]);
  if (e === undefined) return ctx.out.nullBulk();
  let payload: Buffer;
  try {
    payload = encodeValue(e.value);
  } catch (err) {
    if (err instanceof UnsupportedValueError) fail(Err.dumpUnsupported);
    throw err;
  }
  ctx.out.bulk(payload.toString('latin1'));
}

/** An integer argument as getLongLongFromObjectOrReply reads it. */
function int64Arg(arg: string): bigint {
  const v = parseInt64(arg);
  if (v === null) fail(Err.notInteger);
  return v;
}

/** The compact-encoding thresholds the server is configured with (Redis's defaults otherwise). */
function limitsOf(ctx: Ctx): EncodingLimits {
  const names: [keyof EncodingLimits, string][] = [
    ['hashMaxListpackEntries', 'hash-max-listpack-entries'],
    ['hashMaxListpackValue', 'hash-max-listpack-value'],
    ['setMaxIntsetEntries', 'set-max-intset-entries'],
    ['zsetMaxListpackEntries', 'zset-max-listpack-entries'],
    ['zsetMaxListpackValue', 'zset-max-listpack-value'],
  ];
  const configured = new Map(ctx.server.configGet(names.map(([, n]) => n)));
  const limits = { ...DEFAULT_LIMITS };
  for (const [field, name] of names) {
    const v = Number(configured.get(name));
    if (configured.has(name) && Number.isSafeInteger(v) && v >= 0) limits[field] = v;
  }
  return limits;
}

/** RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency], as Redis 7.0's restoreCommand. */
function restore(ctx: Ctx, argv: string[]): void {
  let replace = false;
  let absTtl = false;
  let idle = -1n;
  let freq = -1n;
  for (let j = 4; j < argv.length; j++) {
    const more = argv.length - j - 1;
    if (isKeyword(argv[j], 'REPLACE')) replace = true;
    else if (isKeyword(argv[j], 'ABSTTL')) absTtl = true;
    else if (isKeyword(argv[j], 'IDLETIME') && more >= 1 && freq === -1n) {
      idle = int64Arg(argv[++j]);
      if (idle < 0n) fail(Err.invalidIdletime);
    } else if (isKeyword(argv[j], 'FREQ') && more >= 1 && idle === -1n) {
      freq = int64Arg(argv[++j]);
      if (freq < 0n || freq > 255n) fail(Err.invalidFreq);
    } else fail(Err.syntax);
  }
  const key = argv[1];
  if (!replace && ctx.db.get(key) !== undefined) fail(Err.busyKey);
  const ttlArg = int64Arg(argv[2]);
  if (ttlArg < 0n) fail(Err.invalidTtl);
  let value;
  try {
    value = decodeValue(Buffer.from(argv[3], 'latin1'), limitsOf(ctx));
  } catch (err) {
    if (err instanceof CommandError) fail(err.reply);
    throw err;
  }
  const deleted = replace && ctx.db.delete(key);
  let expireAt = 0;
  if (ttlArg > 0n) {
    const at = absTtl ? ttlArg : ttlArg + BigInt(ctx.ks.now);
    expireAt = at > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(at);
    if (expireAt <= ctx.ks.now) {
      // Already expired: Redis creates nothing, and a replaced key is simply gone.
      if (deleted) {
        ctx.propagate(['DEL', key]);
        ctx.notify('g', 'del', key);
      } else ctx.propagate([]);
      return ctx.out.ok();
    }
  }
  const e = ctx.db.set(key, value);
  if (expireAt !== 0) {
    ctx.db.setExpire(key, e, expireAt);
    if (!absTtl) ctx.propagate([argv[0], key, String(expireAt), ...argv.slice(3), 'ABSTTL']);
  }
  if (idle >= 0n) e.lru = ctx.ks.lruClock - Number(idle > BigInt(ctx.ks.lruClock) ? BigInt(ctx.ks.lruClock) : idle);
  if (freq >= 0n) e.freq = Number(freq);
  ctx.notify('g', 'restore', key);
  ctx.out.ok();
}

export const dumpCommands: CommandDef[] = [
  {
    name: 'dump', arity: 2, flags: ['readonly'], keys: K1, acl: ['keyspace'], group: 'generic', since: '2.6.0',
    summary: 'Returns a serialized representation of the value stored at a key.', complexity: 'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).', handler: dump,
  },
  {
    name: 'restore', arity: -4, flags: ['write', 'denyoom'], keys: K1, acl: ['keyspace', 'dangerous'], group: 'generic', since: '2.6.0',
    summary: 'Creates a key from the serialized representation of a value.', complexity: 'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).', handler: restore,
  },
];
