import * as path from 'path';
import type { ConfigValues } from '@strata/config';
import { createAdapter, type StorageAdapter } from '@strata/store';
import { StoreClient } from '@strata/store-client';
import type { Logger } from '@strata/telemetry';
import { TxService } from '@strata/tx';
import type { KvServer } from './server';

/** The adapter --enable_data_store uses: a store-server (--store_service) or one in process (--store). */
export function storeAdapter(s: ConfigValues): StorageAdapter {
  const service = s.store_service as string;
  if (service !== '') return new StoreClient({ address: service });
  switch (s.store as string) {
    case 'cassandra':
      return createAdapter({
        kind: 'cassandra',
        hosts: (s.cass_hosts as string).split(',').map((h) => h.trim()).filter((h) => h !== ''),
        port: s.cass_port as number,
        user: (s.cass_user as string) || undefined,
        password: (s.cass_password as string) || undefined,
        keyspace: s.cass_keyspace as string,
        keyspaceClass: s.cass_keyspace_class as string,
        keyspaceReplication: s.cass_keyspace_replication as string,
      });
    case 'dynamodb':
      return createAdapter({ kind: 'dynamodb', endpoint: (s.dynamo_endpoint as string) || undefined, region: s.dynamo_region as string, table: s.dynamo_table as string });
    default:
      return createAdapter({ kind: 'rocksdb', path: (s.rocksdb_storage_path as string) || path.join(s.data_path as string, 'rocksdb') });
  }
}

/** Where the data lives, for logs and INFO. */
export function storeDescription(s: ConfigValues): string {
  if ((s.store_service as string) !== '') return `store_service ${s.store_service as string}`;
  if (s.store === 'rocksdb') return `rocksdb ${(s.rocksdb_storage_path as string) || path.join(s.data_path as string, 'rocksdb')}`;
  return s.store as string;
}

/**
 * Attaches the data store stage to a server: the TxService sees every write (keyspace observer)
 * and the dispatcher answers -LOADING until load() is done. Opens the store before returning.
 */
export async function attachDataStore(server: KvServer, log: Logger): Promise<TxService> {
  const s = server.settings;
  if (s.store === 'cassandra' && (s.store_service as string) === '' && (s.cass_hosts as string).trim() === '') {
    throw new Error('store=cassandra needs --cass_hosts');
  }
  const tx = new TxService({
    keyspace: server.keyspace,
    adapter: storeAdapter(s),
    log: log.child({ part: 'data-store' }),
    checkpointIntervalSec: s.checkpoint_interval as number,
  });
  await tx.openStore();
  server.keyspace.observer = tx.observe(server.keyspace.observer);
  server.dataStore = tx;
  return tx;
}
