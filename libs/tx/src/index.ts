export * from './clock';
export * from './dirty';
export * from './checkpointer';
export * from './loader';
export * from './tx-service';
