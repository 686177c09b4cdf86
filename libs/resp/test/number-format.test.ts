import { formatDouble, formatLongDouble, incrByFloat, parseLongDouble } from '@strata/resp';

describe('formatDouble: Redis 7.0 %.17g (ZSCORE replies recorded from redis-server 7.0.15)', () => {
  const cases: [number, string][] = [
    [1.1, '1.1000000000000001'],
    [0.1, '0.10000000000000001'],
    [0.3, '0.29999999999999999'],
    [1e20, '1e+20'],
    [1e-5, '1.0000000000000001e-05'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [123456789012345678, '1.2345678901234568e+17'],
    [0.0001, '0.0001'],
    [1e17, '1e+17'],
    [1e16, '10000000000000000'],
    [3, '3'],
    [100, '100'],
    [-1.5, '-1.5'],
    [123.456, '123.456'],
    [1.5e300, '1.5000000000000001e+300'],
    [5e-324, '4.9406564584124654e-324'],
    // Exactly halfway at the 17th digit: glibc rounds to even, toExponential would not.
    [2251799813685246.25, '2251799813685246.2'],
    [2251799813685247.75, '2251799813685247.8'],
    [-2251799813685246.25, '-2251799813685246.2'],
    [NaN, 'nan'],
    [-0, '-0'],
    [0, '0'],
  ];
  test.each(cases)('%p', (d, text) => {
    expect(formatDouble(d)).toBe(text);
  });
});

describe('long double arithmetic of INCRBYFLOAT (replies recorded from redis-server 7.0.15)', () => {
  const e300 =
    '1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144';
  const cases: [string, string, string][] = [
    ['10.5', '0.1', '10.6'],
    ['0.1', '0.2', '0.3'],
    ['1e300', '1', e300],
    ['3', '1.5e-7', '3.00000015'],
    ['0x10', '1', '17'],
    [
      '1.7976931348623157e308',
      '1e308',
      '279769313486231570002352240441350078789299929179619934003987695617693370918830364684014944221042050987341155710361544171686148029276505307138777262321877129888036065002204239033812550598509174132739480498569620043582760541189365866551522561741435317031294527744011878159793174665688773926186886103199182225408',
    ],
    ['-0.1', '0.1', '0'],
    ['1', '1e-18', '1'],
    ['0x1.8p1', '0', '3'],
    ['1.', '.5', '1.5'],
    ['5', '-5', '0'],
  ];
  test.each(cases)('%s + %s', (a, b, sum) => {
    expect(incrByFloat(a, b)).toBe(sum);
  });

  test('errors: not a float, or a NaN/infinite sum', () => {
    expect(incrByFloat('1', 'inf')).toBe('nan-or-inf');
    expect(incrByFloat('1', 'nan')).toBe('not-float');
    expect(incrByFloat('1', ' 1')).toBe('not-float');
    expect(incrByFloat('1e-5000', '1')).toBe('not-float');
    expect(incrByFloat('1e5000', '1')).toBe('not-float');
    expect(incrByFloat('abc', '1')).toBe('not-float');
    expect(incrByFloat('1', '')).toBe('not-float');
    expect(incrByFloat('1e4932', '1e4932')).toBe('nan-or-inf');
    expect(parseLongDouble('1e')).toBeNull();
    expect(parseLongDouble('0x')).toBeNull();
    expect(parseLongDouble('-Infinity')).toEqual({ kind: 'inf', negative: true });
  });

  test('formatLongDouble of a double prints the decimal the double stands for', () => {
    expect(formatLongDouble(10.6)).toBe('10.6');
    expect(formatLongDouble(10.5 + 0.1)).toBe('10.6');
    expect(formatLongDouble(-1.5)).toBe('-1.5');
    expect(formatLongDouble(3)).toBe('3');
    expect(formatLongDouble(-0)).toBe('0');
    expect(formatLongDouble(1e-20)).toBe('0');
    expect(formatLongDouble(1e300)).toBe(e300);
    expect(formatLongDouble(Infinity)).toBe('inf');
  });
});
