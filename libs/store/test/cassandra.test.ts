import { Client } from 'cassandra-driver';
import { hostPort, requireBackend } from '../../../tools/backends/backend-env';
import { CassandraAdapter, CassandraAdapterOptions } from '../src/cassandra';
import { describeConformance } from './conformance';

const address = requireBackend('STRATA_CASSANDRA', 'cassandra');

if (address) {
  const { host, port } = hostPort(address);
  console.log(`conformance: cassandra at ${host}:${port}`);
  // One keyspace per conformance instance and test process, dropped afterwards.
  const keyspaceOf = (instance: string): string => `strata_conf_${process.pid}_${instance}`;
  const options = (instance: string): CassandraAdapterOptions => ({
    hosts: [host],
    port,
    keyspace: keyspaceOf(instance),
    keyspaceClass: 'SimpleStrategy',
    keyspaceReplication: '1',
    localDataCenter: 'datacenter1',
  });

  describeConformance(
    'cassandra',
    async (instance) => {
      const adapter = new CassandraAdapter(options(instance));
      await adapter.open();
      return adapter;
    },
    async (instance) => {
      const client = new Client({ contactPoints: [host], protocolOptions: { port }, localDataCenter: 'datacenter1' });
      try {
        await client.execute(`DROP KEYSPACE IF EXISTS ${keyspaceOf(instance)}`);
      } finally {
        await client.shutdown();
      }
    },
    { timeoutMs: 60_000 },
  );
}
