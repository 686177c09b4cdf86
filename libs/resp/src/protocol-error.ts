/**
 * A request the server cannot parse. `message` is the exact text Redis 7.0 replies after the dash
 * (e.g. "ERR Protocol error: invalid bulk length"); the connection writes `-<message>\r\n` and
 * closes. The message is a latin1 string: "expected '$', got 'x'" quotes the offending byte.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(message: string) {
    super(message);
  }
}
