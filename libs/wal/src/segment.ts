import * as path from 'node:path';
import type { WalFile } from './file-layer';

const SEGMENT_NAME = /^(\d{20})\.wal$/;

export function segmentFileName(firstIndex: number): string {
  return `${String(firstIndex).padStart(20, '0')}.wal`;
}

/** The first record index a segment file name stands for, or undefined if it is not one. */
export function parseSegmentFileName(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * One segment file and an in-memory index of where its records start. The name gives the index of
 * its first record, even while it is empty.
 */
export class Segment {
  /** Byte offset of each record; Uint32 because a segment stays far below 4 GiB. */
  private offsets: Uint32Array;
  count = 0;

  constructor(
    readonly firstIndex: number,
    readonly filePath: string,
    readonly file: WalFile,
    /** bytes of whole records written (durable or not) */
    public size: number,
    recordOffsets: readonly number[] = [],
  ) {
    this.offsets = new Uint32Array(Math.max(1024, recordOffsets.length));
    for (const offset of recordOffsets) this.offsets[this.count++] = offset;
  }

  static pathFor(dir: string, firstIndex: number): string {
    return path.join(dir, segmentFileName(firstIndex));
  }

  /** Index of the last record written here; firstIndex - 1 when empty. */
  get lastIndex(): number {
    return this.firstIndex + this.count - 1;
  }

  contains(index: number): boolean {
    return index >= this.firstIndex && index <= this.lastIndex;
  }

  startOf(index: number): number {
    return this.offsets[index - this.firstIndex];
  }

  endOf(index: number): number {
    const slot = index - this.firstIndex + 1;
    return slot < this.count ? this.offsets[slot] : this.size;
  }

  pushRecord(offset: number, recordBytes: number): void {
    if (this.count === this.offsets.length) {
      const grown = new Uint32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[this.count++] = offset;
    this.size = offset + recordBytes;
  }

  /** Forgets every record after the first `keep`; returns the new byte size. */
  keepRecords(keep: number): number {
    if (keep < this.count) {
      this.size = this.offsets[keep];
      this.count = keep;
    }
    return this.size;
  }
}
