/** The adapter conformance suite through libs/store-client against a store-server --store=rocksdb. */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { buildStoreServer, killAll } from './harness';
import { describeServerConformance } from './server-conformance';

const root = mkdtempSync(path.join(tmpdir(), 'strata-store-server-conformance-'));

beforeAll(() => buildStoreServer(), 60_000);
afterAll(() => {
  killAll();
  rmSync(root, { recursive: true, force: true });
});

console.log('conformance: store-client → store-server --store=rocksdb (temp directory)');
describeServerConformance('store-client → store-server (rocksdb)', {
  argsOf: (instance) => ['--store=rocksdb', `--rocksdb_storage_path=${path.join(root, instance)}`],
});
