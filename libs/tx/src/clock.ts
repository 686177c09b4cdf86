/**
 * Hybrid logical clock in microseconds: physical milliseconds * 1000 + a logical counter. The unit
 * is Cassandra's USING TIMESTAMP, so a commitTs goes to every adapter unchanged.
 *
 * now() is strictly increasing within a process; observe(ts) moves it above a timestamp seen
 * elsewhere (the highest commitTs found in the store or the log at recovery), so commit
 * timestamps never go backwards across restarts or failovers even when the wall clock does.
 * When more than 1000 timestamps are taken in one millisecond the logical part spills into the
 * next millisecond: the clock runs slightly ahead of the wall clock and waits for it to catch up.
 */
export class HybridClock {
  private last = 0;

  constructor(private readonly physicalMs: () => number = Date.now) {}

  now(): number {
    const physical = this.physicalMs() * 1000;
    this.last = physical > this.last ? physical : this.last + 1;
    return this.last;
  }

  /** The next now() returns more than ts. */
  observe(ts: number): void {
    if (ts > this.last) this.last = ts;
  }

  /** The last timestamp handed out (or observed); 0 before any. */
  get current(): number {
    return this.last;
  }
}
