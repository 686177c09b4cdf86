/**
 * log-server: hosts replicas of log groups (Raft groups of a WAL each) and serves strata.log.v1
 * (Log, LogAdmin, LogPeer) with gRPC health checking. JSON logs on stdout (warnings on stderr).
 *   npm run log-server -- --conf=127.0.0.1:9201,127.0.0.1:9202,127.0.0.1:9203 --node_id=0 \
 *     --start_log_group_id=0 --storage_path=/tmp/x
 */
import fs from 'fs';
import * as grpc from '@grpc/grpc-js';
import { ConfigError, helpText, loadConfig } from '@strata/config';
import { CHANNEL_OPTIONS, loadProtos } from '@strata/log-client';
import { LogHost } from '@strata/log-service';
import { createLogger, Logger } from '@strata/telemetry';
import { addressOf, LogServerConfig, logServerSchema, toLogServerConfig } from './config';
import { faultyFiles } from './fault-inject';
import { HealthService } from '@strata/rpc';
import { createAdminService, createLogService } from './service';
import { createPeerService, GrpcPeerTransport } from './transport';

const SHUTDOWN_GRACE_MS = 3000;

async function run(config: LogServerConfig, log: Logger): Promise<void> {
  const self = config.conf[config.nodeId];
  const selfAddress = addressOf(self);
  const protos = loadProtos();
  const server = new grpc.Server(CHANNEL_OPTIONS);
  const health = new HealthService(['strata.log.v1.Log']);
  let host: LogHost | undefined;
  const ctx = { host: () => host, selfAddress, log };
  server.addService(protos.logService, createLogService(ctx));
  server.addService(protos.logAdminService, createAdminService(ctx));
  server.addService(protos.logPeerService, createPeerService(() => host));
  server.addService(protos.healthService, health.implementation());
  const bindHost = self.host.includes(':') ? `[${self.host}]` : self.host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${bindHost}:${self.port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  log.info('listening', { address: selfAddress, port, pid: process.pid });

  const transport = new GrpcPeerTransport(selfAddress, log);
  const files = config.faultInject ? faultyFiles(config.faultInject, log) : undefined;
  const candidate = new LogHost({
    storagePath: config.storagePath,
    transport,
    tickMs: config.tickMs,
    electionTick: config.electionTick,
    heartbeatTick: config.heartbeatTick,
    files,
    replicaTuning: { snapshotEntries: config.snapshotEntries },
    log: (level, msg, fields) => log[level](msg, fields),
  });
  await candidate.open();
  // The flags bootstrap groups this storage has never seen; an existing replica keeps the
  // membership committed in its Raft log.
  const peers = new Map(config.conf.map((e, i) => [i + 1, addressOf(e)]));
  for (let g = config.startGroupId; g < config.startGroupId + config.groupCount; g++) {
    if (!(await candidate.bootstrapGroup(g, config.nodeId + 1, peers))) log.info('group exists; stored membership wins over --conf', { group: g });
  }
  host = candidate;
  health.set('SERVING');
  log.info('serving', { address: selfAddress, groups: [...candidate.replicas.keys()], storage_path: config.storagePath });

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    health.set('NOT_SERVING');
    health.endWatches();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, SHUTDOWN_GRACE_MS);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    transport.close();
    await candidate.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

function main(): void {
  let config: LogServerConfig;
  try {
    const loaded = loadConfig(logServerSchema, { argv: process.argv.slice(2), env: process.env, readFile: (p) => fs.readFileSync(p, 'utf8') });
    if (loaded.help) {
      process.stdout.write(helpText('log-server: hosts replicas of StrataKV log groups', logServerSchema));
      return;
    }
    config = toLogServerConfig(loaded.values);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`log-server: ${e.message}\n`);
    process.exit(2);
  }
  const log = createLogger('log-server', { level: config.logLevel }, { node_id: config.nodeId });
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: String((reason as Error)?.stack ?? reason) }));
  run(config, log).catch((err: Error) => {
    log.error('failed to start', { error: err.message });
    process.exit(1);
  });
}

main();
