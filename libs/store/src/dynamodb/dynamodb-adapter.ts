/**
 * StorageAdapter over DynamoDB (@aws-sdk/client-dynamodb v3), or DynamoDB Local / any compatible
 * endpoint. Layout: see layout.ts.
 *
 * - Newer-wins: BatchWriteItem takes no condition, so each item is a conditional PutItem
 *   (attribute_not_exists(pk) OR ts <= :ts), many in parallel. A failed condition means the
 *   stored item is newer: the write is done. Equal commitTs passes: a retry rewrites the same item.
 *   Tombstones are items (tomb = true) so they keep fencing older writes.
 * - Large values (key + value above ~350 KB; items are capped at 400 KB): chunk items are written
 *   under the value's version with TransactWriteItems (each transaction ≤ 4 MB, so a group of
 *   chunks lands whole), then the head is switched by the same conditional PutItem. Readers read
 *   the head, then the chunks of the version it names, and re-read if that version vanished.
 * - Throttling, 5xx and network errors are retried with exponential backoff (the SDK's own retries
 *   are off so the bound is ours); batchWrite then fails with an error listing the durable items.
 * - Generations: meta rows, cached; clearTable/swapTables take the gate exclusively; a swap is one
 *   TransactWriteItems; numbers come from an atomic counter (UpdateItem ADD) and are never reused.
 */
import {
  AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  QueryCommandInput,
  ResourceInUseException,
  ResourceNotFoundException,
  TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  BatchWriteItemCommand,
  WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type {
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
import { SYSTEM_META_PREFIX, decodeGeneration, droppedGenerationMetaName, encodeGeneration, generationMetaName, validateMetaName } from '../layout';
import { SharedExclusiveGate } from '../locks';
import type { DynamodbAdapterConfig } from '../registry';
import { RetryPolicy, bucketOf, errorMessage, mapLimit, mapSettled, partialWriteError, scanPage, withRetry } from '../cassandra/common';
import {
  META_PK,
  chunkPk,
  chunkSk,
  decodeMarkerSk,
  headPk,
  isLongKey,
  keyFromSk,
  markerPk,
  markerSk,
  skGroup,
  skLowerBound,
  skOf,
} from './layout';

export interface DynamodbAdapterOptions extends Omit<DynamodbAdapterConfig, 'kind'> {
  /** Default: dummy credentials when an endpoint is given (DynamoDB Local accepts any), else the SDK's chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  buckets?: number;
  /** Chunk size and inline limit (key + value) in bytes. Default 350 000 (items are capped at 400 KB). */
  chunkSize?: number;
  retry?: Partial<RetryPolicy>;
  concurrency?: number;
  /** For tests: replaces the client (fault injection). */
  client?: Pick<DynamoDBClient, 'send' | 'destroy'>;
}

type Item = Record<string, AttributeValue>;

interface Head {
  sk: Buffer;
  key: Buffer;
  commitTs: number;
  expireAt: number;
  tomb: boolean;
  value: Buffer;
  chunks: number;
  totalLen: number;
}

const SNAPSHOT_CHUNK_ITEMS = 256;
const SNAPSHOT_CHUNK_BYTES = 8 << 20;
const TRANSACTION_BYTES = 3_500_000;
const NEXT_GEN_META = `${SYSTEM_META_PREFIX}next_gen`;

const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TransactionInProgressException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

export function isTransientDynamoError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; CancellationReasons?: { Code?: string }[] };
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && TRANSIENT_CODES.has(e.code)) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  // A transaction cancelled only by throttling or conflicts may succeed when retried.
  if (e.name === 'TransactionCanceledException' && e.CancellationReasons) {
    return e.CancellationReasons.every((r) => !r.Code || r.Code === 'None' || r.Code === 'ThrottlingError' || r.Code === 'TransactionConflict');
  }
  return false;
}

function toStoreError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  return new StoreError(isTransientDynamoError(err) ? 'UNAVAILABLE' : 'INTERNAL', `dynamodb ${what}: ${errorMessage(err)}`);
}

const buf = (v: AttributeValue | undefined): Buffer => (v?.B ? Buffer.from(v.B.buffer, v.B.byteOffset, v.B.byteLength) : Buffer.alloc(0));
const n = (v: AttributeValue | undefined): number => (v?.N ? Number(v.N) : 0);
const B = (b: Buffer): AttributeValue => ({ B: b as unknown as Uint8Array });
const N = (x: number): AttributeValue => ({ N: String(x) });

export class DynamodbAdapter implements StorageAdapter {
  readonly kind = 'dynamodb' as const;
  private client: Pick<DynamoDBClient, 'send' | 'destroy'> | null = null;
  private readonly table: string;
  private readonly buckets: number;
  private readonly chunkSize: number;
  private readonly retryPolicy: RetryPolicy;
  private readonly concurrency: number;
  private readonly gate = new SharedExclusiveGate();
  private readonly generations = new Map<TableName, number | null>();
  private readonly generationCreates = new Map<TableName, Promise<number>>();
  private readonly markedPartitions = new Set<string>();
  private readonly background = new Set<Promise<void>>();

  constructor(private readonly options: DynamodbAdapterOptions) {
    if (!/^[A-Za-z0-9_.-]{3,255}$/.test(options.table)) throw new StoreError('INVALID_ARGUMENT', `invalid DynamoDB table name ${JSON.stringify(options.table)}`);
    this.table = options.table;
    this.buckets = options.buckets ?? 4;
    this.chunkSize = options.chunkSize ?? 350_000;
    this.retryPolicy = { attempts: 6, baseDelayMs: 50, maxDelayMs: 2000, ...options.retry };
    this.concurrency = options.concurrency ?? 32;
    if (!Number.isInteger(this.buckets) || this.buckets < 1 || this.buckets > 256) throw new StoreError('INVALID_ARGUMENT', `buckets must be 1..256, got ${this.buckets}`);
  }

  async open(): Promise<void> {
    if (this.client) return;
    const o = this.options;
    const client =
      o.client ??
      new DynamoDBClient({
        region: o.region || 'us-east-1',
        endpoint: o.endpoint,
        credentials: o.credentials ?? (o.endpoint ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined),
        maxAttempts: 1, // retries are ours (withRetry), so their bound is known
        requestHandler: { connectionTimeout: 3000, requestTimeout: 15000 },
      });
    this.client = client;
    try {
      await this.ensureTable();
    } catch (err) {
      this.client = null;
      if (!o.client) client.destroy();
      throw toStoreError(err, `open (table ${this.table} at ${o.endpoint ?? `region ${o.region}`})`);
    }
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
    if (!this.options.client) client.destroy();
  }

  // ---- requests ------------------------------------------------------------------------------

  private live(): Pick<DynamoDBClient, 'send' | 'destroy'> {
    if (!this.client) throw new StoreError('FAILED_PRECONDITION', 'dynamodb adapter is not open');
    return this.client;
  }

  // The SDK's command classes share no useful common type for send(); each call site is typed.
  private call<T>(fn: (c: DynamoDBClient) => Promise<T>): Promise<T> {
    const client = this.live() as DynamoDBClient;
    return withRetry(this.retryPolicy, isTransientDynamoError, () => fn(client));
  }

  private async ensureTable(): Promise<void> {
    const describe = () => this.call((c) => c.send(new DescribeTableCommand({ TableName: this.table })));
    let status: string | undefined;
    try {
      status = (await describe()).Table?.TableStatus;
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
      try {
        await this.call((c) =>
          c.send(
            new CreateTableCommand({
              TableName: this.table,
              BillingMode: 'PAY_PER_REQUEST',
              AttributeDefinitions: [
                { AttributeName: 'pk', AttributeType: 'S' },
                { AttributeName: 'sk', AttributeType: 'B' },
              ],
              KeySchema: [
                { AttributeName: 'pk', KeyType: 'HASH' },
                { AttributeName: 'sk', KeyType: 'RANGE' },
              ],
            }),
          ),
        );
      } catch (createErr) {
        if (!(createErr instanceof ResourceInUseException)) throw createErr; // created concurrently
      }
    }
    const deadline = Date.now() + 120_000;
    while (status !== 'ACTIVE') {
      if (Date.now() > deadline) throw new StoreError('UNAVAILABLE', `dynamodb table ${this.table} did not become ACTIVE`);
      status = (await describe()).Table?.TableStatus;
      if (status !== 'ACTIVE') await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Every item of a partition (optionally a sort-key range), paging through it. */
  private async *query(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<Item> {
    let start: Item | undefined;
    do {
      const page = await this.call((c) => c.send(new QueryCommand({ TableName: this.table, ConsistentRead: true, ...input, ExclusiveStartKey: start })));
      for (const it of page.Items ?? []) yield it;
      start = page.LastEvaluatedKey;
    } while (start);
  }

  private async batchDelete(keys: { pk: string; sk: Buffer }[]): Promise<void> {
    const groups: WriteRequest[][] = [];
    for (let i = 0; i < keys.length; i += 25) groups.push(keys.slice(i, i + 25).map((k) => ({ DeleteRequest: { Key: { pk: { S: k.pk }, sk: B(k.sk) } } })));
    await mapLimit(groups, 8, async (group) => {
      let pending: WriteRequest[] = group;
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt > 0) {
          if (attempt >= this.retryPolicy.attempts) throw new StoreError('UNAVAILABLE', `dynamodb: ${pending.length} deletes stayed unprocessed`);
          await new Promise((resolve) => setTimeout(resolve, Math.min(this.retryPolicy.maxDelayMs, this.retryPolicy.baseDelayMs * 2 ** attempt)));
        }
        const rs = await this.call((c) => c.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: pending } })));
        pending = rs.UnprocessedItems?.[this.table] ?? [];
      }
    });
  }

  // ---- metadata ------------------------------------------------------------------------------

  private async getMetaRaw(name: string): Promise<Buffer | null> {
    const rs = await this.call((c) => c.send(new GetItemCommand({ TableName: this.table, Key: { pk: { S: META_PK }, sk: B(Buffer.from(name)) }, ConsistentRead: true })));
    return rs.Item ? buf(rs.Item.v) : null;
  }

  private metaPut(name: string, value: Buffer): TransactWriteItem {
    const Item: Item = { pk: { S: META_PK }, sk: B(Buffer.from(name)) };
    if (value.length) Item.v = B(value);
    return { Put: { TableName: this.table, Item } };
  }

  private metaDelete(name: string): TransactWriteItem {
    return { Delete: { TableName: this.table, Key: { pk: { S: META_PK }, sk: B(Buffer.from(name)) } } };
  }

  private async putMetaRaw(name: string, value: Buffer): Promise<void> {
    const put = this.metaPut(name, value).Put!;
    await this.call((c) => c.send(new PutItemCommand({ TableName: this.table, Item: put.Item })));
  }

  private async deleteMetaRaw(name: string): Promise<void> {
    await this.call((c) => c.send(new DeleteItemCommand({ TableName: this.table, Key: { pk: { S: META_PK }, sk: B(Buffer.from(name)) } })));
  }

  private async allMeta(): Promise<{ name: string; value: Buffer }[]> {
    const out: { name: string; value: Buffer }[] = [];
    for await (const it of this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: META_PK } } })) {
      out.push({ name: buf(it.sk).toString(), value: buf(it.v) });
    }
    return out;
  }

  async getMeta(name: string): Promise<Buffer | null> {
    validateMetaName(name);
    this.live();
    return this.getMetaRaw(name).catch((err) => Promise.reject(toStoreError(err, 'getMeta')));
  }

  async putMeta(name: string, value: Buffer, _opts?: WriteOptions): Promise<void> {
    validateMetaName(name);
    this.live();
    // DynamoDB writes are durable in several zones before they are acknowledged: no levels to choose.
    await this.putMetaRaw(name, value).catch((err) => Promise.reject(toStoreError(err, 'putMeta')));
  }

  // ---- generations ---------------------------------------------------------------------------

  private async generationOf(table: TableName): Promise<number | null> {
    const cached = this.generations.get(table);
    if (cached !== undefined) return cached;
    const v = await this.getMetaRaw(generationMetaName(table));
    if (!this.generations.has(table)) this.generations.set(table, v ? decodeGeneration(v) : null);
    return this.generations.get(table) ?? null;
  }

  private async generationForWrite(table: TableName): Promise<number> {
    const gen = await this.generationOf(table);
    if (gen !== null) return gen;
    let create = this.generationCreates.get(table);
    if (!create) {
      create = (async () => {
        const rs = await this.call((c) =>
          c.send(
            new UpdateItemCommand({
              TableName: this.table,
              Key: { pk: { S: META_PK }, sk: B(Buffer.from(NEXT_GEN_META)) },
              UpdateExpression: 'ADD n :one',
              ExpressionAttributeValues: { ':one': N(1) },
              ReturnValues: 'UPDATED_NEW',
            }),
          ),
        );
        const fresh = n(rs.Attributes?.n);
        await this.putMetaRaw(generationMetaName(table), encodeGeneration(fresh));
        this.generations.set(table, fresh);
        return fresh;
      })().finally(() => this.generationCreates.delete(table));
      this.generationCreates.set(table, create);
    }
    return create;
  }

  private dropInBackground(gen: number): void {
    const task = this.dropGeneration(gen)
      .catch((err) => console.warn(`dynamodb: dropping generation ${gen} failed, retried at next open: ${errorMessage(err)}`))
      .finally(() => this.background.delete(task));
    this.background.add(task);
  }

  private async partitionsOf(gen: number, slotFrom: number, slotTo: number): Promise<{ slot: number; bucket: number }[]> {
    const out: { slot: number; bucket: number }[] = [];
    for await (const it of this.query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':pk': { S: markerPk(gen) }, ':lo': B(markerSk(slotFrom, 0)), ':hi': B(markerSk(slotTo, 255)) },
    })) {
      out.push(decodeMarkerSk(buf(it.sk)));
    }
    return out;
  }

  /** Deletes every head and chunk item of some partitions of a generation. */
  private async deletePartitions(gen: number, parts: { slot: number; bucket: number }[]): Promise<void> {
    await mapLimit(parts, 4, async ({ slot, bucket }) => {
      for (const pk of [headPk(gen, slot, bucket), chunkPk(gen, slot, bucket)]) {
        const keys: { pk: string; sk: Buffer }[] = [];
        for await (const it of this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } }, ProjectionExpression: 'sk' })) keys.push({ pk, sk: buf(it.sk) });
        await this.batchDelete(keys);
      }
    });
  }

  private async dropGeneration(gen: number): Promise<void> {
    const parts = await this.partitionsOf(gen, 0, 16383);
    await this.deletePartitions(gen, parts);
    await this.batchDelete(parts.map((p) => ({ pk: markerPk(gen), sk: markerSk(p.slot, p.bucket) })));
    await this.deleteMetaRaw(droppedGenerationMetaName(gen));
  }

  async clearTable(table: TableName): Promise<void> {
    validateTable(table);
    this.live();
    await this.gate
      .exclusive(async () => {
        const old = await this.generationOf(table);
        if (old === null) return;
        await this.call((c) =>
          c.send(new TransactWriteItemsCommand({ TransactItems: [this.metaPut(droppedGenerationMetaName(old), Buffer.from([1])), this.metaDelete(generationMetaName(table))] })),
        );
        this.generations.set(table, null);
        this.dropInBackground(old);
      })
      .catch((err) => Promise.reject(toStoreError(err, 'clearTable')));
  }

  async swapTables(a: TableName, b: TableName): Promise<void> {
    validateTable(a);
    validateTable(b);
    this.live();
    if (a === b) return;
    await this.gate
      .exclusive(async () => {
        const ga = await this.generationOf(a);
        const gb = await this.generationOf(b);
        const set = (table: TableName, gen: number | null) => (gen === null ? this.metaDelete(generationMetaName(table)) : this.metaPut(generationMetaName(table), encodeGeneration(gen)));
        // One transaction: both names move, or neither.
        await this.call((c) => c.send(new TransactWriteItemsCommand({ TransactItems: [set(a, gb), set(b, ga)] })));
        this.generations.set(a, gb);
        this.generations.set(b, ga);
      })
      .catch((err) => Promise.reject(toStoreError(err, 'swapTables')));
  }

  // ---- reads ---------------------------------------------------------------------------------

  private headOf(it: Item): Head {
    const sk = buf(it.sk);
    return {
      sk,
      key: it.k ? buf(it.k) : keyFromSk(sk),
      commitTs: n(it.ts),
      expireAt: n(it.exp),
      tomb: it.tomb?.BOOL === true,
      value: buf(it.v),
      chunks: n(it.n),
      totalLen: n(it.len),
    };
  }

  private async readHead(gen: number, slot: number, key: Buffer): Promise<Head | null> {
    const rs = await this.call((c) =>
      c.send(new GetItemCommand({ TableName: this.table, Key: { pk: { S: headPk(gen, slot, bucketOf(key, this.buckets)) }, sk: B(skOf(key)) }, ConsistentRead: true })),
    );
    return rs.Item ? this.headOf(rs.Item) : null;
  }

  private async valueOf(gen: number, slot: number, head: Head): Promise<Buffer | null> {
    if (head.chunks === 0) return head.value;
    const pk = chunkPk(gen, slot, bucketOf(head.key, this.buckets));
    const parts = await mapLimit(Array.from({ length: head.chunks }, (_, i) => i), 8, async (chunk) => {
      const rs = await this.call((c) =>
        c.send(new GetItemCommand({ TableName: this.table, Key: { pk: { S: pk }, sk: B(chunkSk(head.key, head.commitTs, chunk)) }, ConsistentRead: true })),
      );
      return rs.Item ? buf(rs.Item.data) : null;
    });
    if (parts.some((p) => p === null)) return null;
    return joinChunks(parts as Buffer[], head.chunks, head.totalLen);
  }

  private async itemOf(table: TableName, gen: number, slot: number, key: Buffer, head: Head | null): Promise<StoredItem | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0 || !head) head = await this.readHead(gen, slot, key);
      if (!head || head.tomb) return null;
      const value = await this.valueOf(gen, slot, head);
      if (value) return { table, slot, key: head.key, value, commitTs: head.commitTs, expireAt: head.expireAt };
      head = null; // its version was replaced while we read it
    }
    throw new StoreError('UNAVAILABLE', `dynamodb: value of a key in slot ${slot} kept changing while being read`);
  }

  async get(ref: KeyRef): Promise<StoredItem | null> {
    validateKeyRef(ref);
    this.live();
    try {
      const gen = await this.generationOf(ref.table);
      return gen === null ? null : await this.itemOf(ref.table, gen, ref.slot, ref.key, null);
    } catch (err) {
      throw toStoreError(err, 'get');
    }
  }

  async multiGet(refs: KeyRef[]): Promise<(StoredItem | null)[]> {
    refs.forEach(validateKeyRef);
    return mapLimit(refs, this.concurrency, (r) => this.get(r));
  }

  // ---- writes --------------------------------------------------------------------------------

  async batchWrite(items: WriteItem[], _opts?: WriteOptions): Promise<void> {
    items.forEach(validateWriteItem);
    this.live();
    if (items.length === 0) return;
    await this.gate.shared(async () => {
      // Only the newest item of a key in the batch is written (a tombstone wins a tie).
      const ids = items.map((it) => `${it.table}\u0000${it.slot}\u0000${it.key.toString('hex')}`);
      const winner = new Map<string, number>();
      items.forEach((it, i) => {
        const w = winner.get(ids[i]);
        if (w === undefined || it.commitTs > items[w].commitTs || (it.commitTs === items[w].commitTs && it.value === null)) winner.set(ids[i], i);
      });
      const writes = [...winner.values()];
      const settled = await mapSettled(writes, this.concurrency, (i) => this.writeOne(items[i]));
      if (settled.every((s) => s.ok)) return;
      const outcome = new Map(writes.map((w, j) => [w, settled[j]]));
      throw partialWriteError('dynamodb', items.map((_, i) => outcome.get(winner.get(ids[i])!)!), (err) => toStoreError(err, 'write').message);
    });
  }

  private async markPartition(gen: number, slot: number, bucket: number): Promise<void> {
    const id = `${gen}:${slot}:${bucket}`;
    if (this.markedPartitions.has(id)) return;
    await this.call((c) => c.send(new PutItemCommand({ TableName: this.table, Item: { pk: { S: markerPk(gen) }, sk: B(markerSk(slot, bucket)) } })));
    this.markedPartitions.add(id);
  }

  /**
   * Conditional put of a head. Returns null if the stored head is newer (nothing written), else
   * the head it replaced (ReturnValues ALL_OLD: one request tells whether chunks became garbage).
   */
  private async putHead(item: Item, commitTs: number): Promise<{ old: Head | null } | null> {
    try {
      const rs = await this.call((c) =>
        c.send(
          new PutItemCommand({
            TableName: this.table,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk) OR ts <= :ts',
            ExpressionAttributeValues: { ':ts': N(commitTs) },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      return { old: rs.Attributes ? this.headOf(rs.Attributes) : null };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === 'ConditionalCheckFailedException') return null;
      throw err;
    }
  }

  private async writeOne(w: WriteItem): Promise<void> {
    const gen = await this.generationForWrite(w.table);
    const bucket = bucketOf(w.key, this.buckets);
    await this.markPartition(gen, w.slot, bucket);
    const head: Item = { pk: { S: headPk(gen, w.slot, bucket) }, sk: B(skOf(w.key)), ts: N(w.commitTs), exp: N(w.expireAt) };
    if (isLongKey(w.key)) head.k = B(w.key);
    const inline = w.value === null || w.value.length + w.key.length <= this.chunkSize;
    if (w.value === null) head.tomb = { BOOL: true };
    else if (inline && w.value.length) head.v = B(w.value);
    if (inline) {
      const put = await this.putHead(head, w.commitTs);
      await this.collectReplaced(gen, w.slot, bucket, put, w.commitTs);
      return;
    }
    // Read first: a large value that is not newer is not written at all (no orphan chunks).
    const prev = await this.readHead(gen, w.slot, w.key);
    if (prev && prev.commitTs >= w.commitTs) return;
    const chunks = chunkValue(w.value!, this.chunkSize);
    await this.writeChunks(gen, w.slot, bucket, w.key, w.commitTs, chunks);
    head.n = N(chunks.length);
    head.len = N(w.value!.length);
    const put = await this.putHead(head, w.commitTs);
    if (!put) {
      // A newer head arrived between our read and our put: our chunks are nobody's.
      await this.deleteChunks(gen, w.slot, bucket, { key: w.key, commitTs: w.commitTs, chunks: chunks.length });
      return;
    }
    await this.collectReplaced(gen, w.slot, bucket, put, w.commitTs);
  }

  /** Deletes the chunks of a chunked value our put replaced (another version). */
  private async collectReplaced(gen: number, slot: number, bucket: number, put: { old: Head | null } | null, commitTs: number): Promise<void> {
    const old = put?.old;
    if (old && old.chunks > 0 && old.commitTs !== commitTs) await this.deleteChunks(gen, slot, bucket, old);
  }

  /** Chunks in transactions of at most ~3.5 MB (DynamoDB caps one at 4 MB and 100 items). */
  private async writeChunks(gen: number, slot: number, bucket: number, key: Buffer, version: number, chunks: Buffer[]): Promise<void> {
    const pk = chunkPk(gen, slot, bucket);
    const groups: TransactWriteItem[][] = [[]];
    let bytes = 0;
    chunks.forEach((data, i) => {
      if (groups[groups.length - 1].length && (bytes + data.length > TRANSACTION_BYTES || groups[groups.length - 1].length >= 100)) {
        groups.push([]);
        bytes = 0;
      }
      groups[groups.length - 1].push({ Put: { TableName: this.table, Item: { pk: { S: pk }, sk: B(chunkSk(key, version, i)), data: B(data) } } });
      bytes += data.length;
    });
    await mapLimit(groups, 4, (TransactItems) => this.call((c) => c.send(new TransactWriteItemsCommand({ TransactItems }))));
  }

  private async deleteChunks(gen: number, slot: number, bucket: number, head: { key: Buffer; commitTs: number; chunks: number }): Promise<void> {
    const pk = chunkPk(gen, slot, bucket);
    await this.batchDelete(Array.from({ length: head.chunks }, (_, i) => ({ pk, sk: chunkSk(head.key, head.commitTs, i) })));
  }

  // ---- scans ---------------------------------------------------------------------------------

  /**
   * Up to `limit` live heads of one partition with key > after, in key order. Reads past `limit`
   * to the end of a group of long keys sharing a sort-key prefix, whose order only the full keys give.
   */
  private async bucketHeads(gen: number, slot: number, bucket: number, after: Buffer | null, limit: number): Promise<Head[]> {
    const out: Head[] = [];
    const input: Omit<QueryCommandInput, 'TableName'> = after
      ? { KeyConditionExpression: 'pk = :pk AND sk >= :lo', ExpressionAttributeValues: { ':pk': { S: headPk(gen, slot, bucket) }, ':lo': B(skLowerBound(after)) } }
      : { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: headPk(gen, slot, bucket) } } };
    let group: Buffer | null = null;
    for await (const it of this.query({ ...input, Limit: Math.min(limit + 1, 100) })) {
      const head = this.headOf(it);
      if (out.length >= limit) {
        const g = skGroup(head.sk);
        if (!group || !g || compareBytes(g, group) !== 0) break;
      }
      if (after && compareBytes(head.key, after) <= 0) continue;
      if (head.tomb) continue;
      out.push(head);
      group = skGroup(head.sk);
    }
    return out.sort((x, y) => compareBytes(x.key, y.key));
  }

  private async slotItems(table: TableName, gen: number, slot: number, buckets: number[], after: Buffer | null, limit: number): Promise<StoredItem[]> {
    const perBucket = await mapLimit(buckets, 8, (b) => this.bucketHeads(gen, slot, b, after, limit));
    const merged = perBucket.flat().sort((x, y) => compareBytes(x.key, y.key)).slice(0, limit);
    const items = await mapLimit(merged, 8, (h) => this.itemOf(table, gen, slot, h.key, h));
    return items.filter((i): i is StoredItem => i !== null);
  }

  private static bySlot(parts: { slot: number; bucket: number }[]): { slot: number; buckets: number[] }[] {
    const out: { slot: number; buckets: number[] }[] = [];
    for (const p of parts) {
      if (out.length && out[out.length - 1].slot === p.slot) out[out.length - 1].buckets.push(p.bucket);
      else out.push({ slot: p.slot, buckets: [p.bucket] });
    }
    return out;
  }

  async scan(req: ScanRequest): Promise<ScanPage> {
    validateTable(req.table);
    validateSlotRange(req.slotFrom, req.slotTo);
    this.live();
    try {
      return await scanPage(
        req,
        (table) => this.generationOf(table),
        async (gen, from, to) => DynamodbAdapter.bySlot(await this.partitionsOf(gen, from, to)),
        (gen, slot, buckets, after, max) => this.slotItems(req.table, gen, slot, buckets, after, max),
      );
    } catch (err) {
      throw toStoreError(err, 'scan');
    }
  }

  async deleteRange(table: TableName, slotFrom: number, slotTo: number): Promise<void> {
    validateTable(table);
    validateSlotRange(slotFrom, slotTo);
    this.live();
    await this.gate
      .shared(async () => {
        const gen = await this.generationOf(table);
        if (gen === null) return;
        await this.deletePartitions(gen, await this.partitionsOf(gen, slotFrom, slotTo));
      })
      .catch((err) => Promise.reject(toStoreError(err, 'deleteRange')));
  }

  // ---- snapshot, stats -----------------------------------------------------------------------

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
      for (const { slot, buckets } of DynamodbAdapter.bySlot(await this.partitionsOf(gen, 0, 16383))) {
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
    yield { items, meta: (await this.allMeta()).filter((m) => !m.name.startsWith(SYSTEM_META_PREFIX)) };
  }

  async restore(chunks: AsyncIterable<SnapshotChunk>): Promise<void> {
    this.live();
    for await (const chunk of chunks) {
      if (chunk.items.length) await this.batchWrite(chunk.items.map((i) => ({ ...i })));
      for (const m of chunk.meta) await this.putMeta(m.name, m.value);
    }
  }

  /** Approximate: counts up to 64 random written partitions and scales by their number. */
  async stats(): Promise<StoreStats> {
    this.live();
    const parts: { gen: number; slot: number; bucket: number }[] = [];
    for (const { gen } of await this.tableGenerations()) for (const p of await this.partitionsOf(gen, 0, 16383)) parts.push({ gen, ...p });
    if (parts.length === 0) return { keys: 0, bytes: 0 };
    const sample = [...parts].sort(() => Math.random() - 0.5).slice(0, 64);
    let keys = 0;
    let bytes = 0;
    for (const p of sample) {
      for await (const it of this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: headPk(p.gen, p.slot, p.bucket) } } })) {
        const h = this.headOf(it);
        if (h.tomb) continue;
        keys++;
        bytes += h.key.length + (h.chunks ? h.totalLen : h.value.length);
      }
    }
    const scale = parts.length / sample.length;
    return { keys: Math.round(keys * scale), bytes: Math.round(bytes * scale) };
  }
}
