// The window of appends sent to one follower but not yet acknowledged, bounded by count and bytes.

interface Inflight {
  /** Last index carried by the message. */
  index: number;
  bytes: number;
}

export class Inflights {
  private items: Inflight[] = [];
  private totalBytes = 0;

  constructor(
    readonly maxCount: number,
    readonly maxBytes: number,
  ) {}

  add(index: number, bytes: number): void {
    this.items.push({ index, bytes });
    this.totalBytes += bytes;
  }

  /** Frees every message whose last index is <= index (they are acknowledged). */
  freeLE(index: number): void {
    let n = 0;
    while (n < this.items.length && this.items[n].index <= index) {
      this.totalBytes -= this.items[n].bytes;
      n++;
    }
    if (n > 0) this.items = this.items.slice(n);
  }

  /** Frees the oldest message; used when a heartbeat shows the follower alive but acks were lost. */
  freeFirstOne(): void {
    const first = this.items.shift();
    if (first) this.totalBytes -= first.bytes;
  }

  full(): boolean {
    return this.items.length >= this.maxCount || (this.maxBytes > 0 && this.totalBytes >= this.maxBytes);
  }

  count(): number {
    return this.items.length;
  }

  reset(): void {
    this.items = [];
    this.totalBytes = 0;
  }
}
