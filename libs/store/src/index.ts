export * from './adapter';
export * from './errors';
export * from './slot';
export * from './bytes';
