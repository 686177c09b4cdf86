/** Fixed-size bitset of linearized operation ids, hashed for the search cache. */
export class Bitset {
  constructor(readonly words: Uint32Array) {}

  static ofSize(bits: number): Bitset {
    return new Bitset(new Uint32Array(Math.ceil(bits / 32) || 1));
  }

  clone(): Bitset {
    return new Bitset(this.words.slice());
  }

  set(bit: number): this {
    this.words[bit >>> 5] |= 1 << (bit & 31);
    return this;
  }

  clear(bit: number): this {
    this.words[bit >>> 5] &= ~(1 << (bit & 31));
    return this;
  }

  equals(other: Bitset): boolean {
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== other.words[i]) return false;
    return true;
  }

  /** FNV-1a over the words. */
  hash(): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < this.words.length; i++) {
      h = Math.imul(h ^ this.words[i], 0x01000193);
    }
    return h >>> 0;
  }
}
