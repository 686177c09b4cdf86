/**
 * The conformance suite through libs/store-client against store-server --store=dynamodb, on the
 * CI DynamoDB Local (tools/backends/ci-start.sh). With CI=true an unreachable DynamoDB Local
 * fails; elsewhere the suite is skipped with a warning.
 */
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { requireBackend } from '../../../tools/backends/backend-env';
import { buildStoreServer, killAll } from './harness';
import { describeServerConformance } from './server-conformance';

const endpoint = requireBackend('STRATA_DYNAMODB', 'store-server over dynamodb');

if (endpoint) {
  console.log(`conformance: store-client → store-server --store=dynamodb at ${endpoint}`);
  // One DynamoDB table per conformance instance and test process, deleted afterwards.
  const tableOf = (instance: string): string => `strata_srv_${process.pid}_${instance}`;

  beforeAll(() => buildStoreServer(), 60_000);
  afterAll(() => killAll());

  describeServerConformance('store-client → store-server (dynamodb)', {
    argsOf: (instance) => ['--store=dynamodb', `--dynamo_endpoint=${endpoint}`, '--dynamo_region=us-east-1', `--dynamo_table=${tableOf(instance)}`],
    cleanup: async (instance) => {
      const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      try {
        await client.send(new DeleteTableCommand({ TableName: tableOf(instance) }));
      } finally {
        client.destroy();
      }
    },
    timeoutMs: 60_000,
    startTimeoutMs: 30_000,
  });
}
