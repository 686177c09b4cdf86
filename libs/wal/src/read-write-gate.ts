/**
 * Lets reads run concurrently with appends (they only touch durable, immutable bytes) while
 * operations that delete or shrink files wait for running reads and hold new ones back.
 */
export class ReadWriteGate {
  private readers = 0;
  private exclusiveRun: Promise<void> | undefined;
  private onReadersDrained: (() => void) | undefined;

  async shared<T>(read: () => Promise<T>): Promise<T> {
    while (this.exclusiveRun) await this.exclusiveRun;
    this.readers++;
    try {
      return await read();
    } finally {
      this.readers--;
      if (this.readers === 0 && this.onReadersDrained) this.onReadersDrained();
    }
  }

  /** Callers must not overlap exclusive runs (the WAL's queue runs them one at a time). */
  async exclusive<T>(mutate: () => Promise<T>): Promise<T> {
    let release = (): void => undefined;
    this.exclusiveRun = new Promise<void>((resolve) => (release = resolve));
    try {
      if (this.readers > 0) await new Promise<void>((resolve) => (this.onReadersDrained = resolve));
      this.onReadersDrained = undefined;
      return await mutate();
    } finally {
      this.exclusiveRun = undefined;
      release();
    }
  }
}
