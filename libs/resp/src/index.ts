export * from './reply';
export { ProtocolError } from './protocol-error';
export { RequestParser, type ParserLimits, type CommandHandler } from './request-parser';
export { RespWriter } from './resp-writer';
export { formatDouble } from './double-format';
export {
  formatLongDouble,
  incrByFloat,
  parseLongDouble,
  addLongDouble,
  isFiniteLongDouble,
  formatLongDoubleValue,
  type LongDouble,
} from './long-double';
export { ValueCollector, writeValue, type RespValue } from './value';
export { parseReply, parseReplies } from './reply-decoder';
