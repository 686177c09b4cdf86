import * as fs from 'fs';
import { ConfigError, helpText, loadConfig } from '@strata/config';
import { createLogger, type LogLevel } from '@strata/telemetry';
import { kvServerSchema } from './config';
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
  if (settings.enable_data_store) {
    process.stderr.write('kv-server: enable_data_store is not available in this build yet; run without it (memory only)\n');
    process.exit(2);
  }
  const server = new KvServer(settings, kvServerSchema, log);
  await server.init();
  let port: number;
  try {
    port = await server.listen();
  } catch (e) {
    log.error('cannot listen', { ip: settings.ip, port: settings.port, error: e as Error });
    process.exit(1);
  }
  log.info('ready to accept connections', { ip: settings.ip, port, pid: process.pid, stage: 'memory' });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    server.close().then(() => {
      log.info('bye');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(`kv-server: fatal: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
