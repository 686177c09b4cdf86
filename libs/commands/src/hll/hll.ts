/**
 * Redis's HyperLogLog representation (hyperloglog.c), on the bytes of the string that holds it:
 * a 16-byte header ("HYLL", encoding, 3 unused bytes, cached cardinality little-endian whose top
 * bit marks it stale), then either 16384 dense 6-bit registers or the sparse run-length opcodes
 * ZERO (00xxxxxx), XZERO (01xxxxxx yyyyyyyy) and VAL (1vvvvvxx).
 */
export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const REGISTERS = 1 << HLL_P;
export const HDR_SIZE = 16;
export const DENSE_SIZE = HDR_SIZE + Math.floor((REGISTERS * 6 + 7) / 8);
export const DENSE = 0;
export const SPARSE = 1;
/** hll-sparse-max-bytes: above this the sparse form is promoted to dense. */
export const DEFAULT_SPARSE_MAX_BYTES = 3000;

const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
const ALPHA_INF = 0.721347520444481703680;

const isZero = (b: number): boolean => (b & 0xc0) === 0;
const isXZero = (b: number): boolean => (b & 0xc0) === 0x40;
const zeroLen = (b: number): number => (b & 0x3f) + 1;
const xzeroLen = (b: number, next: number): number => (((b & 0x3f) << 8) | next) + 1;
const valValue = (b: number): number => ((b >> 2) & 0x1f) + 1;
const valLen = (b: number): number => (b & 0x3) + 1;
const valOp = (value: number, len: number): number => (((value - 1) << 2) | (len - 1)) | 0x80;

/** A fresh HLL: sparse, every register zero (XZERO opcodes), cached cardinality 0. */
export function createHll(): Buffer {
  const b = Buffer.alloc(HDR_SIZE + 2);
  b.write('HYLL', 0, 'latin1');
  b[4] = SPARSE;
  const len = SPARSE_XZERO_MAX_LEN - 1;
  b[HDR_SIZE] = (len >> 8) | 0x40;
  b[HDR_SIZE + 1] = len & 0xff;
  return b;
}

/** isHLLObjectOrReply's checks: magic, a known encoding, the exact dense size. */
export function isHll(b: Buffer): boolean {
  if (b.length < HDR_SIZE) return false;
  if (b[0] !== 0x48 || b[1] !== 0x59 || b[2] !== 0x4c || b[3] !== 0x4c) return false;
  if (b[4] > SPARSE) return false;
  return b[4] !== DENSE || b.length === DENSE_SIZE;
}

export function invalidateCache(b: Buffer): void {
  b[15] |= 0x80;
}

export function cachedCardinality(b: Buffer): number | null {
  if (b[15] & 0x80) return null;
  return b.readUInt32LE(8) + b.readUInt32LE(12) * 2 ** 32;
}

export function setCachedCardinality(b: Buffer, card: number): void {
  b.writeUInt32LE(card % 2 ** 32, 8);
  b.writeUInt32LE(Math.floor(card / 2 ** 32), 12);
}

export function denseGet(b: Buffer, index: number): number {
  const bit = index * 6;
  const byte = HDR_SIZE + (bit >> 3);
  const fb = bit & 7;
  const b1 = byte + 1 < b.length ? b[byte + 1] : 0;
  return ((b[byte] >> fb) | (b1 << (8 - fb))) & 63;
}

function denseWrite(b: Buffer, index: number, value: number): void {
  const bit = index * 6;
  const byte = HDR_SIZE + (bit >> 3);
  const fb = bit & 7;
  b[byte] = (b[byte] & ~(63 << fb)) | ((value << fb) & 0xff);
  if (byte + 1 < b.length) b[byte + 1] = (b[byte + 1] & ~(63 >> (8 - fb))) | (value >> (8 - fb));
}

/** hllDenseSet: raises a register; 1 when it changed. */
export function denseSet(b: Buffer, index: number, count: number): 0 | 1 {
  if (count <= denseGet(b, index)) return 0;
  denseWrite(b, index, count);
  return 1;
}

/** Walks the sparse opcodes: (first register, run length, value) per run; false when malformed. */
function walkSparse(b: Buffer, visit: (first: number, run: number, value: number) => void): boolean {
  let idx = 0;
  let p = HDR_SIZE;
  const end = b.length;
  while (p < end) {
    const op = b[p];
    let run: number;
    let value = 0;
    if (isZero(op)) {
      run = zeroLen(op);
      p++;
    } else if (isXZero(op)) {
      run = xzeroLen(op, p + 1 < end ? b[p + 1] : 0);
      p += 2;
    } else {
      run = valLen(op);
      value = valValue(op);
      p++;
    }
    if (run + idx > REGISTERS) return false;
    visit(idx, run, value);
    idx += run;
  }
  return idx === REGISTERS;
}

/** hllSparseToDense: a dense copy (header and cached cardinality kept), or null when corrupted. */
export function sparseToDense(b: Buffer): Buffer | null {
  if (b[4] === DENSE) return b;
  const dense = Buffer.alloc(DENSE_SIZE);
  b.copy(dense, 0, 0, HDR_SIZE);
  dense[4] = DENSE;
  const ok = walkSparse(b, (first, run, value) => {
    if (value !== 0) for (let i = 0; i < run; i++) denseWrite(dense, first + i, value);
  });
  return ok ? dense : null;
}

/** The result of a sparse update: the (possibly new) string bytes and whether a register changed. */
export interface SetResult {
  bytes: Buffer;
  /** 1 changed, 0 unchanged, -1 corrupted. */
  changed: 1 | 0 | -1;
}

/**
 * hllSparseSet: raises register `index` to `count` in place of the opcode covering it, splitting
 * it and merging equal neighbours exactly as Redis does, so the bytes stay identical to Redis's;
 * changes src in place when the length stays. Promotes to dense when a value exceeds 32 or the string would outgrow maxBytes.
 */
export function sparseSet(src: Buffer, index: number, count: number, maxBytes: number): SetResult {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(src, index, count);
  let end = src.length;
  let p = HDR_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = src[p];
    let oplen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (!isXZero(op)) span = valLen(op);
    else {
      span = xzeroLen(op, p + 1 < end ? src[p + 1] : 0);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return { bytes: src, changed: -1 };
  const op = src[p];
  const zero = isZero(op);
  const xzero = isXZero(op);
  const val = !zero && !xzero;
  const runlen = zero ? zeroLen(op) : xzero ? xzeroLen(op, p + 1 < end ? src[p + 1] : 0) : valLen(op);

  let b = src;
  let done = false;
  if (val) {
    if (valValue(op) >= count) return { bytes: src, changed: 0 };
    if (runlen === 1) {
      b[p] = valOp(count, 1);
      done = true;
    }
  }
  if (!done && zero && runlen === 1) {
    b[p] = valOp(count, 1);
    done = true;
  }
  if (!done) {
    const seq: number[] = [];
    const last = first + span - 1;
    const zeros = (len: number): void => {
      if (len > SPARSE_ZERO_MAX_LEN) seq.push(((len - 1) >> 8) | 0x40, (len - 1) & 0xff);
      else seq.push(len - 1);
    };
    if (zero || xzero) {
      if (index !== first) zeros(index - first);
      seq.push(valOp(count, 1));
      if (index !== last) zeros(last - index);
    } else {
      const cur = valValue(op);
      if (index !== first) seq.push(valOp(cur, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(cur, last - index));
    }
    const oldlen = xzero ? 2 : 1;
    const delta = seq.length - oldlen;
    if (delta > 0 && end + delta > maxBytes) return promote(src, index, count);
    b = Buffer.allocUnsafe(end + delta);
    src.copy(b, 0, 0, p);
    Buffer.from(seq).copy(b, p);
    src.copy(b, p + seq.length, p + oldlen, end);
    end += delta;
  }
  // Step 4 of hllSparseSet: merge adjacent VAL opcodes of equal value, scanning at most 5 opcodes.
  let q = prev >= 0 ? prev : HDR_SIZE;
  let scan = 5;
  while (q < end && scan-- > 0) {
    if (isXZero(b[q])) {
      q += 2;
      continue;
    }
    if (isZero(b[q])) {
      q++;
      continue;
    }
    if (q + 1 < end && !isZero(b[q + 1]) && !isXZero(b[q + 1])) {
      const v1 = valValue(b[q]);
      const v2 = valValue(b[q + 1]);
      if (v1 === v2) {
        const len = valLen(b[q]) + valLen(b[q + 1]);
        if (len <= SPARSE_VAL_MAX_LEN) {
          b[q + 1] = valOp(v1, len);
          b.copyWithin(q, q + 1, end);
          end--;
          continue;
        }
      }
    }
    q++;
  }
  const out = end === b.length ? b : b.subarray(0, end);
  invalidateCache(out);
  return { bytes: out, changed: 1 };
}

function promote(src: Buffer, index: number, count: number): SetResult {
  const dense = sparseToDense(src);
  if (dense === null) return { bytes: src, changed: -1 };
  denseSet(dense, index, count);
  return { bytes: dense, changed: 1 };
}

/** Adds one register observation to either encoding; the caller owns `b` (it may be changed in place). */
export function hllSet(b: Buffer, index: number, count: number, maxBytes: number): SetResult {
  if (b[4] === DENSE) return { bytes: b, changed: denseSet(b, index, count) };
  if (b[4] === SPARSE) return sparseSet(b, index, count, maxBytes);
  return { bytes: b, changed: -1 };
}

/** hllMerge: max[i] = max(max[i], register i); false when a sparse HLL is corrupted. */
export function mergeInto(max: Uint8Array, b: Buffer): boolean {
  if (b[4] === DENSE) {
    for (let i = 0; i < REGISTERS; i++) {
      const v = denseGet(b, i);
      if (v > max[i]) max[i] = v;
    }
    return true;
  }
  return walkSparse(b, (first, run, value) => {
    for (let i = first; i < first + run; i++) if (value > max[i]) max[i] = value;
  });
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (zPrime !== z);
  return z / 3;
}

/** Ertl's estimator over the register histogram, as Redis's hllCount since 5.0. */
function estimate(histogram: Int32Array): number {
  const m = REGISTERS;
  let z = m * tau((m - histogram[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** The estimated cardinality of an HLL string, or null when its sparse form is corrupted. */
export function hllCount(b: Buffer): number | null {
  const histogram = new Int32Array(64);
  if (b[4] === DENSE) {
    for (let i = 0; i < REGISTERS; i++) histogram[denseGet(b, i)]++;
  } else if (!walkSparse(b, (_first, run, value) => (histogram[value] += run))) {
    return null;
  }
  return estimate(histogram);
}

/** The cardinality of raw registers (one byte each): multi-key PFCOUNT. */
export function countRegisters(registers: Uint8Array): number {
  const histogram = new Int32Array(64);
  for (let i = 0; i < REGISTERS; i++) histogram[registers[i] & 63]++;
  return estimate(histogram);
}

/** PFDEBUG DECODE's text: "z:len", "Z:len", "v:value,len" per opcode. */
export function decodeSparse(b: Buffer): string {
  const parts: string[] = [];
  let p = HDR_SIZE;
  while (p < b.length) {
    const op = b[p];
    if (isZero(op)) {
      parts.push(`z:${zeroLen(op)}`);
      p++;
    } else if (isXZero(op)) {
      parts.push(`Z:${xzeroLen(op, p + 1 < b.length ? b[p + 1] : 0)}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(op)},${valLen(op)}`);
      p++;
    }
  }
  return parts.join(' ');
}
