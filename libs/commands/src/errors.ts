/**
 * The error catalogue: every error text a command replies with, as Redis 7.0 words it (after the
 * dash). Handlers throw `CommandError`; the dispatcher turns it into the reply.
 */
export class CommandError extends Error {
  constructor(readonly reply: string) {
    super(reply);
  }
}

export const Err = {
  syntax: 'ERR syntax error',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  notPositive: 'ERR value is out of range, must be positive',
  outOfRange: 'ERR value is out of range',
  overflow: 'ERR increment or decrement would overflow',
  nanOrInfinity: 'ERR increment would produce NaN or Infinity',
  noSuchKey: 'ERR no such key',
  indexOutOfRange: 'ERR index out of range',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  sameObject: 'ERR source and destination objects are the same',
  invalidCursor: 'ERR invalid cursor',
  bitOffset: 'ERR bit offset is not an integer or out of range',
  bitArg: 'ERR bit is not an integer or out of range',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  minMaxNotFloat: 'ERR min or max is not a float',
  minMaxNotValidString: 'ERR min or max not valid string range item',
  hashNotInteger: 'ERR hash value is not an integer',
  hashNotFloat: 'ERR hash value is not a float',
  timeoutNotFloat: 'ERR timeout is not a float or out of range',
  timeoutNegative: 'ERR timeout is negative',
  busyKey: 'BUSYKEY Target key name already exists.',
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  noPasswordSet:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  dumpPayload: 'ERR DUMP payload version or checksum are wrong',
  badDataFormat: 'ERR Bad data format',
  invalidTtl: 'ERR Invalid TTL value, must be >= 0',
  invalidIdletime: 'ERR Invalid IDLETIME value, must be >= 0',
  invalidFreq: 'ERR Invalid FREQ value, must be >= 0 and <= 255',
  dumpUnsupported: 'ERR DUMP of this value type is not supported yet',
  hllInvalid: 'WRONGTYPE Key is not a valid HyperLogLog string value.',
  hllCorrupted: 'INVALIDOBJ Corrupted HLL object detected',
  bitArgMustBe01: 'ERR The bit argument must be 1 or 0.',
  bitopNot: 'ERR BITOP NOT must be called with a single source key.',
  bitfieldType: 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  bitfieldOverflow: 'ERR Invalid OVERFLOW type specified',
  bitfieldRo: 'ERR BITFIELD_RO only supports the GET subcommand',
  noReplicas: 'NOREPLICAS Not enough good replicas to write.',
  loading: 'LOADING StrataKV is loading the dataset in memory',
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  arity: (fullName: string) => `ERR wrong number of arguments for '${fullName}' command`,
  unknownCommand: (name: string, args: string[]) => {
    let shown = '';
    for (let i = 0; i < args.length && shown.length < 128; i++) shown += `'${args[i].slice(0, 128 - shown.length)}' `;
    return sanitize(`ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${shown}`);
  },
  unknownSubcommand: (sub: string, cmd: string) =>
    sanitize(`ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${cmd.toUpperCase()} HELP.`),
  subcommandSyntax: (sub: string, cmd: string) =>
    sanitize(`ERR unknown subcommand or wrong number of arguments for '${sub.slice(0, 128)}'. Try ${cmd.toUpperCase()} HELP.`),
} as const;

/** Error replies are one line: Redis replaces CR and LF in them with spaces. */
export function sanitize(msg: string): string {
  return msg.replace(/[\r\n]/g, ' ');
}

export function fail(reply: string): never {
  throw new CommandError(reply);
}
