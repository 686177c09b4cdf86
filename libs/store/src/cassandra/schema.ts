/**
 * The Cassandra schema of a store, created on first use (idempotent DDL).
 *
 *   data       ((gen, slot, bucket), key)              head rows: value inline, or the chunk count
 *                                                      and length of a chunked value
 *   chunks     ((gen, slot, bucket), key, version, chunk)  pieces of large values, under the
 *                                                      version (commitTs) that owns them
 *   partitions ((gen), slot, bucket)                   which data partitions were ever written: a
 *                                                      scan of a slot range and a generation drop
 *                                                      visit only these, not 16384 × buckets
 *   meta       (name)                                  metadata rows (generations, checkpoints)
 *
 * All cells of data/chunks are written USING TIMESTAMP commitTs: Cassandra's last-write-wins per
 * cell is then exactly the newer-wins rule, and a row DELETE at commitTs is the tombstone.
 */
import { StoreError } from '../errors';

export const KEYSPACE_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

export function validateKeyspace(name: string): void {
  if (!KEYSPACE_PATTERN.test(name)) {
    throw new StoreError('INVALID_ARGUMENT', `invalid Cassandra keyspace name ${JSON.stringify(name)}: must match ${KEYSPACE_PATTERN}`);
  }
}

/**
 * The replication map of CREATE KEYSPACE from cass_keyspace_class and cass_keyspace_replication,
 * which may be a bare number ("3": replication_factor for SimpleStrategy, or for every datacenter
 * of NetworkTopologyStrategy), "'replication_factor': 3", "'dc1': 3, 'dc2': 2", or any of those
 * wrapped in braces.
 */
export function replicationMap(keyspaceClass: string, replication: string): string {
  const cls = keyspaceClass.trim() || 'SimpleStrategy';
  if (!/^[A-Za-z0-9_.]+$/.test(cls)) throw new StoreError('INVALID_ARGUMENT', `invalid keyspace class ${JSON.stringify(keyspaceClass)}`);
  let body = replication.trim();
  if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1).trim();
  if (body === '') body = '1';
  if (/^\d+$/.test(body)) body = `'replication_factor': ${body}`;
  // Only quoted names, numbers, colons and commas: the value goes into DDL text.
  if (!/^('[A-Za-z0-9_.-]+'\s*:\s*'?\d+'?\s*,?\s*)+$/.test(body)) {
    throw new StoreError('INVALID_ARGUMENT', `invalid keyspace replication ${JSON.stringify(replication)}: expected e.g. "'replication_factor': 3" or "'dc1': 3"`);
  }
  return `{'class': '${cls}', ${body}}`;
}

export function schemaStatements(keyspace: string, keyspaceClass: string, replication: string): string[] {
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replicationMap(keyspaceClass, replication)}`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.data (
       gen int, slot int, bucket int, key blob,
       value blob, commit_ts bigint, expire_at bigint, chunks int, total_len int,
       PRIMARY KEY ((gen, slot, bucket), key))`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.chunks (
       gen int, slot int, bucket int, key blob, version bigint, chunk int, data blob,
       PRIMARY KEY ((gen, slot, bucket), key, version, chunk))`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.partitions (
       gen int, slot int, bucket int,
       PRIMARY KEY ((gen), slot, bucket))`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.meta (name text PRIMARY KEY, value blob)`,
  ];
}
