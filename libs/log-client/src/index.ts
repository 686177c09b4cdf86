export * from './proto';
export { LogClient, LogClientError, type LogClientOptions, type LogRecordInput, type AppendedBatch, type ReplayedRecord } from './client';
