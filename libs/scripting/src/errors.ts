/** Redis 7.0's texts for scripting errors (without the leading '-'), shared with the server. */
export const ScriptErr = {
  noScript: 'NOSCRIPT No matching script. Please use EVAL.',
  notBusy: 'NOTBUSY No scripts in execution right now.',
  unkillable:
    'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
  /** The BUSY reply while an EVAL script runs past busy-reply-threshold. */
  busyEval: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
  /** The BUSY reply while a function runs past busy-reply-threshold. */
  busyFunction: 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.',
  killed: 'ERR Script killed by user with SCRIPT KILL...',
  // For the server's redis.call path (the engine passes its replies through unchanged):
  unknownCommand: 'ERR Unknown Redis command called from script',
  wrongArity: 'ERR Wrong number of args calling Redis command from script',
  notAllowed: 'ERR This Redis command is not allowed from script',
  writeInReadOnly: 'ERR Write commands are not allowed from read-only scripts.',
  writeFlagWithRo: 'ERR Can not execute a script with write flag using *_ro command.',
  numKeysNegative: "ERR Number of keys can't be negative",
  numKeysTooMany: "ERR Number of keys can't be greater than number of args",
  notInteger: 'ERR value is not an integer or out of range',
  badNumKeys: 'ERR Bad number of keys provided',
  functionNotFound: 'ERR Function not found',
} as const;
