import fc from 'fast-check';
import {
  appendLogModel,
  checkOperations,
  counterModel,
  kvModel,
  registerModel,
  type CounterInput,
  type KvInput,
  type LogInput,
  type LogOutput,
  type Model,
  type Operation,
  type RegisterInput,
} from '../src';

/**
 * Runs `inputs` one after another on a real sequential object, then gives each operation an
 * interval around its execution point, so intervals overlap as in a concurrent run while the
 * execution order stays a valid linearization.
 */
function concurrentHistory<I, O>(inputs: I[], execute: (input: I) => O, widths: Array<[number, number]>): Operation<I, O>[] {
  return inputs.map((input, k) => {
    const point = k * 10;
    const [before, after] = widths[k];
    return { clientId: k % 8, input, call: point - before, output: execute(input), return: point + after };
  });
}

const widthsOf = (n: number) => fc.array(fc.tuple(fc.integer({ min: 0, max: 35 }), fc.integer({ min: 0, max: 35 })), { minLength: n, maxLength: n });

/** Generated inputs with interval widths for each. */
function scenario<I>(inputArb: fc.Arbitrary<I>, maxOps: number) {
  return fc.array(inputArb, { minLength: 1, maxLength: maxOps }).chain((inputs) => fc.tuple(fc.constant(inputs), widthsOf(inputs.length), fc.nat()));
}

function expectOkThenIllegal<S, I, O>(model: Model<S, I, O>, history: Operation<I, O>[], corrupt: (history: Operation<I, O>[]) => boolean): void {
  expect(checkOperations(model, history, { timeoutMs: 10_000 })).toBe('ok');
  if (corrupt(history)) expect(checkOperations(model, history, { timeoutMs: 10_000 })).toBe('illegal');
}

describe('random concurrent histories from a real sequential execution', () => {
  test('register: always ok; a read of a never-written value is illegal', () => {
    const inputArb: fc.Arbitrary<RegisterInput<number>> = fc.oneof(
      fc.integer({ min: 1, max: 5 }).map((value) => ({ op: 'put' as const, value })),
      fc.constant({ op: 'get' as const }),
    );
    fc.assert(
      fc.property(scenario(inputArb, 60), ([inputs, widths, pick]) => {
        let value = 0;
        const history = concurrentHistory(inputs, (input) => (input.op === 'put' ? ((value = input.value), undefined) : value), widths);
        expectOkThenIllegal(registerModel(0), history, (h) => {
          const gets = h.filter((op) => op.input.op === 'get');
          if (gets.length === 0) return false;
          gets[pick % gets.length].output = 99;
          return true;
        });
      }),
      { numRuns: 100 },
    );
  });

  test('kv map: always ok; a read of a value never written is illegal', () => {
    const key = fc.constantFrom('a', 'b', 'c');
    const inputArb: fc.Arbitrary<KvInput> = fc.oneof(
      fc.tuple(key, fc.constantFrom('x', 'y', 'z')).map(([k, v]) => ({ op: 'append' as const, key: k, value: v })),
      fc.tuple(key, fc.constantFrom('x', 'y')).map(([k, v]) => ({ op: 'put' as const, key: k, value: v })),
      key.map((k) => ({ op: 'get' as const, key: k })),
    );
    fc.assert(
      fc.property(scenario(inputArb, 80), ([inputs, widths, pick]) => {
        const store = new Map<string, string>();
        const history = concurrentHistory(
          inputs,
          (input) => {
            const current = store.get(input.key) ?? '';
            if (input.op === 'get') return current;
            store.set(input.key, input.op === 'put' ? input.value : current + input.value);
            return undefined;
          },
          widths,
        );
        expectOkThenIllegal(kvModel(), history, (h) => {
          const gets = h.filter((op) => op.input.op === 'get');
          if (gets.length === 0) return false;
          gets[pick % gets.length].output += 'Q'; // 'Q' is never written
          return true;
        });
      }),
      { numRuns: 100 },
    );
  });

  test('counter: always ok; two INCRs returning the same value is illegal', () => {
    const inputArb: fc.Arbitrary<CounterInput> = fc.oneof(fc.constant({ op: 'incr' as const }), fc.constant({ op: 'get' as const }));
    fc.assert(
      fc.property(scenario(inputArb, 80), ([inputs, widths, pick]) => {
        let value = 0;
        const history = concurrentHistory(inputs, (input) => (input.op === 'incr' ? ++value : value), widths);
        expectOkThenIllegal(counterModel(), history, (h) => {
          const incrs = h.filter((op) => op.input.op === 'incr');
          if (incrs.length < 2) return false;
          const victim = pick % incrs.length;
          incrs[victim].output = incrs[(victim + 1) % incrs.length].output;
          return true;
        });
      }),
      { numRuns: 100 },
    );
  });

  test('append-only log: always ok; a replay that lost its oldest record is illegal', () => {
    const inputArb: fc.Arbitrary<LogInput<number>> = fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 1000 }).map((value) => ({ op: 'append' as const, value })) },
      { weight: 1, arbitrary: fc.constant({ op: 'replay' as const }) },
    );
    fc.assert(
      fc.property(scenario(inputArb, 60), ([generated, widths, pick]) => {
        // unique values, so that a replay with a record missing matches no prefix of the log
        const inputs = generated.map((input, k): LogInput<number> => (input.op === 'append' ? { op: 'append', value: k } : input));
        const log: number[] = [];
        const history = concurrentHistory<LogInput<number>, LogOutput<number>>(
          inputs,
          (input) => (input.op === 'append' ? { position: log.push(input.value) } : { values: [...log] }),
          widths,
        );
        expectOkThenIllegal(appendLogModel<number>(), history, (h) => {
          // (dropping the newest could be legal: that append may overlap the replay)
          const replays = h.filter((op) => op.input.op === 'replay' && op.output && 'values' in op.output && op.output.values.length > 1);
          if (replays.length === 0) return false;
          const victim = replays[pick % replays.length];
          const values = victim.output && 'values' in victim.output ? victim.output.values.slice(1) : [];
          victim.output = { values };
          return true;
        });
      }),
      { numRuns: 100 },
    );
  });

  test('log positions of a shared log need only increase', () => {
    const sparse = appendLogModel<string>({ densePositions: false });
    const history: Operation<LogInput<string>, LogOutput<string>>[] = [
      { clientId: 0, input: { op: 'append', value: 'a' }, call: 0, output: { position: 3 }, return: 10 },
      { clientId: 1, input: { op: 'append', value: 'b' }, call: 5, output: { position: 7 }, return: 15 },
      { clientId: 2, input: { op: 'replay' }, call: 20, output: { values: ['a', 'b'] }, return: 30 },
    ];
    expect(checkOperations(sparse, history)).toBe('ok');
    expect(checkOperations(appendLogModel<string>(), history)).toBe('illegal');
    history[1].output = { position: 2 };
    expect(checkOperations(sparse, history)).toBe('illegal');
  });
});
