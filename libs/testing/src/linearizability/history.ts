import { NEVER_RETURNED, type Operation } from './types';

export interface RecordOptions<O> {
  /**
   * For an operation that threw: the output to record if its effect is unknown (it stays open
   * until the end of the history), or undefined if it surely had no effect (not recorded).
   * By default every failure is recorded as unknown with output `undefined`.
   */
  outcomeOfError?: (error: unknown) => { output: O } | undefined;
}

/**
 * Collects a concurrent history for the checker, stamping calls and returns with the monotonic
 * clock (process.hrtime.bigint), so wall-clock steps cannot reorder them.
 */
export class History<I, O> {
  private readonly recorded: Operation<I, O>[] = [];

  /** Runs `run`, records it as one operation of `clientId`, and returns (or rethrows) its result. */
  async record(clientId: number, input: I, run: () => Promise<O>, options: RecordOptions<O> = {}): Promise<O> {
    const call = process.hrtime.bigint();
    try {
      const output = await run();
      this.recorded.push({ clientId, input, call, output, return: process.hrtime.bigint() });
      return output;
    } catch (error) {
      const outcome = options.outcomeOfError ? options.outcomeOfError(error) : { output: undefined as O };
      if (outcome) this.recorded.push({ clientId, input, call, output: outcome.output, return: NEVER_RETURNED });
      throw error;
    }
  }

  /** Adds an operation timed elsewhere (e.g. by another process on the same host clock). */
  add(operation: Operation<I, O>): void {
    this.recorded.push(operation);
  }

  get operations(): Operation<I, O>[] {
    return [...this.recorded];
  }

  get size(): number {
    return this.recorded.length;
  }
}
