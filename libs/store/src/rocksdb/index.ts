import { registerAdapter } from '../registry';
import { RocksdbAdapter } from './rocksdb-adapter';

export { RocksdbAdapter } from './rocksdb-adapter';
export type { RocksdbAdapterOptions } from './rocksdb-adapter';

registerAdapter('rocksdb', (config) => new RocksdbAdapter({ path: config.path }));
