/**
 * StorageAdapter over Apache Cassandra (cassandra-driver 4). Schema: see schema.ts.
 *
 * - Newer-wins: every cell is written USING TIMESTAMP commitTs, so Cassandra's last-write-wins
 *   keeps the newest version whatever the arrival order, across clients and replicas; a tombstone
 *   is a row DELETE at its commitTs. Before writing, the head's stored commitTs is read: a write
 *   that is not newer is skipped (saves the write, and keeps large values from leaving orphan
 *   chunks), and a replaced chunked value's chunks are deleted after the switch.
 * - Large values: chunks are written under their version first, then the head names that version;
 *   a reader reads the head, then the chunks of the version it names, and retries if they changed
 *   under it, so it never sees half a value.
 * - Generations (clearTable/swapTables) live in meta rows cached in memory; changes take the gate
 *   exclusively, so a write never straddles one. One process should own a store's generation
 *   changes (the caches of others would not see them). Generation numbers come from a
 *   lightweight-transaction counter and are never reused (old partitions are deleted with
 *   wall-clock tombstones).
 * - Transient failures (no host, timeouts, unavailable) are retried a bounded number of times;
 *   batchWrite then fails with an error that lists the durable items.
 */
import { Client, errors as cassErrors, policies, types } from 'cassandra-driver';
import type {
  Consistency,
  KeyRef,
  ScanPage,
  ScanRequest,
  SnapshotChunk,
  StorageAdapter,
  StoredItem,
  StoreStats,
  TableName,
  WriteItem,
  WriteOptions,
} from '../adapter';
import { compareBytes } from '../bytes';
import { chunkValue, joinChunks } from '../chunks';
import { StoreError, validateKeyRef, validateSlotRange, validateTable, validateWriteItem } from '../errors';
import {
  SYSTEM_META_PREFIX,
  decodeGeneration,
  droppedGenerationMetaName,
  encodeGeneration,
  generationMetaName,
  validateMetaName,
} from '../layout';
import { SharedExclusiveGate } from '../locks';
import type { CassandraAdapterConfig } from '../registry';
import { RetryPolicy, bucketOf, errorMessage, mapLimit, mapSettled, partialWriteError, scanPage, withRetry } from './common';
import { schemaStatements, validateKeyspace } from './schema';

export interface CassandraAdapterOptions extends Omit<CassandraAdapterConfig, 'kind'> {
  /** Partitions per slot (bucket = hash(key) mod buckets). Part of the layout: fixed per store. */
  buckets?: number;
  /** Values above this many bytes are chunked. Default 512 KiB (mutations stay far below the 16 MiB cap). */
  chunkSize?: number;
  /** Consistency of reads and writes; a write asking for more (checkpoints: 'quorum') gets more. */
  readConsistency?: Consistency;
  writeConsistency?: Consistency;
  retry?: Partial<RetryPolicy>;
  /** Requests in flight per batchWrite/multiGet. */
  concurrency?: number;
}

interface Head {
  value: Buffer;
  commitTs: number;
  expireAt: number;
  chunks: number;
  totalLen: number;
}

type Row = types.Row;
/** What close() needs of a driver Host (shutdown is not in the driver's typings). */
type DriverHost = { shutdown?: (waitForPending: boolean) => Promise<void> };
type Param = number | bigint | Buffer | string | null;

const STRENGTH: Record<Consistency, number> = { one: 0, quorum: 1, all: 2 };
const CL: Record<Consistency, number> = { one: types.consistencies.one, quorum: types.consistencies.quorum, all: types.consistencies.all };
const NEXT_GEN_META = `${SYSTEM_META_PREFIX}next_gen`;
const SNAPSHOT_CHUNK_ITEMS = 256;
const SNAPSHOT_CHUNK_BYTES = 8 << 20;
const TRANSIENT_CODES = new Set<number>([
  types.responseErrorCodes.unavailableException,
  types.responseErrorCodes.overloaded,
  types.responseErrorCodes.isBootstrapping,
  types.responseErrorCodes.writeTimeout,
  types.responseErrorCodes.readTimeout,
  types.responseErrorCodes.truncateError,
]);

export function isTransientCassandraError(err: unknown): boolean {
  if (err instanceof cassErrors.NoHostAvailableError || err instanceof cassErrors.OperationTimedOutError || err instanceof cassErrors.BusyConnectionError) return true;
  return err instanceof cassErrors.ResponseError && TRANSIENT_CODES.has(err.code);
}

function toStoreError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = isTransientCassandraError(err) ? 'UNAVAILABLE' : 'INTERNAL';
  return new StoreError(code, `cassandra ${what}: ${errorMessage(err)}`);
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : 0);

export class CassandraAdapter implements StorageAdapter {
  readonly kind = 'cassandra' as const;
  private client: Client | null = null;
  private readonly ks: string;
  private readonly buckets: number;
  private readonly chunkSize: number;
  private readonly readCl: Consistency;
  private readonly writeCl: Consistency;
  private readonly retryPolicy: RetryPolicy;
  private readonly concurrency: number;
  private readonly gate = new SharedExclusiveGate();
  /** table → generation (null: the table has none, it is empty). */
  private readonly generations = new Map<TableName, number | null>();
  private readonly generationLoads = new Map<TableName, Promise<number | null>>();
  private readonly generationCreates = new Map<TableName, Promise<number>>();
  /** "gen:slot:bucket" of partitions already recorded in the partitions table by this process. */
  private readonly markedPartitions = new Set<string>();
  private readonly background = new Set<Promise<void>>();
  private readonly replacedHosts = new Set<DriverHost>();

  constructor(private readonly options: CassandraAdapterOptions) {
    validateKeyspace(options.keyspace);
    this.ks = options.keyspace;
    this.buckets = options.buckets ?? 4;
    this.chunkSize = options.chunkSize ?? 512 * 1024;
    this.readCl = options.readConsistency ?? 'quorum';
    this.writeCl = options.writeConsistency ?? 'quorum';
    this.retryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 2000, ...options.retry };
    this.concurrency = options.concurrency ?? 64;
    if (!Number.isInteger(this.buckets) || this.buckets < 1 || this.buckets > 256) throw new StoreError('INVALID_ARGUMENT', `buckets must be 1..256, got ${this.buckets}`);
  }

  async open(): Promise<void> {
    if (this.client) return;
    const o = this.options;
    const localDataCenter = o.localDataCenter ?? 'datacenter1';
    const client = new Client({
      contactPoints: o.hosts,
      localDataCenter,
      protocolOptions: { port: o.port },
      credentials: o.user ? { username: o.user, password: o.password ?? '' } : undefined,
      policies: {
        // Token-aware: each prepared statement's partition key routes it to a replica.
        loadBalancing: new policies.loadBalancing.TokenAwarePolicy(new policies.loadBalancing.DCAwareRoundRobinPolicy(localDataCenter)),
        // A node that comes back is used again within a second.
        reconnection: new policies.reconnection.ConstantReconnectionPolicy(1000),
      },
      encoding: { useBigIntAsLong: true },
      socketOptions: { connectTimeout: 5000, readTimeout: 15000 },
      // Every statement here is idempotent (explicit timestamps), so the driver may retry it.
      queryOptions: { prepare: true, isIdempotent: true },
    });
    // cassandra-driver 4.10 replaces a node's Host object when its control connection has to
    // start over (every node was down, then one came back), yet its load-balancing policy keeps
    // routing to the old one, whose pool shutdown() never closes: a socket and a reconnection
    // timer would outlive close(). Remember replaced hosts and shut them down in close().
    client.on('hostRemove', (host: DriverHost) => this.replacedHosts.add(host));
    try {
      await withRetry(this.retryPolicy, isTransientCassandraError, () => client.connect());
      for (const ddl of schemaStatements(this.ks, o.keyspaceClass, o.keyspaceReplication)) {
        await withRetry(this.retryPolicy, isTransientCassandraError, () => client.execute(ddl, [], { prepare: false }));
      }
    } catch (err) {
      await client.shutdown().catch(() => undefined);
      throw toStoreError(err, `open (hosts ${o.hosts.join(',')} port ${o.port}, keyspace ${this.ks})`);
    }
    this.client = client;
    // Generations whose deletion an earlier process queued but did not finish.
    for (const { name } of await this.allMeta()) {
      if (name.startsWith(droppedGenerationMetaName(0).slice(0, -1))) this.dropInBackground(Number(name.split('/').pop()));
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    if (!client) return;
    await Promise.all([...this.background]);
    this.client = null;
    this.generations.clear();
    this.markedPartitions.clear();
    await client.shutdown();
    const replaced = [...this.replacedHosts];
    this.replacedHosts.clear();
    await Promise.all(replaced.map((h) => h.shutdown?.(false).catch(() => undefined)));
  }

  // ---- queries -------------------------------------------------------------------------------

  private live(): Client {
    if (!this.client) throw new StoreError('FAILED_PRECONDITION', 'cassandra adapter is not open');
    return this.client;
  }

  private async run(query: string, params: Param[], cl: Consistency, extra: { fetchSize?: number; pageState?: string } = {}): Promise<types.ResultSet> {
    const client = this.live();
    return withRetry(this.retryPolicy, isTransientCassandraError, () => client.execute(query, params, { consistency: CL[cl], ...extra }));
  }

  /** Every row of a query, paging through it. */
  private async *rows(query: string, params: Param[], fetchSize = 1000): AsyncGenerator<Row> {
    let pageState: string | undefined;
    do {
      const rs = await this.run(query, params, this.readCl, { fetchSize, pageState });
      for (const row of rs.rows) yield row;
      pageState = rs.pageState ?? undefined;
    } while (pageState);
  }

  private writeConsistency(opts?: WriteOptions): Consistency {
    const asked = opts?.consistency;
    return asked && STRENGTH[asked] > STRENGTH[this.writeCl] ? asked : this.writeCl;
  }

  // ---- generations ---------------------------------------------------------------------------

  private async generationOf(table: TableName): Promise<number | null> {
    const cached = this.generations.get(table);
    if (cached !== undefined) return cached;
    let load = this.generationLoads.get(table);
    if (!load) {
      load = this.getMetaRaw(generationMetaName(table)).then((v) => (v ? decodeGeneration(v) : null));
      this.generationLoads.set(table, load);
    }
    try {
      const gen = await load;
      if (!this.generations.has(table)) this.generations.set(table, gen);
      return this.generations.get(table) ?? null;
    } finally {
      this.generationLoads.delete(table);
    }
  }

  /** The table's generation, created on its first write. Called under the shared gate. */
  private async generationForWrite(table: TableName): Promise<number> {
    const gen = await this.generationOf(table);
    if (gen !== null) return gen;
    let create = this.generationCreates.get(table);
    if (!create) {
      create = (async () => {
        const fresh = await this.allocateGeneration();
        await this.putMetaRaw(generationMetaName(table), encodeGeneration(fresh), 'quorum');
        this.generations.set(table, fresh);
        return fresh;
      })().finally(() => this.generationCreates.delete(table));
      this.generationCreates.set(table, create);
    }
    return create;
  }

  /** A never-used generation number: compare-and-set on a counter row (Paxos). */
  private async allocateGeneration(): Promise<number> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const current = await this.getMetaRaw(NEXT_GEN_META, 'quorum');
      const gen = current ? decodeGeneration(current) : 1;
      const rs = current
        ? await this.run(`UPDATE ${this.ks}.meta SET value = ? WHERE name = ? IF value = ?`, [encodeGeneration(gen + 1), NEXT_GEN_META, current], 'quorum')
        : await this.run(`INSERT INTO ${this.ks}.meta (name, value) VALUES (?, ?) IF NOT EXISTS`, [NEXT_GEN_META, encodeGeneration(gen + 1)], 'quorum');
      if (rs.first()?.['[applied]'] === true) return gen;
    }
    throw new StoreError('UNAVAILABLE', 'cassandra: could not allocate a table generation (contention)');
  }

  private dropInBackground(gen: number): void {
    const task = this.dropGeneration(gen)
      .catch((err) => console.warn(`cassandra: dropping generation ${gen} failed, retried at next open: ${errorMessage(err)}`))
      .finally(() => this.background.delete(task));
    this.background.add(task);
  }

  private async dropGeneration(gen: number): Promise<void> {
    const parts: { slot: number; bucket: number }[] = [];
    for await (const row of this.rows(`SELECT slot, bucket FROM ${this.ks}.partitions WHERE gen = ?`, [gen])) parts.push({ slot: row.slot as number, bucket: row.bucket as number });
    await mapLimit(parts, this.concurrency, async ({ slot, bucket }) => {
      await this.run(`DELETE FROM ${this.ks}.data WHERE gen = ? AND slot = ? AND bucket = ?`, [gen, slot, bucket], this.writeCl);
      await this.run(`DELETE FROM ${this.ks}.chunks WHERE gen = ? AND slot = ? AND bucket = ?`, [gen, slot, bucket], this.writeCl);
    });
    await this.run(`DELETE FROM ${this.ks}.partitions WHERE gen = ?`, [gen], this.writeCl);
    await this.run(`DELETE FROM ${this.ks}.meta WHERE name = ?`, [droppedGenerationMetaName(gen)], this.writeCl);
  }

  async clearTable(table: TableName): Promise<void> {
    validateTable(table);
    await this.gate.exclusive(async () => {
      const old = await this.generationOf(table);
      if (old === null) return;
      await this.putMetaRaw(droppedGenerationMetaName(old), Buffer.alloc(0), 'quorum');
      await this.run(`DELETE FROM ${this.ks}.meta WHERE name = ?`, [generationMetaName(table)], 'quorum');
      this.generations.set(table, null);
      this.dropInBackground(old);
    });
  }

  async swapTables(a: TableName, b: TableName): Promise<void> {
    validateTable(a);
    validateTable(b);
    if (a === b) return;
    await this.gate.exclusive(async () => {
      const [ga, gb] = [await this.generationOf(a), await this.generationOf(b)];
      const set = (table: TableName, gen: number | null) =>
        gen === null
          ? { query: `DELETE FROM ${this.ks}.meta WHERE name = ?`, params: [generationMetaName(table)] }
          : { query: `INSERT INTO ${this.ks}.meta (name, value) VALUES (?, ?)`, params: [generationMetaName(table), encodeGeneration(gen)] };
      const client = this.live();
      // Logged batch: both names change, or (after a crash) both eventually do.
      await withRetry(this.retryPolicy, isTransientCassandraError, () =>
        client.batch([set(a, gb), set(b, ga)], { logged: true, prepare: true, consistency: CL.quorum }),
      );
      this.generations.set(a, gb);
      this.generations.set(b, ga);
    });
  }

  // ---- reads ---------------------------------------------------------------------------------

  private headFromRow(row: Row): Head {
    return {
      value: (row.value as Buffer | null) ?? Buffer.alloc(0),
      commitTs: num(row.commit_ts),
      expireAt: num(row.expire_at),
      chunks: (row.chunks as number | null) ?? 0,
      totalLen: (row.total_len as number | null) ?? 0,
    };
  }

  private async readHead(gen: number, slot: number, key: Buffer): Promise<Head | null> {
    const rs = await this.run(
      `SELECT value, commit_ts, expire_at, chunks, total_len FROM ${this.ks}.data WHERE gen = ? AND slot = ? AND bucket = ? AND key = ?`,
      [gen, slot, bucketOf(key, this.buckets), key],
      this.readCl,
    );
    const row = rs.first();
    return row ? this.headFromRow(row) : null;
  }

  /** The value a head names: inline, or its version's chunks (null if they are gone: the head moved on). */
  private async valueOf(gen: number, slot: number, key: Buffer, head: Head): Promise<Buffer | null> {
    if (head.chunks === 0) return head.value;
    const bucket = bucketOf(key, this.buckets);
    const parts = await mapLimit(Array.from({ length: head.chunks }, (_, i) => i), 8, async (chunk) => {
      const rs = await this.run(
        `SELECT data FROM ${this.ks}.chunks WHERE gen = ? AND slot = ? AND bucket = ? AND key = ? AND version = ? AND chunk = ?`,
        [gen, slot, bucket, key, BigInt(head.commitTs), chunk],
        this.readCl,
      );
      return (rs.first()?.data as Buffer | undefined) ?? null;
    });
    if (parts.some((p) => p === null)) return null;
    return joinChunks(parts as Buffer[], head.chunks, head.totalLen);
  }

  private async getInGen(table: TableName, gen: number, ref: KeyRef, head: Head | null): Promise<StoredItem | null> {
    // A chunked value whose chunks vanish under us was replaced meanwhile: read the new head.
    for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0 || !head) head = await this.readHead(gen, ref.slot, ref.key);
      if (!head) return null;
      const value = await this.valueOf(gen, ref.slot, ref.key, head);
      if (value) return { table, slot: ref.slot, key: ref.key, value, commitTs: head.commitTs, expireAt: head.expireAt };
      head = null;
    }
    throw new StoreError('UNAVAILABLE', `cassandra: value of key in slot ${ref.slot} kept changing while being read`);
  }

  async get(ref: KeyRef): Promise<StoredItem | null> {
    validateKeyRef(ref);
    this.live();
    const gen = await this.generationOf(ref.table).catch((err) => Promise.reject(toStoreError(err, 'get')));
    if (gen === null) return null;
    return this.getInGen(ref.table, gen, ref, null).catch((err) => Promise.reject(toStoreError(err, 'get')));
  }

  async multiGet(refs: KeyRef[]): Promise<(StoredItem | null)[]> {
    refs.forEach(validateKeyRef);
    return mapLimit(refs, this.concurrency, (r) => this.get(r));
  }

  // ---- writes --------------------------------------------------------------------------------

  async batchWrite(items: WriteItem[], opts?: WriteOptions): Promise<void> {
    items.forEach(validateWriteItem);
    this.live();
    if (items.length === 0) return;
    const cl = this.writeConsistency(opts);
    await this.gate.shared(async () => {
      // Within a batch only the newest item of a key can matter (a tombstone wins a tie, as in
      // Cassandra); the others are durable exactly when it is.
      const ids = items.map((it) => `${it.table}\u0000${it.slot}\u0000${it.key.toString('hex')}`);
      const winner = new Map<string, number>();
      items.forEach((it, i) => {
        const w = winner.get(ids[i]);
        if (w === undefined || it.commitTs > items[w].commitTs || (it.commitTs === items[w].commitTs && it.value === null)) winner.set(ids[i], i);
      });
      const writes = [...winner.values()];
      const settled = await mapSettled(writes, this.concurrency, (i) => this.writeOne(items[i], cl));
      if (settled.every((s) => s.ok)) return;
      const outcome = new Map(writes.map((w, j) => [w, settled[j]]));
      const perItem = items.map((_, i) => outcome.get(winner.get(ids[i])!)!);
      throw partialWriteError('cassandra', perItem, (err) => toStoreError(err, 'write').message);
    });
  }

  private async markPartition(gen: number, slot: number, bucket: number, cl: Consistency): Promise<void> {
    const id = `${gen}:${slot}:${bucket}`;
    if (this.markedPartitions.has(id)) return;
    await this.run(`INSERT INTO ${this.ks}.partitions (gen, slot, bucket) VALUES (?, ?, ?)`, [gen, slot, bucket], cl);
    this.markedPartitions.add(id);
  }

  private async writeOne(item: WriteItem, cl: Consistency): Promise<void> {
    const gen = await this.generationForWrite(item.table);
    const bucket = bucketOf(item.key, this.buckets);
    const pk: Param[] = [gen, item.slot, bucket];
    const ts = BigInt(item.commitTs);
    await this.markPartition(gen, item.slot, bucket, cl);
    const prev = await this.readHead(gen, item.slot, item.key);
    if (prev && prev.commitTs >= item.commitTs) return; // not newer: nothing to do (and nothing to clean)

    if (item.value === null) {
      await this.run(`DELETE FROM ${this.ks}.data USING TIMESTAMP ? WHERE gen = ? AND slot = ? AND bucket = ? AND key = ?`, [ts, ...pk, item.key], cl);
    } else if (item.value.length <= this.chunkSize) {
      await this.putHead(pk, item, item.value, 0, cl);
    } else {
      const chunks = chunkValue(item.value, this.chunkSize);
      await mapLimit(chunks, 4, (data, chunk) =>
        this.run(
          `INSERT INTO ${this.ks}.chunks (gen, slot, bucket, key, version, chunk, data) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`,
          [...pk, item.key, ts, chunk, data, ts],
          cl,
        ),
      );
      await this.putHead(pk, item, Buffer.alloc(0), chunks.length, cl);
      // Lost a race to a newer write that arrived meanwhile: our chunks are nobody's.
      const now = await this.readHead(gen, item.slot, item.key);
      if (!now || now.commitTs !== item.commitTs) await this.deleteVersion(pk, item.key, item.commitTs, cl);
    }
    if (prev && prev.chunks > 0) await this.deleteVersion(pk, item.key, prev.commitTs, cl);
  }

  private putHead(pk: Param[], item: WriteItem, value: Buffer, chunks: number, cl: Consistency): Promise<types.ResultSet> {
    return this.run(
      `INSERT INTO ${this.ks}.data (gen, slot, bucket, key, value, commit_ts, expire_at, chunks, total_len) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`,
      [...pk, item.key, value, BigInt(item.commitTs), BigInt(item.expireAt), chunks, item.value!.length, BigInt(item.commitTs)],
      cl,
    );
  }

  /** Deletes one version's chunks; they were written at that version's timestamp. */
  private deleteVersion(pk: Param[], key: Buffer, version: number, cl: Consistency): Promise<types.ResultSet> {
    return this.run(
      `DELETE FROM ${this.ks}.chunks USING TIMESTAMP ? WHERE gen = ? AND slot = ? AND bucket = ? AND key = ? AND version = ?`,
      [BigInt(version), ...pk, key, BigInt(version)],
      cl,
    );
  }

  // ---- scans ---------------------------------------------------------------------------------

  /** Written partitions of a generation in a slot range, grouped by slot, in slot order. */
  private async *slotsOf(gen: number, slotFrom: number, slotTo: number): AsyncGenerator<{ slot: number; buckets: number[] }> {
    let current: { slot: number; buckets: number[] } | null = null;
    for await (const row of this.rows(`SELECT slot, bucket FROM ${this.ks}.partitions WHERE gen = ? AND slot >= ? AND slot <= ?`, [gen, slotFrom, slotTo], 5000)) {
      const slot = row.slot as number;
      if (current && current.slot !== slot) {
        yield current;
        current = null;
      }
      current ??= { slot, buckets: [] };
      current.buckets.push(row.bucket as number);
    }
    if (current) yield current;
  }

  /** Up to `limit` heads of one partition with key > after (all keys when after is null), in key order. */
  private async bucketHeads(gen: number, slot: number, bucket: number, after: Buffer | null, limit: number): Promise<{ key: Buffer; head: Head }[]> {
    const out: { key: Buffer; head: Head }[] = [];
    const cols = 'key, value, commit_ts, expire_at, chunks, total_len';
    const query = after
      ? `SELECT ${cols} FROM ${this.ks}.data WHERE gen = ? AND slot = ? AND bucket = ? AND key > ? LIMIT ?`
      : `SELECT ${cols} FROM ${this.ks}.data WHERE gen = ? AND slot = ? AND bucket = ? LIMIT ?`;
    const params: Param[] = after ? [gen, slot, bucket, after, limit] : [gen, slot, bucket, limit];
    // Small pages: inline values may be up to chunkSize each.
    for await (const row of this.rows(query, params, Math.min(limit, 64))) out.push({ key: row.key as Buffer, head: this.headFromRow(row) });
    return out;
  }

  /** Items of one slot after `after`, merged from its buckets in key order, at most `limit`. */
  private async slotItems(table: TableName, gen: number, slot: number, buckets: number[], after: Buffer | null, limit: number): Promise<StoredItem[]> {
    const perBucket = await mapLimit(buckets, 8, (b) => this.bucketHeads(gen, slot, b, after, limit));
    const merged = perBucket.flat().sort((x, y) => compareBytes(x.key, y.key)).slice(0, limit);
    const items = await mapLimit(merged, 8, ({ key, head }) => this.getInGen(table, gen, { table, slot, key }, head));
    return items.filter((i): i is StoredItem => i !== null);
  }

  async scan(req: ScanRequest): Promise<ScanPage> {
    validateTable(req.table);
    validateSlotRange(req.slotFrom, req.slotTo);
    this.live();
    try {
      return await scanPage(
        req,
        (table) => this.generationOf(table),
        (gen, from, to) => this.slotsOf(gen, from, to),
        (gen, slot, buckets, after, max) => this.slotItems(req.table, gen, slot, buckets, after, max),
      );
    } catch (err) {
      throw toStoreError(err, 'scan');
    }
  }

  /**
   * Deletes each written partition of the range with a tombstone at the partition's newest
   * commitTs: it removes everything stored, yet a later write (newer) is not shadowed by a
   * wall-clock tombstone.
   */
  async deleteRange(table: TableName, slotFrom: number, slotTo: number): Promise<void> {
    validateTable(table);
    validateSlotRange(slotFrom, slotTo);
    this.live();
    await this.gate.shared(async () => {
      const gen = await this.generationOf(table);
      if (gen === null) return;
      const parts: { slot: number; bucket: number }[] = [];
      for await (const { slot, buckets } of this.slotsOf(gen, slotFrom, slotTo)) for (const bucket of buckets) parts.push({ slot, bucket });
      await mapLimit(parts, this.concurrency, async ({ slot, bucket }) => {
        const pk: Param[] = [gen, slot, bucket];
        const where = 'WHERE gen = ? AND slot = ? AND bucket = ?';
        const maxHead = num((await this.run(`SELECT max(commit_ts) AS m FROM ${this.ks}.data ${where}`, pk, this.readCl)).first()?.m);
        if (maxHead > 0) await this.run(`DELETE FROM ${this.ks}.data USING TIMESTAMP ? ${where}`, [BigInt(maxHead), ...pk], this.writeCl);
        const maxChunk = num((await this.run(`SELECT max(version) AS m FROM ${this.ks}.chunks ${where}`, pk, this.readCl)).first()?.m);
        if (maxChunk > 0) await this.run(`DELETE FROM ${this.ks}.chunks USING TIMESTAMP ? ${where}`, [BigInt(maxChunk), ...pk], this.writeCl);
      });
    }).catch((err) => Promise.reject(toStoreError(err, 'deleteRange')));
  }

  // ---- snapshot, stats -----------------------------------------------------------------------

  private async allMeta(): Promise<{ name: string; value: Buffer }[]> {
    const out: { name: string; value: Buffer }[] = [];
    for await (const row of this.rows(`SELECT name, value FROM ${this.ks}.meta`, [])) out.push({ name: row.name as string, value: (row.value as Buffer | null) ?? Buffer.alloc(0) });
    return out;
  }

  /** Current (table, generation) pairs, from the meta rows. */
  private async tableGenerations(): Promise<{ table: TableName; gen: number }[]> {
    const prefix = generationMetaName('');
    return (await this.allMeta())
      .filter((m) => m.name.startsWith(prefix))
      .map((m) => ({ table: m.name.slice(prefix.length), gen: decodeGeneration(m.value) }))
      .sort((x, y) => (x.table < y.table ? -1 : x.table > y.table ? 1 : 0));
  }

  async *snapshot(): AsyncIterable<SnapshotChunk> {
    this.live();
    let items: StoredItem[] = [];
    let bytes = 0;
    for (const { table, gen } of await this.tableGenerations()) {
      for await (const { slot, buckets } of this.slotsOf(gen, 0, 16383)) {
        let after: Buffer | null = null;
        for (;;) {
          const got = await this.slotItems(table, gen, slot, buckets, after, SNAPSHOT_CHUNK_ITEMS);
          for (const it of got) {
            items.push(it);
            bytes += it.value.length + it.key.length;
            if (items.length >= SNAPSHOT_CHUNK_ITEMS || bytes >= SNAPSHOT_CHUNK_BYTES) {
              yield { items, meta: [] };
              items = [];
              bytes = 0;
            }
          }
          if (got.length < SNAPSHOT_CHUNK_ITEMS) break;
          after = got[got.length - 1].key;
        }
      }
    }
    const meta = (await this.allMeta()).filter((m) => !m.name.startsWith(SYSTEM_META_PREFIX));
    yield { items, meta };
  }

  async restore(chunks: AsyncIterable<SnapshotChunk>): Promise<void> {
    this.live();
    for await (const chunk of chunks) {
      if (chunk.items.length) await this.batchWrite(chunk.items.map((i) => ({ ...i })), { consistency: 'quorum' });
      for (const m of chunk.meta) await this.putMeta(m.name, m.value, { consistency: 'quorum' });
    }
  }

  /**
   * Approximate: counts the rows of up to 64 randomly chosen written partitions and scales by
   * the number of written partitions (Cassandra's own size estimates lag by minutes).
   */
  async stats(): Promise<StoreStats> {
    this.live();
    const parts: { gen: number; slot: number; bucket: number }[] = [];
    for (const { gen } of await this.tableGenerations()) {
      for await (const { slot, buckets } of this.slotsOf(gen, 0, 16383)) for (const bucket of buckets) parts.push({ gen, slot, bucket });
    }
    if (parts.length === 0) return { keys: 0, bytes: 0 };
    const sample = [...parts].sort(() => Math.random() - 0.5).slice(0, 64);
    let keys = 0;
    let bytes = 0;
    for (const p of sample) {
      for await (const row of this.rows(`SELECT key, value, chunks, total_len FROM ${this.ks}.data WHERE gen = ? AND slot = ? AND bucket = ?`, [p.gen, p.slot, p.bucket], 256)) {
        keys++;
        bytes += (row.key as Buffer).length + ((row.chunks as number | null) ? ((row.total_len as number | null) ?? 0) : ((row.value as Buffer | null)?.length ?? 0));
      }
    }
    const scale = parts.length / sample.length;
    return { keys: Math.round(keys * scale), bytes: Math.round(bytes * scale) };
  }

  // ---- metadata ------------------------------------------------------------------------------

  private async getMetaRaw(name: string, cl: Consistency = this.readCl): Promise<Buffer | null> {
    const rs = await this.run(`SELECT value FROM ${this.ks}.meta WHERE name = ?`, [name], cl);
    const row = rs.first();
    return row ? ((row.value as Buffer | null) ?? Buffer.alloc(0)) : null;
  }

  private async putMetaRaw(name: string, value: Buffer, cl: Consistency): Promise<void> {
    await this.run(`INSERT INTO ${this.ks}.meta (name, value) VALUES (?, ?)`, [name, value], cl);
  }

  async getMeta(name: string): Promise<Buffer | null> {
    validateMetaName(name);
    this.live();
    return this.getMetaRaw(name).catch((err) => Promise.reject(toStoreError(err, 'getMeta')));
  }

  async putMeta(name: string, value: Buffer, opts?: WriteOptions): Promise<void> {
    validateMetaName(name);
    this.live();
    await this.putMetaRaw(name, value, this.writeConsistency(opts)).catch((err) => Promise.reject(toStoreError(err, 'putMeta')));
  }
}
