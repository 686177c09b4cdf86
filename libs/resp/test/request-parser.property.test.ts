import fc from 'fast-check';
import { ProtocolError, RequestParser } from '@strata/resp';

/** Feeds `input` cut at `cuts` and returns the commands and the error message, if any. */
function run(input: Buffer, cuts: number[]): { commands: string[][]; error: string | null } {
  const parser = new RequestParser();
  const commands: string[][] = [];
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
  let prev = 0;
  try {
    for (const p of [...points, input.length]) {
      parser.feed(input.subarray(prev, p), (argv) => commands.push(argv));
      prev = p;
    }
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { commands, error: e.message };
  }
  return { commands, error: null };
}

const byteString = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a).toString('latin1'));
/** Arguments that stress framing: CR, LF, CRLF, '$', '*', empty, binary. */
const trickyArg = fc.oneof(
  byteString,
  fc.constantFrom('', '\r\n', '\r', '\n', '$3', '*1\r\n', '\u0000', 'x'.repeat(300)),
);
const multibulk = fc.array(trickyArg, { minLength: 1, maxLength: 6 }).map((argv) => ({
  argv,
  wire: `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join(''),
}));
const word = fc.stringMatching(/^[a-zA-Z0-9:_.-]{1,12}$/);
const inline = fc.tuple(fc.array(word, { minLength: 1, maxLength: 4 }), fc.constantFrom('\r\n', '\n'), fc.constantFrom(' ', '  ', '\t')).map(
  ([argv, eol, sep]) => ({ argv, wire: argv.join(sep) + eol }),
);
const quotedInline = fc.array(byteString, { minLength: 1, maxLength: 4 }).map((argv) => ({
  argv,
  wire: argv.map((a) => '"' + [...a].map((c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0')).join('') + '"').join(' ') + '\r\n',
}));
const request = fc.oneof({ weight: 4, arbitrary: multibulk }, { weight: 1, arbitrary: inline }, { weight: 1, arbitrary: quotedInline });
const emptyRequest = fc.constantFrom('*0\r\n', '*-1\r\n', '\r\n', '\n', '   \r\n');

describe('RequestParser properties', () => {
  test('any split of a valid stream parses to the same commands', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 8, arbitrary: request }, { weight: 1, arbitrary: emptyRequest.map((wire) => ({ argv: null, wire })) }), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (requests, cuts) => {
          const input = Buffer.from(requests.map((r) => r.wire).join(''), 'latin1');
          const expected = requests.flatMap((r) => (r.argv === null ? [] : [r.argv]));
          expect(run(input, cuts)).toEqual({ commands: expected, error: null });
          // Every byte in its own chunk.
          expect(run(input, [...Array(input.length).keys()])).toEqual({ commands: expected, error: null });
        },
      ),
      { numRuns: 300 },
    );
  });

  const fragment = fc.oneof(
    fc.constantFrom('*', '$', '\r\n', '\r', '\n', '-', '"', "'", '\\', '\\x4', ' ', '\u0000', '*1\r\n', '$1\r\n', '*2\r\n$3\r\nGET\r\n', '0', '9', '12', 'PING'),
    byteString,
  );
  const junk = fc.array(fragment, { maxLength: 30 }).map((f) => Buffer.from(f.join(''), 'latin1'));

  test('random bytes only ever raise ProtocolError, and the outcome does not depend on the split', () => {
    fc.assert(
      fc.property(fc.oneof(junk, fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a))), fc.array(fc.nat(), { maxLength: 20 }), (input, cuts) => {
        const whole = run(input, []);
        expect(run(input, cuts)).toEqual(whole);
      }),
      { numRuns: 2000 },
    );
  });

  test('a valid stream followed by junk delivers every command before the junk', () => {
    fc.assert(
      fc.property(fc.array(multibulk, { maxLength: 5 }), junk, fc.array(fc.nat(), { maxLength: 10 }), (requests, tail, cuts) => {
        const head = requests.map((r) => r.wire).join('');
        const result = run(Buffer.concat([Buffer.from(head, 'latin1'), tail]), cuts);
        expect(result.commands.slice(0, requests.length)).toEqual(requests.map((r) => r.argv));
      }),
      { numRuns: 500 },
    );
  });
});
