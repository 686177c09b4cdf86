/** The adapter conformance suite, unchanged, through libs/store-client against a real store-server. */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { StoreClient } from '@strata/store-client';
import { describeConformance } from '../../../libs/store/test/conformance';
import { buildStoreServer, killAll, ServerProcess, startServer, stopServer } from './harness';

const root = mkdtempSync(path.join(tmpdir(), 'strata-store-server-conformance-'));
const servers = new Map<string, ServerProcess>();

beforeAll(() => buildStoreServer(), 60_000);
afterAll(() => {
  killAll();
  rmSync(root, { recursive: true, force: true });
});

describeConformance(
  'store-client → store-server (rocksdb)',
  async (instance) => {
    let server = servers.get(instance);
    if (!server) {
      server = await startServer([`--rocksdb_storage_path=${path.join(root, instance)}`, '--port=0']);
      servers.set(instance, server);
    }
    const client = new StoreClient({ address: server.address });
    await client.open();
    return client;
  },
  async (instance) => {
    const server = servers.get(instance);
    if (server) expect(await stopServer(server)).toBe(0);
    servers.delete(instance);
  },
);
