import type { SlowlogEntry } from '@strata/commands';
import type { Connection } from './connection';

const MAX_ARGS = 32;
const MAX_ARG_LEN = 128;

/** SLOWLOG: the newest entries first, arguments trimmed as Redis trims them. */
export class Slowlog {
  private entries: SlowlogEntry[] = [];
  private nextId = 0;

  constructor(private readonly settings: { slowerThan: () => number; maxLen: () => number }) {}

  maybeAdd(micros: number, argv: string[], conn: Connection): void {
    const threshold = this.settings.slowerThan();
    if (threshold < 0 || micros < threshold) return;
    const n = Math.min(argv.length, MAX_ARGS);
    const args: string[] = [];
    for (let i = 0; i < n; i++) {
      if (i === MAX_ARGS - 1 && argv.length > MAX_ARGS) {
        args.push(`... (${argv.length - MAX_ARGS + 1} more arguments)`);
        break;
      }
      const a = argv[i];
      args.push(a.length > MAX_ARG_LEN ? `${a.slice(0, MAX_ARG_LEN)}... (${a.length - MAX_ARG_LEN} more bytes)` : a);
    }
    this.entries.unshift({ id: this.nextId++, time: Math.floor(Date.now() / 1000), durationMicros: Math.round(micros), argv: args, addr: conn.addr, name: conn.name });
    const max = this.settings.maxLen();
    if (this.entries.length > max) this.entries.length = max;
  }

  get(count: number): SlowlogEntry[] {
    return this.entries.slice(0, count);
  }

  len(): number {
    return this.entries.length;
  }

  reset(): void {
    this.entries = [];
  }
}
