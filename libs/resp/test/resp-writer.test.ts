import { RespWriter, type Protocol } from '@strata/resp';

function bytes(proto: Protocol, write: (w: RespWriter) => void): string {
  const w = new RespWriter(proto);
  write(w);
  const out = w.take();
  return out === null ? '' : out.toString('latin1');
}

describe('RespWriter: every reply type, exact bytes', () => {
  const cases: [string, (w: RespWriter) => void, string, string][] = [
    ['ok', (w) => w.ok(), '+OK\r\n', '+OK\r\n'],
    ['simple', (w) => w.simple('PONG'), '+PONG\r\n', '+PONG\r\n'],
    ['error', (w) => w.error('ERR syntax error'), '-ERR syntax error\r\n', '-ERR syntax error\r\n'],
    ['error with newlines', (w) => w.error('ERR a\r\nb'), '-ERR a  b\r\n', '-ERR a  b\r\n'],
    ['integer 0', (w) => w.integer(0), ':0\r\n', ':0\r\n'],
    ['integer small', (w) => w.integer(42), ':42\r\n', ':42\r\n'],
    ['integer negative', (w) => w.integer(-1234567), ':-1234567\r\n', ':-1234567\r\n'],
    ['integer 2^53-1', (w) => w.integer(9007199254740991), ':9007199254740991\r\n', ':9007199254740991\r\n'],
    ['integer 10^15', (w) => w.integer(1e15), ':1000000000000000\r\n', ':1000000000000000\r\n'],
    ['integer 999999999999999', (w) => w.integer(999999999999999), ':999999999999999\r\n', ':999999999999999\r\n'],
    ['integer bigint', (w) => w.integer(-9223372036854775808n), ':-9223372036854775808\r\n', ':-9223372036854775808\r\n'],
    ['bulk', (w) => w.bulk('hello'), '$5\r\nhello\r\n', '$5\r\nhello\r\n'],
    ['bulk empty', (w) => w.bulk(''), '$0\r\n\r\n', '$0\r\n\r\n'],
    ['bulk binary', (w) => w.bulk('\u0000\r\n\u00ff'), '$4\r\n\u0000\r\n\u00ff\r\n', '$4\r\n\u0000\r\n\u00ff\r\n'],
    ['bulk long', (w) => w.bulk('y'.repeat(300)), `$300\r\n${'y'.repeat(300)}\r\n`, `$300\r\n${'y'.repeat(300)}\r\n`],
    ['null bulk', (w) => w.nullBulk(), '$-1\r\n', '_\r\n'],
    ['null array', (w) => w.nullArray(), '*-1\r\n', '_\r\n'],
    ['array', (w) => { w.array(2); w.bulk('a'); w.integer(1); }, '*2\r\n$1\r\na\r\n:1\r\n', '*2\r\n$1\r\na\r\n:1\r\n'],
    ['empty array', (w) => w.array(0), '*0\r\n', '*0\r\n'],
    ['map', (w) => { w.map(1); w.bulk('k'); w.bulk('v'); }, '*2\r\n$1\r\nk\r\n$1\r\nv\r\n', '%1\r\n$1\r\nk\r\n$1\r\nv\r\n'],
    ['set', (w) => { w.set(1); w.bulk('m'); }, '*1\r\n$1\r\nm\r\n', '~1\r\n$1\r\nm\r\n'],
    ['push', (w) => { w.push(2); w.bulk('message'); w.bulk('x'); }, '*2\r\n$7\r\nmessage\r\n$1\r\nx\r\n', '>2\r\n$7\r\nmessage\r\n$1\r\nx\r\n'],
    ['double', (w) => w.double(1.1), '$18\r\n1.1000000000000001\r\n', ',1.1000000000000001\r\n'],
    ['double integral', (w) => w.double(3), '$1\r\n3\r\n', ',3\r\n'],
    ['double inf', (w) => w.double(Infinity), '$3\r\ninf\r\n', ',inf\r\n'],
    ['double -inf', (w) => w.double(-Infinity), '$4\r\n-inf\r\n', ',-inf\r\n'],
    ['bool true', (w) => w.bool(true), ':1\r\n', '#t\r\n'],
    ['bool false', (w) => w.bool(false), ':0\r\n', '#f\r\n'],
    ['verbatim', (w) => w.verbatim('# Server', 'txt'), '$8\r\n# Server\r\n', '=12\r\ntxt:# Server\r\n'],
    ['big number', (w) => w.bigNumber('12345678901234567890'), '$20\r\n12345678901234567890\r\n', '(12345678901234567890\r\n'],
  ];
  test.each(cases)('%s', (_name, write, resp2, resp3) => {
    expect(bytes(2, write)).toBe(resp2);
    expect(bytes(3, write)).toBe(resp3);
  });

  test('every header length from 0 to 100000 is written in decimal', () => {
    const w = new RespWriter(2);
    let expected = '';
    for (let n = 0; n <= 100000; n += n < 1000 ? 1 : 997) {
      w.array(n);
      expected += `*${n}\r\n`;
    }
    expect(w.take()?.toString('latin1')).toBe(expected);
  });

  test('a non-integer integer reply is refused', () => {
    expect(() => new RespWriter(2).integer(1.5)).toThrow(RangeError);
  });
});

describe('RespWriter: buffer management', () => {
  test('take returns what was written since the last take, null when nothing', () => {
    const w = new RespWriter(2);
    expect(w.take()).toBeNull();
    w.ok();
    expect(w.length).toBe(5);
    const first = w.take();
    expect(w.length).toBe(0);
    w.integer(7);
    const second = w.take();
    expect(first?.toString()).toBe('+OK\r\n');
    expect(second?.toString()).toBe(':7\r\n');
    expect(w.take()).toBeNull();
  });

  test('bytes handed out are never overwritten, across slab changes and big replies', () => {
    const w = new RespWriter(2, 64);
    const taken: [Buffer, string][] = [];
    for (let i = 0; i < 500; i++) {
      const s = 'v'.repeat(i % 97) + i;
      w.bulk(s);
      if (i % 3 === 0) w.bulk('z'.repeat(i * 50));
      const expected = `$${s.length}\r\n${s}\r\n` + (i % 3 === 0 ? `$${i * 50}\r\n${'z'.repeat(i * 50)}\r\n` : '');
      const out = w.take();
      expect(out).not.toBeNull();
      if (out !== null) taken.push([out, expected]);
    }
    for (const [buf, expected] of taken) expect(buf.toString('latin1')).toBe(expected);
  });

  test('a reply bigger than the slab grows it; proto can be switched', () => {
    const w = new RespWriter(2, 16);
    w.array(3);
    w.bulk('a'.repeat(1000));
    w.map(1);
    w.proto = 3;
    w.map(1);
    expect(w.take()?.toString('latin1')).toBe(`*3\r\n$1000\r\n${'a'.repeat(1000)}\r\n*2\r\n%1\r\n`);
  });

  test('discard drops what was not taken; raw appends bytes as they are', () => {
    const w = new RespWriter(2);
    w.ok();
    w.discard();
    w.raw('+QUEUED\r\n');
    w.raw(Buffer.from(':1\r\n'));
    expect(w.take()?.toString('latin1')).toBe('+QUEUED\r\n:1\r\n');
  });
});
