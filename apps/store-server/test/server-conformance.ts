/**
 * The adapter conformance suite, unchanged, through libs/store-client against real store-server
 * processes: one server per conformance instance, started with the flags argsOf(instance) gives.
 * When the suite makes an instance again (its durability test), the server is stopped with
 * SIGTERM and a new process is started on the same storage, so what the suite reads back came
 * through a fresh store-server and a fresh adapter.
 */
import { StoreClient } from '@strata/store-client';
import { describeConformance } from '../../../libs/store/test/conformance';
import { ServerProcess, startServer, stopServer } from './harness';

export interface ServerConformanceOptions {
  /** Flags of the server of an instance (besides --ip; --port=0 is added). */
  argsOf: (instance: string) => string[];
  /** Removes an instance's storage after the suite (its server is already stopped). */
  cleanup?: (instance: string) => Promise<void>;
  /** Per-test timeout (remote backends need more). */
  timeoutMs?: number;
  /** Deadline for a server to serve (opening a Cassandra keyspace takes seconds). */
  startTimeoutMs?: number;
}

export function describeServerConformance(label: string, options: ServerConformanceOptions): void {
  const servers = new Map<string, ServerProcess>();
  const stop = async (instance: string): Promise<void> => {
    const server = servers.get(instance);
    servers.delete(instance);
    if (server) expect(await stopServer(server)).toBe(0);
  };

  describeConformance(
    label,
    async (instance) => {
      // A second make of an instance: the suite closed its client; restart the server too.
      await stop(instance);
      const server = await startServer([...options.argsOf(instance), '--port=0'], options.startTimeoutMs);
      servers.set(instance, server);
      const client = new StoreClient({ address: server.address });
      await client.open();
      return client;
    },
    async (instance) => {
      await stop(instance);
      await options.cleanup?.(instance);
    },
    { timeoutMs: options.timeoutMs },
  );
}
