import { Client } from 'cassandra-driver';
import { hostPort, requireBackend } from '../../../tools/backends/backend-env';
import { CassandraAdapter, CassandraAdapterOptions, replicationMap } from '../src/cassandra';
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

if (address) {
  const { host, port } = hostPort(address);
  const keyspace = `strata_extra_${process.pid}`;

  describe('cassandra adapter specifics', () => {
    let adapter: CassandraAdapter;
    let client: Client;

    beforeAll(async () => {
      adapter = new CassandraAdapter({ hosts: [host], port, keyspace, keyspaceClass: 'SimpleStrategy', keyspaceReplication: "{'replication_factor': 1}", chunkSize: 256 * 1024 });
      await adapter.open();
      client = new Client({ contactPoints: [host], protocolOptions: { port }, localDataCenter: 'datacenter1', encoding: { useBigIntAsLong: true } });
      await client.connect();
    }, 60_000);

    afterAll(async () => {
      await adapter?.close();
      await client?.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await client?.shutdown();
    }, 60_000);

    it('writes cells USING TIMESTAMP commitTs, so WRITETIME is the commitTs', async () => {
      const ts = Date.now() * 1000 + 7;
      await adapter.batchWrite([{ table: 'wt', slot: 5, key: Buffer.from('k'), value: Buffer.from('v'), commitTs: ts, expireAt: 0 }]);
      const rs = await client.execute(`SELECT WRITETIME(value) AS wt FROM ${keyspace}.data WHERE key = ? ALLOW FILTERING`, [Buffer.from('k')], { prepare: true });
      expect(rs.rows.map((r) => Number(r.wt as bigint))).toEqual([ts]);
    }, 30_000);

    it('a replaced chunked value leaves no chunks of its version behind; readers see whole values only', async () => {
      const key = Buffer.from('big');
      const base = Date.now() * 1000;
      const values = [1, 2, 3].map((mib) => Buffer.alloc(mib << 20, mib));
      await adapter.batchWrite([{ table: 'ch', slot: 9, key, value: values[0], commitTs: base + 1, expireAt: 0 }]);
      // Readers run while the value is switched twice: each read is one whole version.
      let reading = true;
      const seen = new Set<number>();
      const reader = (async () => {
        while (reading) {
          const got = await adapter.get({ table: 'ch', slot: 9, key });
          expect(got).not.toBeNull();
          const v = values.findIndex((x) => x.length === got!.value.length && x.equals(got!.value as Uint8Array));
          expect(v).toBeGreaterThanOrEqual(0);
          seen.add(v);
        }
      })();
      await adapter.batchWrite([{ table: 'ch', slot: 9, key, value: values[1], commitTs: base + 2, expireAt: 0 }]);
      await adapter.batchWrite([{ table: 'ch', slot: 9, key, value: values[2], commitTs: base + 3, expireAt: 0 }]);
      reading = false;
      await reader;
      expect(seen.size).toBeGreaterThan(0);
      const rs = await client.execute(`SELECT DISTINCT gen, slot, bucket FROM ${keyspace}.chunks`);
      const versions = new Set<number>();
      for (const p of rs.rows) {
        const chunks = await client.execute(`SELECT version FROM ${keyspace}.chunks WHERE gen = ? AND slot = ? AND bucket = ?`, [p.gen, p.slot, p.bucket], { prepare: true });
        for (const c of chunks.rows) versions.add(Number(c.version as bigint));
      }
      expect([...versions]).toEqual([base + 3]);
      expect((await adapter.get({ table: 'ch', slot: 9, key }))?.value.length).toBe(3 << 20);
    }, 60_000);

    it('replication settings reach CREATE KEYSPACE', async () => {
      const rs = await client.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace], { prepare: true });
      expect(rs.first().replication).toMatchObject({ class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '1' });
    }, 30_000);
  });
}

describe('cassandra replication options', () => {
  it('accepts a number, a map body or a braced map, and rejects anything else', () => {
    expect(replicationMap('SimpleStrategy', '3')).toBe("{'class': 'SimpleStrategy', 'replication_factor': 3}");
    expect(replicationMap('NetworkTopologyStrategy', "'dc1': 3, 'dc2': 2")).toBe("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}");
    expect(replicationMap('SimpleStrategy', "{'replication_factor': 1}")).toBe("{'class': 'SimpleStrategy', 'replication_factor': 1}");
    expect(() => replicationMap('SimpleStrategy', "1}; DROP KEYSPACE x")).toThrow(/replication/);
  });
});
