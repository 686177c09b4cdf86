import { checkOperations, counterModel, History, NEVER_RETURNED, type CounterInput } from '../src';

describe('History recorder', () => {
  test('stamps calls and returns with the monotonic clock and feeds the checker', async () => {
    const history = new History<CounterInput, number | undefined>();
    let counter = 0;
    const incr = (): Promise<number> =>
      new Promise<number>((resolve) => setImmediate(() => resolve(++counter)));
    const outputs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => history.record(i % 4, { op: 'incr' }, incr)),
    );
    expect(outputs.map((o) => o ?? 0).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await history.record(9, { op: 'get' }, async () => counter);
    const operations = history.operations;
    expect(operations).toHaveLength(21);
    for (const op of operations) {
      expect(typeof op.call).toBe('bigint');
      expect(op.call <= op.return).toBe(true);
    }
    expect(checkOperations(counterModel(), operations)).toBe('ok');
    history.add({ clientId: 10, input: { op: 'get' }, call: process.hrtime.bigint(), output: 0, return: process.hrtime.bigint() });
    expect(checkOperations(counterModel(), history.operations)).toBe('illegal');
  });

  test('a failed operation is rethrown and recorded as open-ended unless declared harmless', async () => {
    const history = new History<CounterInput, number | undefined>();
    await expect(history.record(0, { op: 'incr' }, () => Promise.reject(new Error('timeout')))).rejects.toThrow('timeout');
    await expect(
      history.record(1, { op: 'incr' }, () => Promise.reject(new Error('refused')), { outcomeOfError: () => undefined }),
    ).rejects.toThrow('refused');
    expect(history.size).toBe(1);
    expect(history.operations[0]).toMatchObject({ clientId: 0, output: undefined, return: NEVER_RETURNED });
    // the timed-out INCR may have applied: a later read of 1 or 0 are both linearizable
    await history.record(2, { op: 'get' }, async () => 1);
    expect(checkOperations(counterModel(), history.operations)).toBe('ok');
  });
});
