import { ProtocolError, RequestParser } from '@strata/resp';
import { parseAll, parseChunks } from './helpers';
import fixture from './fixtures/redis-protocol-errors.json';

type Part = string | { repeat: string; times: number };
function buildInput(parts: Part[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p.repeat.repeat(p.times))).join('');
}
function describeInput(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 20)}...(${s.length} bytes)` : s);
}

describe('RequestParser: multibulk', () => {
  test('one command, pipelined commands, binary and empty arguments', () => {
    expect(parseAll('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n')).toEqual({ commands: [['GET', 'k']], error: null });
    expect(parseAll('*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\na\r\nb\r\n')).toEqual({
      commands: [['PING'], ['SET', '', 'a\r\nb']],
      error: null,
    });
    const bytes = Buffer.from([0x2a, 0x31, 13, 10, 0x24, 0x33, 13, 10, 0x00, 0xff, 0x80, 13, 10]);
    expect(parseChunks([bytes]).commands).toEqual([['\u0000\u00ff\u0080']]);
  });

  test('a command split at every byte', () => {
    const input = '*3\r\n$3\r\nSET\r\n$5\r\nkey:1\r\n$10\r\n0123456789\r\n';
    const chunks = input.split('');
    expect(parseChunks(chunks)).toEqual({ commands: [['SET', 'key:1', '0123456789']], error: null });
  });

  test('*0 and negative counts are skipped, as Redis does', () => {
    expect(parseAll('*0\r\n*-1\r\n*-10\r\n*1\r\n$4\r\nPING\r\n').commands).toEqual([['PING']]);
  });

  test('Redis skips the byte after a header CR and the two bytes after a bulk without checking them', () => {
    // redis-server 7.0.15: "*1\rX$4\r\nping\r\n" and "*1\r\n$4\rXpingXX" both answer +PONG.
    expect(parseAll('*1\rX$4\r\nping\r\n').commands).toEqual([['ping']]);
    expect(parseAll('*1\r\n$4\rXpingXX').commands).toEqual([['ping']]);
  });

  test('a NUL byte before the end of a header line keeps the request waiting, as strchr does in Redis', () => {
    // redis-server 7.0.15 answers nothing to "*1\r\n\0$4\r\nping\r\n" nor to "*1\0\r\n$4\r\nping\r\n".
    expect(parseAll('*1\r\n\u0000$4\r\nping\r\n')).toEqual({ commands: [], error: null });
    expect(parseAll('*1\u0000\r\n$4\r\nping\r\n')).toEqual({ commands: [], error: null });
  });

  test('a huge declared bulk waits for its bytes without allocating them', () => {
    const parser = new RequestParser();
    const commands: string[][] = [];
    parser.feed(Buffer.from('*2\r\n$3\r\nSET\r\n$536870912\r\nabc', 'latin1'), (a) => commands.push(a));
    expect(commands).toEqual([]);
    expect(parser.hasPartial).toBe(true);
  });

  test('bufferedBytes counts the unfinished request, and drops to 0 once it completes', () => {
    const parser = new RequestParser();
    const commands: string[][] = [];
    const feed = (s: string) => parser.feed(Buffer.from(s, 'latin1'), (a) => commands.push(a));
    feed('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n0123');
    expect(parser.bufferedBytes).toBe(3 + 1 + 4);
    feed('456789\r\n*1\r\n$4');
    expect(commands).toEqual([['SET', 'k', '0123456789']]);
    expect(parser.bufferedBytes).toBe(2);
    feed('\r\nPING\r\n');
    expect(parser.bufferedBytes).toBe(0);
    expect(parser.hasPartial).toBe(false);
  });

  test('a bulk straddling many reads is joined once', () => {
    const value = 'x'.repeat(100_000);
    const input = `*2\r\n$4\r\nECHO\r\n$${value.length}\r\n${value}\r\n*1\r\n$4\r\nPING\r\n`;
    const chunks: string[] = [];
    for (let i = 0; i < input.length; i += 7777) chunks.push(input.slice(i, i + 7777));
    expect(parseChunks(chunks)).toEqual({ commands: [['ECHO', value], ['PING']], error: null });
  });
});

describe('RequestParser: inline', () => {
  test('space separated words, CRLF or LF, empty lines skipped', () => {
    expect(parseAll('PING\r\nSET  k   v\n\r\n\n   \r\nGET\tk\r\n').commands).toEqual([
      ['PING'],
      ['SET', 'k', 'v'],
      ['GET', 'k'],
    ]);
  });

  test('quoting rules of sdssplitargs', () => {
    const cases: [string, string[]][] = [
      ['SET "a b" c', ['SET', 'a b', 'c']],
      ['SET "\\x41\\x4a\\x4A\\xzz" v', ['SET', 'AJJxzz', 'v']],
      ['SET "\\n\\r\\t\\b\\a\\\\\\"\\q" v', ['SET', '\n\r\t\b\x07\\"q', 'v']],
      ["SET 'it\\'s' '\\n'", ['SET', "it's", '\\n']],
      ['SET a"b c" x', ['SET', 'ab c', 'x']],
      ['\u000bECHO\u000c "a"\tb', ['ECHO\u000c', 'a', 'b']],
      ['ECHO "a"\u000b', ['ECHO', 'a']],
      ['SET "" \'\'', ['SET', '', '']],
      ['A\u000bB \u000cC', ['A\u000bB', 'C']],
      ['SET "a"\tb', ['SET', 'a', 'b']],
    ];
    for (const [line, argv] of cases) expect([line, parseAll(line + '\r\n').commands]).toEqual([line, [argv]]);
  });

  test('unbalanced quotes', () => {
    for (const line of ['ECHO a"b c"d', 'SET "a', "SET 'a", 'SET "a"b', "SET 'a'b", 'SET "a\\"']) {
      expect([line, parseAll(line + '\r\n')]).toEqual([
        line,
        { commands: [], error: 'ERR Protocol error: unbalanced quotes in request' },
      ]);
    }
  });
});

describe('RequestParser: protocol errors, texts as redis-server 7.0.15 replies them', () => {
  // Recorded from redis-server 7.0.15; libs/resp/tools/check-redis.js replays them against one.
  const cases = fixture.cases.map((c) => [describeInput(buildInput(c.parts)), buildInput(c.parts), c.error] as const);
  test.each(cases)('%s', (_name, input, error) => {
    expect(parseAll(input)).toEqual({ commands: [], error });
    // The same bytes one at a time.
    expect(parseChunks(input.split(''))).toEqual({ commands: [], error });
  });

  test('an error is only reported once the header line has its CR and one more byte', () => {
    for (const [partial, message] of [
      ['*x\r', 'ERR Protocol error: invalid multibulk length'],
      ['*1\r\nfoo\r', "ERR Protocol error: expected '$', got 'f'"],
      ['*1\r\n$x\r', 'ERR Protocol error: invalid bulk length'],
      ['*1\r\n$1x\r', 'ERR Protocol error: invalid bulk length'],
      ['*1\r\n$1x', null],
    ] as [string, string | null][]) {
      expect(parseAll(partial)).toEqual({ commands: [], error: null });
      expect(parseChunks([partial, '\n'])).toEqual({ commands: [], error: message });
    }
  });

  test('limits are inclusive as in Redis', () => {
    expect(parseAll('x'.repeat(65536)).error).toBeNull();
    expect(parseAll('*' + '1'.repeat(65535)).error).toBeNull();
    expect(parseAll('*' + '1'.repeat(65535) + '\r\n').error).toBe('ERR Protocol error: invalid multibulk length');
    expect(parseAll('*2147483647\r\n').error).toBeNull();
    expect(parseAll('*-9223372036854775808\r\n').error).toBeNull();
    expect(parseAll('*1\r\n$536870912\r\n').error).toBeNull();
    expect(parseAll('*1\r\n$11\r\n', { maxBulkLen: 10 }).error).toBe('ERR Protocol error: invalid bulk length');
    expect(parseAll('*1\r\n$10\r\n', { maxBulkLen: 10 }).error).toBeNull();
  });

  test('the error comes after every valid command before it, and sticks', () => {
    const parser = new RequestParser();
    const commands: string[][] = [];
    const feed = (s: string) => parser.feed(Buffer.from(s, 'latin1'), (a) => commands.push(a));
    expect(() => feed('PING\r\n*1\r\n$4\r\nECHO\r\n*1\r\n$-5\r\n*1\r\n$4\r\nPING\r\n')).toThrow(ProtocolError);
    expect(commands).toEqual([['PING'], ['ECHO']]);
    expect(() => feed('PING\r\n')).toThrow('ERR Protocol error: invalid bulk length');
    expect(commands).toHaveLength(2);
  });

  test('unauthenticated clients: Redis 7.0 limits of 10 arguments and 16384-byte bulks', () => {
    const unauth = (p: RequestParser) => p.setUnauthenticated(true);
    expect(parseChunks(['*11\r\n'], undefined, unauth).error).toBe('ERR Protocol error: unauthenticated multibulk length');
    expect(parseChunks(['*10\r\n'], undefined, unauth).error).toBeNull();
    expect(parseChunks(['*1\r\n$16385\r\n'], undefined, unauth).error).toBe('ERR Protocol error: unauthenticated bulk length');
    expect(parseChunks(['*1\r\n$16384\r\n'], undefined, unauth).error).toBeNull();
    expect(parseChunks(['*1\r\n$536870913\r\n'], undefined, unauth).error).toBe('ERR Protocol error: invalid bulk length');
    expect(parseChunks(['*11\r\n']).error).toBeNull();
  });
});
