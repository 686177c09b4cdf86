/** Error texts only the sorted-set commands reply with, as Redis 7.0 words them. */
export const ZErr = {
  xxAndNx: 'ERR XX and NX options at the same time are not compatible',
  gtLtNx: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  incrPair: 'ERR INCR option supports a single increment-element pair',
  nanScore: 'ERR resulting score is not a number (NaN)',
  limitNeedsByScoreOrLex: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  withscoresWithBylex: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  weightNotFloat: 'ERR weight value is not a float',
  numkeysPositive: 'ERR numkeys should be greater than 0',
  countPositive: 'ERR count should be greater than 0',
  limitNegative: "ERR LIMIT can't be negative",
  randCountRange: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  atLeastOneKey: (cmd: string) => `ERR at least 1 input key is needed for '${cmd}' command`,
} as const;
