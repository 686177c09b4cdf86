export * from './adapter';
export * from './errors';
export * from './slot';
export * from './bytes';
export * from './layout';
export * from './chunks';
export * from './locks';
export * from './registry';
