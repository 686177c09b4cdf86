import * as fs from 'fs';
import { ConfigError, helpText, loadConfig } from '@strata/config';
import { createLogger, type LogLevel } from '@strata/telemetry';
import { kvServerSchema } from './config';
import type { TxService } from '@strata/tx';
import { attachDataStore, storeDescription } from './data-store';
import { KvServer } from './server';

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig(kvServerSchema, { argv: process.argv.slice(2), env: process.env, readFile: (p) => fs.readFileSync(p, 'utf8') });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`kv-server: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  if (loaded.help) {
    process.stdout.write(helpText('kv-server: the StrataKV Redis frontend and transaction service', kvServerSchema));
    return;
  }
  const settings = loaded.values;
  const log = createLogger('kv-server', { level: settings.log_level as LogLevel });
  if (settings.enable_wal && !settings.enable_data_store) {
    process.stderr.write('kv-server: enable_wal=true needs enable_data_store=true (the log could never be truncated)\n');
    process.exit(2);
  }
  if (settings.enable_wal) {
    process.stderr.write('kv-server: enable_wal is not available in this build yet; run with enable_data_store=true alone (durable up to the last checkpoint)\n');
    process.exit(2);
  }
  const server = new KvServer(settings, kvServerSchema, log);
  await server.init();
  let tx: TxService | undefined;
  if (settings.enable_data_store) {
    try {
      // Before the port is taken: a store that cannot open (locked, unreachable) fails the start.
      tx = await attachDataStore(server, log);
    } catch (e) {
      log.error('cannot open the data store', { store: storeDescription(settings), error: (e as Error).message });
      process.exit(1);
    }
  }
  let port: number;
  try {
    port = await server.listen();
  } catch (e) {
    log.error('cannot listen', { ip: settings.ip, port: settings.port, error: e as Error });
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    (async () => {
      await server.close();
      // Clients are gone: a last checkpoint stores every acknowledged write.
      const stored = tx === undefined ? true : await tx.close();
      log.info('bye', { stored });
      process.exit(stored ? 0 : 1);
    })().catch((e) => {
      log.error('shutdown failed', { error: e as Error });
      process.exit(1);
    });
  };
  server.requestShutdown = stop;
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (tx !== undefined) {
    tx.writer = `node-${settings.ip as string}:${port}`;
    log.info('listening; loading the dataset (clients get -LOADING)', { ip: settings.ip, port });
    try {
      await tx.load();
    } catch (e) {
      log.error('cannot load the dataset from the data store', { store: storeDescription(settings), error: e as Error });
      process.exit(1);
    }
  }
  if (stopping) return;
  log.info('ready to accept connections', { ip: settings.ip, port, pid: process.pid, stage: tx === undefined ? 'memory' : 'data_store', store: tx === undefined ? undefined : storeDescription(settings) });
}

main().catch((e) => {
  process.stderr.write(`kv-server: fatal: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
