/**
 * store-server: one StorageAdapter (--store=rocksdb|cassandra|dynamodb) served over gRPC
 * (proto/store.proto) with gRPC health checking. Logs are JSON lines on stdout.
 */
import { readFileSync } from 'fs';
import { helpText } from '@strata/config';
import { createAdapter, StorageAdapter } from '@strata/store';
import { adapterConfig, ConfigError, loadStoreServerConfig, storeServerSchema, StoreServerConfig } from './config';
import { createLogger, Logger } from './log';
import { startServer } from './server';

const SHUTDOWN_GRACE_MS = 5000;

async function run(config: StoreServerConfig, log: Logger): Promise<void> {
  const server = await startServer(config.ip, config.port, log);
  log.info('listening', { ip: config.ip, port: server.port, store: config.store });

  let adapter: StorageAdapter | null = null;
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    await server.shutdown(SHUTDOWN_GRACE_MS);
    if (adapter) await adapter.close().catch((err: Error) => log.error('adapter close failed', { error: err.message }));
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const candidate = createAdapter(adapterConfig(config));
  await candidate.open();
  adapter = candidate;
  if (stopping) return;
  server.serve(adapter);
  log.info('serving', { store: adapter.kind });
}

function main(): void {
  let loaded: { config: StoreServerConfig; help: boolean };
  try {
    loaded = loadStoreServerConfig({ argv: process.argv.slice(2), env: process.env, readFile: (p) => readFileSync(p, 'utf8') });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`store-server: ${err.message}\n`);
    process.exit(2);
  }
  if (loaded.help) {
    process.stdout.write(helpText('store-server: one storage adapter served over gRPC (npm run store-server -- --name=value ...)', storeServerSchema));
    return;
  }
  const { config } = loaded;
  const log = createLogger(config.log_level);
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: String((reason as Error)?.stack ?? reason) }));
  run(config, log).catch((err: Error) => {
    log.error('failed to start', { error: err.message });
    process.exit(1);
  });
}

main();
