import { registerAdapter } from '../registry';
import { DynamodbAdapter } from './dynamodb-adapter';

export { DynamodbAdapter, isTransientDynamoError } from './dynamodb-adapter';
export type { DynamodbAdapterOptions } from './dynamodb-adapter';

registerAdapter('dynamodb', (config) => new DynamodbAdapter(config));
