/**
 * Node's Buffer has fast latin1 codecs that skip the encoding dispatch of toString/write; they
 * are not in @types/node, so they are typed here rather than by augmenting the global Buffer.
 */
export interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length?: number): number;
}

export function latin1(buf: Buffer): Latin1Buffer {
  return buf as Latin1Buffer;
}
