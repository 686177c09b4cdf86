import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { requireBackend } from '../../../tools/backends/backend-env';
import { StoreError } from '../src';
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

/**
 * A stand-in DynamoDB client for retry behaviour without a server: the table is ACTIVE, reads find
 * nothing, and conditional PutItem calls (heads) fail with ThrottlingException `throttles` times.
 */
function throttlingClient(throttles: number): { client: ConstructorParameters<typeof DynamodbAdapter>[0]['client']; headPuts: () => number } {
  let headPuts = 0;
  const send = async (command: object): Promise<object> => {
    const name = command.constructor.name;
    const input = (command as { input: { ConditionExpression?: string } }).input;
    if (name === 'DescribeTableCommand') return { Table: { TableStatus: 'ACTIVE' } };
    if (name === 'QueryCommand' || name === 'GetItemCommand') return {};
    if (name === 'UpdateItemCommand') return { Attributes: { n: { N: '1' } } };
    if (name === 'PutItemCommand' && input.ConditionExpression) {
      headPuts++;
      if (headPuts <= throttles) throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    }
    return {};
  };
  return { client: { send, destroy: () => undefined } as unknown as ConstructorParameters<typeof DynamodbAdapter>[0]['client'], headPuts: () => headPuts };
}

describe('dynamodb adapter: throttling', () => {
  const write = { table: 't', slot: 1, key: Buffer.from('k'), value: Buffer.from('v'), commitTs: 10, expireAt: 0 };

  it('retries throttled writes with backoff until they succeed', async () => {
    const fake = throttlingClient(3);
    const adapter = new DynamodbAdapter({ region: 'us-east-1', table: 'fake', client: fake.client, retry: { attempts: 6, baseDelayMs: 1, maxDelayMs: 5 } });
    await adapter.open();
    await adapter.batchWrite([write]);
    expect(fake.headPuts()).toBe(4);
    await adapter.close();
  });

  it('gives up after the bounded attempts with UNAVAILABLE naming the durable items', async () => {
    const fake = throttlingClient(1000);
    const adapter = new DynamodbAdapter({ region: 'us-east-1', table: 'fake', client: fake.client, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    await adapter.open();
    const err = await adapter.batchWrite([write]).then(() => null, (e: unknown) => e as StoreError);
    expect(err).toBeInstanceOf(StoreError);
    expect(err!.code).toBe('UNAVAILABLE');
    expect(err!.durableItems).toEqual([]);
    expect(err!.message).toMatch(/ThrottlingException.*0 items are durable/);
    expect(fake.headPuts()).toBe(3);
    await adapter.close();
  });
});
