/** Timestamps from one monotonic clock: numbers or bigints (process.hrtime.bigint()). */
export type Time = number | bigint;

/** A completed (or indeterminate) operation: called at `call`, returned `output` at `return`. */
export interface Operation<I, O> {
  clientId: number;
  input: I;
  call: Time;
  output: O;
  /** NEVER_RETURNED for an operation whose outcome is unknown (it may or may not have applied) */
  return: Time;
}

/** One call or return, in real-time order; a call and its return share `id`. */
export type HistoryEvent<I, O> =
  | { kind: 'call'; id: number; clientId?: number; value: I }
  | { kind: 'return'; id: number; clientId?: number; value: O };

export type CheckResult = 'ok' | 'illegal' | 'unknown';

/** A sequential specification, as in Porcupine. */
export interface Model<S, I, O> {
  /** Split a history into independent parts (P-compositionality), e.g. one per key. */
  partition?(history: Operation<I, O>[]): Operation<I, O>[][];
  partitionEvents?(history: HistoryEvent<I, O>[]): HistoryEvent<I, O>[][];
  init(): S;
  /** Whether `output` is a legal result of `input` in `state`, and the state after it. */
  step(state: S, input: I, output: O): [boolean, S];
  /** State equality for the search cache; defaults to Object.is. */
  equal?(a: S, b: S): boolean;
  describeOperation?(input: I, output: O): string;
  describeState?(state: S): string;
}

export interface CheckOptions {
  /** Give up after this long and answer 'unknown' (unless a violation was already found). */
  timeoutMs?: number;
}

/** Return time of an operation whose outcome was never learned. */
export const NEVER_RETURNED: bigint = 2n ** 62n;
