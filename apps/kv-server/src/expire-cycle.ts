import { performance } from 'perf_hooks';
import type { Keyspace } from '@strata/commands';

/** Keys sampled per database per round, and the share of expired keys that makes another round worthwhile. */
const SAMPLE = 20;
const REPEAT_IF_EXPIRED_ABOVE = 0.1;
/** The cycle never holds the event loop longer than this. */
const TIME_BUDGET_MS = 2;

/**
 * Redis's active expiry: hz times a second, sample volatile keys of each database and remove the
 * expired ones, repeating while many of the sample were expired, within a small time budget.
 */
export class ExpireCycle {
  private timer?: NodeJS.Timeout;
  private nextDb = 0;
  expiredKeys = 0;

  constructor(
    private readonly ks: Keyspace,
    private readonly hz: () => number,
    private readonly paused: () => boolean = () => false,
  ) {}

  start(): void {
    const tick = () => {
      this.runOnce();
      this.timer = setTimeout(tick, Math.max(1, Math.floor(1000 / this.hz())));
      this.timer.unref();
    };
    this.timer = setTimeout(tick, Math.floor(1000 / this.hz()));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  runOnce(): void {
    if (this.paused()) return;
    const start = performance.now();
    this.ks.tick(Date.now());
    const dbs = this.ks.dbs;
    for (let n = 0; n < dbs.length; n++) {
      const db = dbs[this.nextDb];
      this.nextDb = (this.nextDb + 1) % dbs.length;
      if (db.volatileCount === 0) continue;
      for (;;) {
        const { sampled, expired } = db.expireSome(SAMPLE);
        this.expiredKeys += expired;
        if (sampled === 0 || expired / sampled <= REPEAT_IF_EXPIRED_ABOVE) break;
        if (performance.now() - start > TIME_BUDGET_MS) return;
      }
      if (performance.now() - start > TIME_BUDGET_MS) return;
    }
  }
}
