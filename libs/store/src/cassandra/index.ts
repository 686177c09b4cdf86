import { registerAdapter } from '../registry';
import { CassandraAdapter } from './cassandra-adapter';

export { CassandraAdapter, isTransientCassandraError } from './cassandra-adapter';
export type { CassandraAdapterOptions } from './cassandra-adapter';
export { replicationMap } from './schema';

registerAdapter('cassandra', (config) => new CassandraAdapter(config));
