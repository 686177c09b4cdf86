/** Binds the gRPC server: Store service + health, before the adapter is open (health says so). */
import * as grpc from '@grpc/grpc-js';
import type { StorageAdapter } from '@strata/store';
import { CHANNEL_OPTIONS, loadProtos } from '@strata/store-client';
import { HealthService } from '@strata/rpc';
import type { Logger } from './log';
import { createStoreService } from './service';

export interface RunningServer {
  port: number;
  health: HealthService;
  /** Sets the adapter the service uses (once open) and reports SERVING. */
  serve(adapter: StorageAdapter): void;
  /** Stops taking calls, waits up to graceMs for calls in progress, then cuts the rest. */
  shutdown(graceMs: number): Promise<void>;
}

export async function startServer(ip: string, port: number, log: Logger): Promise<RunningServer> {
  const protos = loadProtos();
  const server = new grpc.Server(CHANNEL_OPTIONS);
  const health = new HealthService(['strata.store.v1.Store']);
  let adapter: StorageAdapter | null = null;
  server.addService(protos.storeService, createStoreService({ adapter: () => adapter, log }));
  server.addService(protos.healthService, health.implementation());
  const host = ip.includes(':') ? `[${ip}]` : ip;
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port: bound,
    health,
    serve(a) {
      adapter = a;
      health.set('SERVING');
    },
    async shutdown(graceMs) {
      health.set('NOT_SERVING');
      health.endWatches();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      adapter = null;
    },
  };
}
