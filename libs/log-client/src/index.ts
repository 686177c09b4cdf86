export * from './proto';
export { LogClient, LogClientError, type LogClientOptions, type AppendedBatch, type ReplayedRecord } from './client';
