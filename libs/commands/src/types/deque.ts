/** A ring-buffer deque: O(1) push/pop at both ends and O(1) access by index (Redis lists). */
export class Deque<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private len = 0;

  constructor(capacity = 4) {
    this.buf = new Array(capacity);
  }

  get length(): number {
    return this.len;
  }

  at(i: number): T {
    return this.buf[(this.head + i) & (this.buf.length - 1)] as T;
  }

  setAt(i: number, v: T): void {
    this.buf[(this.head + i) & (this.buf.length - 1)] = v;
  }

  pushBack(v: T): void {
    if (this.len === this.buf.length) this.grow();
    this.buf[(this.head + this.len) & (this.buf.length - 1)] = v;
    this.len++;
  }

  pushFront(v: T): void {
    if (this.len === this.buf.length) this.grow();
    this.head = (this.head - 1) & (this.buf.length - 1);
    this.buf[this.head] = v;
    this.len++;
  }

  popFront(): T | undefined {
    if (this.len === 0) return undefined;
    const v = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.len--;
    this.maybeShrink();
    return v;
  }

  popBack(): T | undefined {
    if (this.len === 0) return undefined;
    const i = (this.head + this.len - 1) & (this.buf.length - 1);
    const v = this.buf[i];
    this.buf[i] = undefined;
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Elements [start, end) as an array (indexes already clamped by the caller). */
  slice(start: number, end: number): T[] {
    const out = new Array<T>(Math.max(0, end - start));
    for (let i = start; i < end; i++) out[i - start] = this.at(i);
    return out;
  }

  toArray(): T[] {
    return this.slice(0, this.len);
  }

  /** Replaces the whole content (used by LREM, LINSERT, LTRIM, LSET-free rewrites). */
  replaceAll(items: T[]): void {
    let cap = 4;
    while (cap < items.length) cap <<= 1;
    this.buf = new Array(cap);
    for (let i = 0; i < items.length; i++) this.buf[i] = items[i];
    this.head = 0;
    this.len = items.length;
  }

  /** Inserts v so that it ends up at index i (0..length), shifting the shorter side (LINSERT). */
  insertAt(i: number, v: T): void {
    if (i < this.len - i) {
      this.pushFront(v);
      for (let j = 0; j < i; j++) this.setAt(j, this.at(j + 1));
    } else {
      this.pushBack(v);
      for (let j = this.len - 1; j > i; j--) this.setAt(j, this.at(j - 1));
    }
    this.setAt(i, v);
  }

  /** Removes `n` elements from the front (LTRIM), in O(n). */
  dropFront(n: number): void {
    for (let i = 0; i < n; i++) this.popFront();
  }

  dropBack(n: number): void {
    for (let i = 0; i < n; i++) this.popBack();
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.buf.length * 2);
    for (let i = 0; i < this.len; i++) next[i] = this.at(i);
    this.buf = next;
    this.head = 0;
  }

  private maybeShrink(): void {
    if (this.buf.length > 64 && this.len < this.buf.length >> 2) {
      const next = new Array<T | undefined>(this.buf.length >> 1);
      for (let i = 0; i < this.len; i++) next[i] = this.at(i);
      this.buf = next;
      this.head = 0;
    }
  }
}
