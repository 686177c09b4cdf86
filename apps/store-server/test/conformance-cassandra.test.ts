/**
 * The conformance suite through libs/store-client against store-server --store=cassandra, on the
 * CI Cassandra (tools/backends/ci-start.sh). With CI=true an unreachable Cassandra fails; elsewhere
 * the suite is skipped with a warning.
 */
import { Client } from 'cassandra-driver';
import { hostPort, requireBackend } from '../../../tools/backends/backend-env';
import { buildStoreServer, killAll } from './harness';
import { describeServerConformance } from './server-conformance';

const address = requireBackend('STRATA_CASSANDRA', 'store-server over cassandra');

if (address) {
  const { host, port } = hostPort(address);
  console.log(`conformance: store-client → store-server --store=cassandra at ${host}:${port}`);
  // One keyspace per conformance instance and test process, dropped afterwards.
  const keyspaceOf = (instance: string): string => `strata_srv_${process.pid}_${instance}`;

  beforeAll(() => buildStoreServer(), 60_000);
  afterAll(() => killAll());

  describeServerConformance('store-client → store-server (cassandra)', {
    argsOf: (instance) => [
      '--store=cassandra',
      `--cass_hosts=${host}`,
      `--cass_port=${port}`,
      `--cass_keyspace=${keyspaceOf(instance)}`,
      '--cass_keyspace_class=SimpleStrategy',
      '--cass_keyspace_replication=1',
      '--cass_local_dc=datacenter1',
    ],
    cleanup: async (instance) => {
      const client = new Client({ contactPoints: [host], protocolOptions: { port }, localDataCenter: 'datacenter1' });
      try {
        await client.execute(`DROP KEYSPACE IF EXISTS ${keyspaceOf(instance)}`);
      } finally {
        await client.shutdown();
      }
    },
    timeoutMs: 60_000,
    startTimeoutMs: 60_000,
  });
}
