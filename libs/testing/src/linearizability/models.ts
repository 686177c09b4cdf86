import type { HistoryEvent, Model, Operation } from './types';

// Ready-made sequential specifications. An `undefined` output means the client never learned
// the outcome (a timeout): any result is accepted, and the effect may or may not have happened
// (record such operations with return time NEVER_RETURNED so they can be placed last).

export type RegisterInput<V> = { op: 'put'; value: V } | { op: 'get' };

/** A single register: put(value), get() -> value. */
export function registerModel<V>(initial: V): Model<V, RegisterInput<V>, V | undefined> {
  return {
    init: () => initial,
    step: (state, input, output) => (input.op === 'put' ? [true, input.value] : [output === undefined || output === state, state]),
    describeOperation: (input, output) => (input.op === 'put' ? `put(${String(input.value)})` : `get() -> ${String(output)}`),
    describeState: (state) => String(state),
  };
}

export type KvInput = { op: 'get'; key: string } | { op: 'put'; key: string; value: string } | { op: 'append'; key: string; value: string };

function byKey<T>(items: T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

/**
 * A key-value map with get/put/append (the 6.824 service), partitioned by key. A missing key
 * reads as ''. The state is the value of the partition's one key.
 */
export function kvModel(): Model<string, KvInput, string | undefined> {
  return {
    partition: (history) => byKey(history, (op) => op.input.key),
    partitionEvents: (events) => {
      // a return carries no key: it belongs with its call
      const keyOfId = new Map<number, string>();
      for (const event of events) if (event.kind === 'call') keyOfId.set(event.id, event.value.key);
      return byKey(events, (event: HistoryEvent<KvInput, string | undefined>) => keyOfId.get(event.id) ?? '');
    },
    init: () => '',
    step: (state, input, output) => {
      switch (input.op) {
        case 'get':
          return [output === undefined || output === state, state];
        case 'put':
          return [true, input.value];
        case 'append':
          return [true, state + input.value];
      }
    },
    describeOperation: (input, output) =>
      input.op === 'get' ? `get(${input.key}) -> '${String(output)}'` : `${input.op}(${input.key}, '${input.value}')`,
    describeState: (state) => `'${state}'`,
  };
}

export type CounterInput = { op: 'incr'; by?: number } | { op: 'get' };

/** A counter: INCR(by) returns the new value, GET returns the value. Starts at 0. */
export function counterModel(): Model<number, CounterInput, number | undefined> {
  return {
    init: () => 0,
    step: (state, input, output) => {
      if (input.op === 'get') return [output === undefined || output === state, state];
      const next = state + (input.by ?? 1);
      return [output === undefined || output === next, next];
    },
    describeOperation: (input, output) => (input.op === 'get' ? `get() -> ${String(output)}` : `incr(${input.by ?? 1}) -> ${String(output)}`),
    describeState: (state) => String(state),
  };
}

export type LogInput<V> = { op: 'append'; value: V } | { op: 'replay' };
/** append: the position the record got; replay: every record's value, in log order. */
export type LogOutput<V> = { position: number } | { values: readonly V[] } | undefined;

/** A persistent list, newest first, so appending shares the whole older log. */
interface LogNode<V> {
  value: V;
  position: number;
  older: LogNode<V> | null;
}

export interface LogState<V> {
  length: number;
  newest: LogNode<V> | null;
}

export interface LogModelOptions<V> {
  /** Positions are consecutive from `firstPosition` (a dedicated log); otherwise only increasing
   * (a shared log such as a Raft group, whose positions other writers also take). Default true. */
  densePositions?: boolean;
  firstPosition?: number;
  equalValues?: (a: V, b: V) => boolean;
}

function valuesOf<V>(state: LogState<V>): V[] {
  const values: V[] = new Array<V>(state.length);
  let i = state.length;
  for (let node = state.newest; node; node = node.older) values[--i] = node.value;
  return values;
}

/** An append-only log (the log service): append returns a position, replay returns the log. */
export function appendLogModel<V>(options: LogModelOptions<V> = {}): Model<LogState<V>, LogInput<V>, LogOutput<V>> {
  const dense = options.densePositions ?? true;
  const firstPosition = options.firstPosition ?? 1;
  const equalValues = options.equalValues ?? Object.is;
  return {
    init: () => ({ length: 0, newest: null }),
    step: (state, input, output) => {
      if (input.op === 'append') {
        const last = state.newest ? state.newest.position : firstPosition - 1;
        let position: number;
        if (output === undefined) position = last + 1;
        else if (!('position' in output)) return [false, state];
        else position = output.position;
        const legal = dense ? position === last + 1 : position > last;
        return [legal, { length: state.length + 1, newest: { value: input.value, position, older: state.newest } }];
      }
      if (output === undefined) return [true, state];
      if (!('values' in output) || output.values.length !== state.length) return [false, state];
      const values = valuesOf(state);
      return [values.every((v, i) => equalValues(v, output.values[i])), state];
    },
    equal: (a, b) => {
      if (a.length !== b.length) return false;
      // shared tails end the walk early: most states in the search extend a common log
      for (let x = a.newest, y = b.newest; x !== y; x = x?.older ?? null, y = y?.older ?? null) {
        if (!x || !y || x.position !== y.position || !equalValues(x.value, y.value)) return false;
      }
      return true;
    },
    describeOperation: (input, output) =>
      input.op === 'append'
        ? `append(${String(input.value)}) -> ${output && 'position' in output ? output.position : '?'}`
        : `replay() -> ${output && 'values' in output ? `[${output.values.map(String).join(', ')}]` : '?'}`,
    describeState: (state) => `[${valuesOf(state).map(String).join(', ')}]`,
  };
}

/** Operations of `history` grouped by a key of their input (for custom partitioned models). */
export function partitionBy<I, O>(history: Operation<I, O>[], keyOf: (input: I) => string): Operation<I, O>[][] {
  return byKey(history, (op) => keyOf(op.input));
}
