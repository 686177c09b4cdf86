import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import {
  cachedCardinality,
  countRegisters,
  createHll,
  decodeSparse,
  DEFAULT_SPARSE_MAX_BYTES,
  DENSE,
  denseGet,
  hllCount,
  hllPatLen,
  hllSet,
  invalidateCache,
  isHll,
  mergeInto,
  REGISTERS,
  setCachedCardinality,
  sparseSet,
  sparseToDense,
  denseSet,
  hllSelfTest,
} from '../hll';
import type { Entry } from '../keyspace';
import type { CommandDef } from '../table';
import { lookupTyped } from './util';

/** The HLL at key as bytes we own, or undefined when absent; errors as isHLLObjectOrReply. */
function lookupHll(ctx: Ctx, key: string): { entry: Entry; bytes: Buffer } | undefined {
  const entry = lookupTyped(ctx, key, 'string');
  if (entry === undefined) return undefined;
  const bytes = Buffer.from(entry.value as string, 'latin1');
  if (!isHll(bytes)) fail(Err.hllInvalid);
  return { entry, bytes };
}

function sparseMaxBytes(ctx: Ctx): number {
  const v = Number(ctx.server.configGet(['hll-sparse-max-bytes'])[0]?.[1]);
  return Number.isSafeInteger(v) && v >= 0 ? v : DEFAULT_SPARSE_MAX_BYTES;
}

/** Stores new HLL bytes under key, keeping its TTL (the value is modified, not replaced). */
function store(ctx: Ctx, key: string, entry: Entry | undefined, bytes: Buffer): void {
  const s = bytes.toString('latin1');
  if (entry === undefined) ctx.db.set(key, s);
  else {
    entry.value = s;
    ctx.db.written(key, entry);
  }
}

function pfadd(ctx: Ctx, argv: string[]): void {
  const key = argv[1];
  const found = lookupHll(ctx, key);
  let bytes = found?.bytes ?? createHll();
  let updated = found === undefined ? 1 : 0;
  const maxBytes = sparseMaxBytes(ctx);
  for (let j = 2; j < argv.length; j++) {
    const { index, count } = hllPatLen(argv[j]);
    const r = hllSet(bytes, index, count, maxBytes);
    if (r.changed === -1) fail(Err.hllCorrupted);
    bytes = r.bytes;
    updated += r.changed;
  }
  if (updated > 0) {
    invalidateCache(bytes);
    store(ctx, key, found?.entry, bytes);
    ctx.notify('$', 'pfadd', key);
  }
  ctx.out.integer(updated > 0 ? 1 : 0);
}

function pfcount(ctx: Ctx, argv: string[]): void {
  if (argv.length > 2) {
    const max = new Uint8Array(REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const found = lookupHll(ctx, argv[j]);
      if (found !== undefined && !mergeInto(max, found.bytes)) fail(Err.hllCorrupted);
    }
    return ctx.out.integer(countRegisters(max));
  }
  const key = argv[1];
  const found = lookupHll(ctx, key);
  if (found === undefined) return ctx.out.integer(0);
  const cached = cachedCardinality(found.bytes);
  if (cached !== null) return ctx.out.integer(cached);
  const card = hllCount(found.bytes);
  if (card === null) fail(Err.hllCorrupted);
  // The cache lives in the string: PFCOUNT writes it back (Redis propagates PFCOUNT for this).
  setCachedCardinality(found.bytes, card);
  store(ctx, key, found.entry, found.bytes);
  ctx.out.integer(card);
}

function pfmerge(ctx: Ctx, argv: string[]): void {
  const max = new Uint8Array(REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const found = lookupHll(ctx, argv[j]);
    if (found === undefined) continue;
    if (found.bytes[4] === DENSE) useDense = true;
    if (!mergeInto(max, found.bytes)) fail(Err.hllCorrupted);
  }
  const key = argv[1];
  const dest = lookupHll(ctx, key);
  let bytes: Buffer | null = dest?.bytes ?? createHll();
  if (useDense) bytes = sparseToDense(bytes);
  if (bytes === null) fail(Err.hllCorrupted);
  const maxBytes = sparseMaxBytes(ctx);
  for (let i = 0; i < REGISTERS; i++) {
    if (max[i] === 0) continue;
    if (bytes[4] === DENSE) denseSet(bytes, i, max[i]);
    else bytes = sparseSet(bytes, i, max[i], maxBytes).bytes;
  }
  invalidateCache(bytes);
  store(ctx, key, dest?.entry, bytes);
  ctx.notify('$', 'pfadd', key);
  ctx.out.ok();
}

function pfdebug(ctx: Ctx, argv: string[]): void {
  const sub = argv[1];
  const key = argv[2];
  if (ctx.db.get(key) === undefined) fail('ERR The specified key does not exist');
  const found = lookupHll(ctx, key) as { entry: Entry; bytes: Buffer };
  const toDense = (): boolean => {
    if (found.bytes[4] === DENSE) return false;
    const dense = sparseToDense(found.bytes);
    if (dense === null) fail(Err.hllCorrupted);
    found.bytes = dense;
    store(ctx, key, found.entry, dense);
    return true;
  };
  switch (sub.toLowerCase()) {
    case 'getreg': {
      toDense();
      ctx.out.array(REGISTERS);
      for (let i = 0; i < REGISTERS; i++) ctx.out.integer(denseGet(found.bytes, i));
      return;
    }
    case 'decode':
      if (found.bytes[4] === DENSE) fail('ERR HLL encoding is not sparse');
      return ctx.out.bulk(decodeSparse(found.bytes));
    case 'encoding':
      return ctx.out.simple(found.bytes[4] === DENSE ? 'dense' : 'sparse');
    case 'todense':
      return ctx.out.integer(toDense() ? 1 : 0);
    default:
      fail(`ERR Unknown PFDEBUG subcommand '${sub}'`);
  }
}

function pfselftest(ctx: Ctx): void {
  const failure = hllSelfTest();
  if (failure !== null) fail(failure);
  ctx.out.ok();
}

const ALL_KEYS = { first: 1, last: -1, step: 1 };

function def(
  name: string,
  arity: number,
  flags: CommandDef['flags'],
  handler: CommandDef['handler'],
  summary: string,
  since: string,
  keys = ALL_KEYS,
  complexity = 'O(1)',
): CommandDef {
  return { name, arity, flags, keys, acl: ['hyperloglog'], group: 'hyperloglog', since, summary, complexity, handler };
}

export const hyperloglogCommands: CommandDef[] = [
  def('pfadd', -2, ['write', 'denyoom', 'fast'], pfadd, 'Adds elements to a HyperLogLog key. Creates the key if it doesn\'t exist.', '2.8.9', { first: 1, last: 1, step: 1 }, 'O(1) to add every element.'),
  // Redis 7.0 flags PFCOUNT readonly + may_replicate although it may write the cached cardinality back.
  def('pfcount', -2, ['readonly', 'may_replicate'], pfcount, 'Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).', '2.8.9', ALL_KEYS, 'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.'),
  def('pfmerge', -2, ['write', 'denyoom'], pfmerge, 'Merges one or more HyperLogLog values into a single key.', '2.8.9', ALL_KEYS, 'O(N) to merge N HyperLogLogs, but with high constant times.'),
  def('pfdebug', 3, ['write', 'denyoom', 'admin'], pfdebug, 'Internal commands for debugging HyperLogLog values.', '2.8.9', { first: 2, last: 2, step: 1 }, 'N/A'),
  def('pfselftest', 1, ['admin'], pfselftest, 'An internal command for testing HyperLogLog values.', '2.8.9', { first: 0, last: 0, step: 0 }, 'N/A'),
];
