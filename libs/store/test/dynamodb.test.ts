import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { requireBackend } from '../../../tools/backends/backend-env';
import { DynamodbAdapter } from '../src/dynamodb';
import { describeConformance } from './conformance';

const endpoint = requireBackend('STRATA_DYNAMODB', 'dynamodb');

if (endpoint) {
  console.log(`conformance: dynamodb at ${endpoint}`);
  // One DynamoDB table per conformance instance and test process, deleted afterwards.
  const tableOf = (instance: string): string => `strata_conf_${process.pid}_${instance}`;

  describeConformance(
    'dynamodb',
    async (instance) => {
      const adapter = new DynamodbAdapter({ endpoint, region: 'us-east-1', table: tableOf(instance) });
      await adapter.open();
      return adapter;
    },
    async (instance) => {
      const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      try {
        await client.send(new DeleteTableCommand({ TableName: tableOf(instance) }));
      } finally {
        client.destroy();
      }
    },
    { timeoutMs: 60_000 },
  );
}
