// Exits 0 when DynamoDB at ENDPOINT answers ListTables (dummy credentials: DynamoDB Local accepts
// any), 1 otherwise. A real API call, so "up" also means the sqlite4java library loaded.
const { DynamoDBClient, ListTablesCommand } = require('@aws-sdk/client-dynamodb');
const client = new DynamoDBClient({
  endpoint: process.argv[2],
  region: 'us-east-1',
  maxAttempts: 1,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
client.send(new ListTablesCommand({})).then(
  () => process.exit(0),
  () => process.exit(1),
);
