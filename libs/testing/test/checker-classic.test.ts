import {
  checkEvents,
  checkOperations,
  checkOperationsDetailed,
  counterModel,
  describeIllegal,
  kvModel,
  NEVER_RETURNED,
  registerModel,
  type HistoryEvent,
  type KvInput,
  type Operation,
  type RegisterInput,
} from '../src';

type RegisterOp = Operation<RegisterInput<number>, number | undefined>;
const put = (clientId: number, value: number, call: number, ret: number): RegisterOp => ({
  clientId, input: { op: 'put', value }, call, output: undefined, return: ret,
});
const get = (clientId: number, output: number, call: number, ret: number): RegisterOp => ({
  clientId, input: { op: 'get' }, call, output, return: ret,
});

describe('register (examples from Porcupine, after the 6.824 2017 quiz 2)', () => {
  const register = registerModel(0);

  test('linearizable: a get overlapping the put may see either value', () => {
    expect(checkOperations(register, [put(0, 100, 0, 100), get(1, 100, 25, 75), get(2, 0, 30, 60)])).toBe('ok');
  });

  test('not linearizable: a get that starts after another get saw the new value sees the old one', () => {
    expect(checkOperations(register, [put(0, 200, 0, 100), get(1, 200, 10, 30), get(2, 0, 40, 90)])).toBe('illegal');
  });

  test('the same two histories as call and return events', () => {
    const ok: HistoryEvent<RegisterInput<number>, number | undefined>[] = [
      { kind: 'call', id: 0, value: { op: 'put', value: 100 } },
      { kind: 'call', id: 1, value: { op: 'get' } },
      { kind: 'call', id: 2, value: { op: 'get' } },
      { kind: 'return', id: 2, value: 0 },
      { kind: 'return', id: 1, value: 100 },
      { kind: 'return', id: 0, value: undefined },
    ];
    expect(checkEvents(register, ok)).toBe('ok');
    const illegal: HistoryEvent<RegisterInput<number>, number | undefined>[] = [
      { kind: 'call', id: 0, value: { op: 'put', value: 200 } },
      { kind: 'call', id: 1, value: { op: 'get' } },
      { kind: 'return', id: 1, value: 200 },
      { kind: 'call', id: 2, value: { op: 'get' } },
      { kind: 'return', id: 2, value: 0 },
      { kind: 'return', id: 0, value: undefined },
    ];
    expect(checkEvents(register, illegal)).toBe('illegal');
  });

  test('zero-duration operations (Porcupine TestZeroDuration)', () => {
    expect(checkOperations(register, [put(0, 100, 0, 100), get(1, 100, 25, 75), get(2, 0, 30, 30), get(3, 0, 30, 30)])).toBe('ok');
    expect(checkOperations(register, [put(0, 200, 0, 100), get(1, 200, 10, 10), get(2, 200, 10, 10), get(3, 0, 40, 90)])).toBe(
      'illegal',
    );
  });

  test('sequential operations must take effect in real-time order', () => {
    expect(checkOperations(register, [put(0, 1, 0, 10), put(0, 2, 20, 30), get(1, 1, 40, 50)])).toBe('illegal');
    expect(checkOperations(register, [put(0, 1, 0, 10), put(0, 2, 20, 30), get(1, 2, 40, 50)])).toBe('ok');
  });

  test('an operation with an unknown outcome may or may not have taken effect', () => {
    const timedOutPut: RegisterOp = { clientId: 0, input: { op: 'put', value: 5 }, call: 0, output: undefined, return: NEVER_RETURNED };
    expect(checkOperations(register, [timedOutPut, get(1, 0, 10, 20), get(1, 5, 30, 40)])).toBe('ok');
    expect(checkOperations(register, [timedOutPut, get(1, 0, 10, 20)])).toBe('ok');
    expect(checkOperations(register, [timedOutPut, get(1, 5, 10, 20), get(1, 0, 30, 40)])).toBe('illegal');
  });

  test('an illegal result explains itself with the longest linearizable prefix', () => {
    const check = checkOperationsDetailed(register, [put(0, 200, 0, 100), get(1, 200, 10, 30), get(2, 0, 40, 90)]);
    expect(check.result).toBe('illegal');
    expect(check.illegal?.longestLinearization.length).toBeGreaterThan(0);
    expect(describeIllegal(register, check)).toMatch(/get\(\) -> 0/);
  });

  test('an empty history is linearizable', () => {
    expect(checkOperations(register, [])).toBe('ok');
  });
});

describe('key-value map, partitioned by key', () => {
  const kv = kvModel();
  const op = (clientId: number, input: KvInput, output: string | undefined, call: number, ret: number): Operation<KvInput, string | undefined> => ({
    clientId, input, call, output, return: ret,
  });

  test('appends on different keys do not constrain each other; reads see their key only', () => {
    const history = [
      op(0, { op: 'append', key: 'x', value: 'a' }, undefined, 0, 10),
      op(1, { op: 'append', key: 'y', value: 'b' }, undefined, 0, 10),
      op(2, { op: 'append', key: 'x', value: 'c' }, undefined, 5, 15),
      op(3, { op: 'get', key: 'x' }, 'ca', 20, 30),
      op(3, { op: 'get', key: 'y' }, 'b', 31, 40),
      op(4, { op: 'put', key: 'y', value: 'z' }, undefined, 35, 45),
      op(5, { op: 'get', key: 'y' }, 'z', 46, 50),
    ];
    expect(checkOperations(kv, history)).toBe('ok');
  });

  test('a read that misses a completed append is caught within its partition', () => {
    const history = [
      op(0, { op: 'append', key: 'x', value: 'a' }, undefined, 0, 10),
      op(1, { op: 'append', key: 'y', value: 'b' }, undefined, 0, 10),
      op(2, { op: 'get', key: 'y' }, 'b', 11, 12),
      op(2, { op: 'get', key: 'x' }, '', 20, 30),
    ];
    const check = checkOperationsDetailed(kv, history);
    expect(check.result).toBe('illegal');
    expect(check.illegal?.partition.every((o) => o.input.key === 'x')).toBe(true);
  });

  test('events are partitioned by the key of their call', () => {
    const events: HistoryEvent<KvInput, string | undefined>[] = [
      { kind: 'call', id: 0, value: { op: 'put', key: 'x', value: '1' } },
      { kind: 'call', id: 1, value: { op: 'get', key: 'y' } },
      { kind: 'return', id: 0, value: undefined },
      { kind: 'return', id: 1, value: '' },
      { kind: 'call', id: 2, value: { op: 'get', key: 'x' } },
      { kind: 'return', id: 2, value: '1' },
    ];
    expect(checkEvents(kv, events)).toBe('ok');
    events[5] = { kind: 'return', id: 2, value: '' };
    expect(checkEvents(kv, events)).toBe('illegal');
  });
});

describe('timeout', () => {
  test('a search that cannot finish in time answers unknown', () => {
    // 40 fully concurrent puts and a read of a value never written: proving it illegal means
    // trying every subset of the puts.
    const register = registerModel(0);
    const history: RegisterOp[] = Array.from({ length: 40 }, (_, i) => put(i, i + 1, 0, 100));
    history.push(get(99, -1, 0, 100));
    const counter = counterModel();
    expect(checkOperations(counter, [])).toBe('ok');
    expect(checkOperations(register, history, { timeoutMs: 50 })).toBe('unknown');
  });
});
