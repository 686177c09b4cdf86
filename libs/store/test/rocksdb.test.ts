import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { RocksdbAdapter } from '../src/rocksdb';
import { describeConformance } from './conformance';

const root = mkdtempSync(path.join(tmpdir(), 'strata-rocksdb-conformance-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeConformance(
  'rocksdb',
  async (instance) => {
    const adapter = new RocksdbAdapter({ path: path.join(root, instance) });
    await adapter.open();
    return adapter;
  },
  async (instance) => rmSync(path.join(root, instance), { recursive: true, force: true }),
);
