export * from './adapter';
export * from './errors';
export * from './slot';
export * from './bytes';
export * from './layout';
export * from './chunks';
export * from './locks';
export * from './registry';
// The keyspace and replication checks carry no driver import: config validation uses them.
export { KEYSPACE_PATTERN, replicationMap, validateKeyspace } from './cassandra/schema';
