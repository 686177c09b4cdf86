// Exits 0 when a CQL query answers at 127.0.0.1:PORT (prints the server's release_version),
// 1 otherwise. Used by cassandra.sh to know the node is up; cqlsh is not available here.
const cassandra = require('cassandra-driver');
const port = Number(process.argv[2]);
const client = new cassandra.Client({
  contactPoints: [`127.0.0.1:${port}`],
  localDataCenter: 'datacenter1',
  socketOptions: { connectTimeout: 3000, readTimeout: 5000 },
});
client
  .execute('SELECT release_version FROM system.local')
  .then((rs) => {
    console.log(rs.first().release_version);
    return client.shutdown().then(() => process.exit(0));
  })
  .catch(() => client.shutdown().finally(() => process.exit(1)));
