export { StoreClient } from './client';
export type { StoreClientOptions } from './client';
export * from './convert';
export * from './proto';
