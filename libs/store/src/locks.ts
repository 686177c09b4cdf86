/** In-process serialization for read-check-write sequences. */

/**
 * FIFO locks on many keys at once. A holder registers on all its keys synchronously before it
 * waits, so two holders always meet in the same order on their shared keys: no deadlock.
 */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async acquire(keys: Iterable<string>): Promise<() => void> {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const waits: Promise<void>[] = [];
    const mine: string[] = [];
    for (const key of new Set(keys)) {
      const previous = this.tails.get(key);
      if (previous) waits.push(previous);
      this.tails.set(key, done);
      mine.push(key);
    }
    if (waits.length) await Promise.all(waits);
    return () => {
      for (const key of mine) if (this.tails.get(key) === done) this.tails.delete(key);
      release();
    };
  }

  get size(): number {
    return this.tails.size;
  }
}

/** Many shared holders (writes) or one exclusive holder (table generation changes). */
export class SharedExclusiveGate {
  private sharedHolders = 0;
  private exclusiveHeld: Promise<void> | null = null;
  private onDrained: (() => void) | null = null;

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    while (this.exclusiveHeld) await this.exclusiveHeld;
    this.sharedHolders++;
    try {
      return await fn();
    } finally {
      if (--this.sharedHolders === 0 && this.onDrained) this.onDrained();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.exclusiveHeld) await this.exclusiveHeld;
    let release!: () => void;
    this.exclusiveHeld = new Promise<void>((resolve) => (release = resolve));
    try {
      while (this.sharedHolders > 0) await new Promise<void>((resolve) => (this.onDrained = resolve));
      this.onDrained = null;
      return await fn();
    } finally {
      this.exclusiveHeld = null;
      release();
    }
  }
}
